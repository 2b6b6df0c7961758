"""`aws_provider.codedeploy_deployment` against botocore's Stubber on real boto3 clients.

The props are what a ContainerWorkload with `deployment` registers (under mocks), so the
CreateDeployment the provider sends is the rendered one, and the Stubber checks it against
botocore's CodeDeploy model as a real client would before sending it.
"""

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import boto3
import dill
import pytest
from botocore.stub import Stubber

from aws_provider import codedeploy_deployment
from aws_provider.codedeploy_deployment import (
    ACTIVE,
    INPUTS,
    CodeDeployDeploymentProvider,
    DeploymentError,
    declared_target,
)
from tests.support.ecs_mocks import REGION
from tests.support.stacktape_examples import shifted

OLD_TASK = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1"
DEPLOYMENT_ID = "d-ABCDEF123"


@pytest.fixture(scope="module")
def registered() -> dict[str, Any]:
    """The inputs of the `shop-rollout` resource a workload with a Canary deployment registers."""
    return shifted({"strategy": "Canary10Percent5Minutes"})["resources"]["shop-rollout"].inputs


@pytest.fixture
def props(registered: dict[str, Any]) -> dict[str, Any]:
    return {**{key: registered[key] for key in INPUTS if key in registered}, "poll_seconds": 0}


class Aws:
    """Real boto3 clients for ECS and CodeDeploy, each behind an activated Stubber."""

    def __init__(self) -> None:
        self.clients = {
            service: boto3.session.Session(region_name=REGION).client(service)
            for service in ("ecs", "codedeploy")
        }
        self.stubbers = {service: Stubber(client) for service, client in self.clients.items()}
        self.all_answered = True
        """Checked after the test: every stubbed answer was asked for."""

    def service_runs(
        self, task_definition: str, props: Mapping[str, Any], network: Mapping[str, Any] | None = None
    ) -> None:
        """describe-services answers that the service's PRIMARY task set runs `task_definition`, in
        `network` (an awsvpcConfiguration; default: the one the deployment declares)."""
        declared = declared_target(json.loads(props["deployment_input"]))["NetworkConfiguration"]
        awsvpc = network or {
            "subnets": declared["AwsvpcConfiguration"]["Subnets"],
            "securityGroups": declared["AwsvpcConfiguration"]["SecurityGroups"],
            "assignPublicIp": declared["AwsvpcConfiguration"]["AssignPublicIp"],
        }
        task_set = {
            "status": "PRIMARY",
            "taskDefinition": task_definition,
            "networkConfiguration": {"awsvpcConfiguration": awsvpc},
        }
        self.stubbers["ecs"].add_response(
            "describe_services",
            {
                "services": [
                    {
                        "serviceName": props["service_name"],
                        "status": "ACTIVE",
                        "taskDefinition": task_definition,
                        "deploymentController": {"type": "CODE_DEPLOY"},
                        "taskSets": [task_set],
                    }
                ],
                "failures": [],
            },
            {"cluster": props["cluster_name"], "services": [props["service_name"]]},
        )

    def no_deployment_running(self, props: Mapping[str, Any], running: list[str] | None = None) -> None:
        params = json.loads(props["deployment_input"])
        self.stubbers["codedeploy"].add_response(
            "list_deployments",
            {"deployments": running or []},
            {
                "applicationName": params["applicationName"],
                "deploymentGroupName": params["deploymentGroupName"],
                "includeOnlyStatuses": ACTIVE,
            },
        )

    def deployment_created(self, props: Mapping[str, Any], checked: bool = False) -> None:
        if not checked:
            self.no_deployment_running(props)
        self.stubbers["codedeploy"].add_response(
            "create_deployment", {"deploymentId": DEPLOYMENT_ID}, json.loads(props["deployment_input"])
        )

    def deployment_status(self, status: str, **info: Any) -> None:
        self.stubbers["codedeploy"].add_response(
            "get_deployment",
            {"deploymentInfo": {"deploymentId": DEPLOYMENT_ID, "status": status, **info}},
            {"deploymentId": DEPLOYMENT_ID},
        )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """Fake credentials in the environment, and the provider's clients replaced by stubbed ones."""
    for variable, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    stubbed = Aws()
    asked: list[tuple[str, str]] = []

    def client(service: str, props: Mapping[str, Any]) -> Any:
        asked.append((service, props["region"]))
        return stubbed.clients[service]

    monkeypatch.setattr(codedeploy_deployment, "client", client)
    for stubber in stubbed.stubbers.values():
        stubber.activate()
    yield stubbed
    for stubber in stubbed.stubbers.values():
        if stubbed.all_answered:
            stubber.assert_no_pending_responses()  # every call the test expected was made
        stubber.deactivate()
    assert all(region == REGION for _, region in asked)


def test_the_first_create_deploys_nothing(aws: Aws, props: dict[str, Any]) -> None:
    # ECS has just created the service on this task definition; an unexpected CodeDeploy call fails.
    aws.service_runs(props["task_definition_arn"], props)
    result = CodeDeployDeploymentProvider().create(props)
    assert result.outs is not None
    assert result.outs["deployment_id"] is None
    assert result.id == "shop-deploy-app-name/shop"


def test_a_new_task_definition_is_deployed_and_waited_for(aws: Aws, props: dict[str, Any]) -> None:
    aws.service_runs(OLD_TASK, props)
    aws.deployment_created(props)
    aws.deployment_status("InProgress")
    aws.deployment_status("Succeeded")
    result = CodeDeployDeploymentProvider().update(
        "shop-deploy-app-name/shop",
        {**props, "task_definition_arn": OLD_TASK, "deployment_id": "d-OLD"},
        props,
    )
    assert result.outs is not None
    assert result.outs["deployment_id"] == DEPLOYMENT_ID
    assert result.outs is not None
    assert result.outs["task_definition_arn"] == props["task_definition_arn"]


@pytest.mark.parametrize(
    "network",
    [
        {"subnets": ["subnet-public-1", "subnet-public-2"]},  # use_private_subnets_with_nat toggled
        {"securityGroups": ["sg-replaced"]},
        {"assignPublicIp": "DISABLED"},
    ],
)
def test_a_new_network_is_deployed_through_the_appspec_not_updateservice(
    aws: Aws, props: dict[str, Any], network: dict[str, Any]
) -> None:
    """UpdateService refuses a new network configuration for CODE_DEPLOY services; the AppSpec's
    NetworkConfiguration brings it with a deployment, the task definition unchanged."""
    declared = declared_target(json.loads(props["deployment_input"]))["NetworkConfiguration"]
    awsvpc = declared["AwsvpcConfiguration"]
    running = {
        "subnets": awsvpc["Subnets"],
        "securityGroups": awsvpc["SecurityGroups"],
        "assignPublicIp": awsvpc["AssignPublicIp"],
        **network,
    }
    aws.service_runs(props["task_definition_arn"], props, running)
    aws.deployment_created(props)
    aws.deployment_status("Succeeded")
    olds = {**props, "deployment_input": props["deployment_input"].replace("subnet", "old-subnet")}
    result = CodeDeployDeploymentProvider().update("shop-deploy-app-name/shop", olds, props)
    assert result.outs is not None and result.outs["deployment_id"] == DEPLOYMENT_ID


def test_the_same_network_in_another_order_deploys_nothing(aws: Aws, props: dict[str, Any]) -> None:
    awsvpc = declared_target(json.loads(props["deployment_input"]))["NetworkConfiguration"][
        "AwsvpcConfiguration"
    ]
    running = {
        "subnets": list(reversed(awsvpc["Subnets"])),
        "securityGroups": list(reversed(awsvpc["SecurityGroups"])),
        "assignPublicIp": awsvpc["AssignPublicIp"],
    }
    aws.service_runs(props["task_definition_arn"], props, running)
    result = CodeDeployDeploymentProvider().create(props)
    assert result.outs is not None and result.outs["deployment_id"] is None


def test_a_service_behind_the_declared_revision_is_deployed_on_create(
    aws: Aws, props: dict[str, Any]
) -> None:
    """E.g. the resource is added to an existing stack whose service runs an older revision."""
    aws.service_runs(OLD_TASK, props)
    aws.deployment_created(props)
    aws.deployment_status("Succeeded")
    created = CodeDeployDeploymentProvider().create(props)
    assert created.outs is not None and created.outs["deployment_id"] == DEPLOYMENT_ID


@pytest.mark.parametrize("status", ["Failed", "Stopped"])
def test_a_failed_deployment_fails_the_update_with_codedeploys_error(
    aws: Aws, props: dict[str, Any], status: str
) -> None:
    aws.service_runs(OLD_TASK, props)
    aws.deployment_created(props)
    aws.deployment_status("InProgress")
    aws.deployment_status(
        status,
        errorInformation={
            "code": "HOOK_EXECUTION_FAILURE",
            "message": "The AfterAllowTraffic hook reported Failed.",
        },
        rollbackInfo={"rollbackMessage": "Deployment d-ROLLBACK rolled back to the previous revision"},
    )
    with pytest.raises(DeploymentError) as raised:
        CodeDeployDeploymentProvider().update("id", {**props, "task_definition_arn": OLD_TASK}, props)
    message = str(raised.value)
    assert f"CodeDeploy deployment {DEPLOYMENT_ID} of {props['task_definition_arn']} is {status}" in message
    assert "HOOK_EXECUTION_FAILURE: The AfterAllowTraffic hook reported Failed." in message
    assert "rolled back to the previous revision" in message


def test_a_deployment_past_its_timeout_is_stopped_with_rollback(aws: Aws, props: dict[str, Any]) -> None:
    aws.service_runs(OLD_TASK, props)
    aws.deployment_created(props)
    aws.deployment_status("InProgress")
    aws.stubbers["codedeploy"].add_response(
        "stop_deployment",
        {"status": "Pending", "statusMessage": "Stopping"},
        {"deploymentId": DEPLOYMENT_ID, "autoRollbackEnabled": True},
    )
    with pytest.raises(DeploymentError, match=r"did not finish within 0 minutes \(status InProgress\)"):
        CodeDeployDeploymentProvider().create({**props, "timeout_minutes": 0})


def test_codedeploy_refusing_the_deployment_is_reported(aws: Aws, props: dict[str, Any]) -> None:
    aws.service_runs(OLD_TASK, props)
    aws.no_deployment_running(props)
    aws.stubbers["codedeploy"].add_client_error(
        "create_deployment",
        service_error_code="DeploymentLimitExceededException",
        service_message="The ECS service has an active deployment.",
        expected_params=json.loads(props["deployment_input"]),
    )
    with pytest.raises(
        DeploymentError, match=r"refused to deploy .* with shop-deploy-app-name/shop: .*active"
    ):
        CodeDeployDeploymentProvider().create(props)


def test_a_rerun_attaches_to_the_running_deployment_instead_of_creating_another(
    aws: Aws, props: dict[str, Any]
) -> None:
    """After Ctrl-C or a CI timeout the deployment goes on; CreateDeployment would be refused with
    DeploymentLimitExceededException. The re-run waits for it, then finds the service on the revision."""
    aws.service_runs(OLD_TASK, props)
    aws.no_deployment_running(props, running=[DEPLOYMENT_ID])
    aws.deployment_status("InProgress")
    aws.deployment_status("Succeeded")
    aws.service_runs(props["task_definition_arn"], props)
    result = CodeDeployDeploymentProvider().update(
        "shop-deploy-app-name/shop", {**props, "task_definition_arn": OLD_TASK, "deployment_id": None}, props
    )
    assert result.outs is not None and result.outs["deployment_id"] == DEPLOYMENT_ID


def test_after_a_running_deployment_of_another_revision_ours_is_created(
    aws: Aws, props: dict[str, Any]
) -> None:
    aws.service_runs(OLD_TASK, props)
    aws.no_deployment_running(props, running=["d-OTHER"])
    aws.stubbers["codedeploy"].add_response(
        "get_deployment",
        {"deploymentInfo": {"deploymentId": "d-OTHER", "status": "Succeeded"}},
        {"deploymentId": "d-OTHER"},
    )
    aws.service_runs(OLD_TASK, props)
    aws.deployment_created(props, checked=True)
    aws.deployment_status("Succeeded")
    result = CodeDeployDeploymentProvider().create(props)
    assert result.outs is not None and result.outs["deployment_id"] == DEPLOYMENT_ID


def test_the_stubbed_client_validates_createdeployment_against_botocores_model(
    aws: Aws, props: dict[str, Any]
) -> None:
    """What makes the other tests' CreateDeployment count: a payload off the model never leaves."""
    bad = {**json.loads(props["deployment_input"]), "deploymentGroup": "shop"}
    props = {**props, "deployment_input": json.dumps(bad)}
    aws.service_runs(OLD_TASK, props)
    aws.no_deployment_running(props)
    aws.stubbers["codedeploy"].add_response("create_deployment", {"deploymentId": DEPLOYMENT_ID}, bad)
    with pytest.raises(DeploymentError, match='Unknown parameter in input: "deploymentGroup"'):
        CodeDeployDeploymentProvider().create(props)
    aws.all_answered = False  # the refused call never reached its stubbed answer


def test_a_missing_service_is_reported(aws: Aws, props: dict[str, Any]) -> None:
    aws.stubbers["ecs"].add_response(
        "describe_services",
        {
            "services": [],
            "failures": [{"arn": "arn:aws:ecs:us-east-1:123456789012:service/x", "reason": "MISSING"}],
        },
        {"cluster": props["cluster_name"], "services": [props["service_name"]]},
    )
    with pytest.raises(DeploymentError, match=r'ECS service "shop-service-name" was not found.*MISSING'):
        CodeDeployDeploymentProvider().create(props)


def no_aws(service: str, props: Mapping[str, Any]) -> Any:
    raise AssertionError(f"no {service} call expected")


@pytest.mark.parametrize(
    ("change", "call"),
    [
        ({"timeout_minutes": 30}, lambda p, olds, news: p.update("id", olds, news)),
        ({}, lambda p, olds, news: p.delete("id", olds)),
    ],
)
def test_no_deployment_without_a_new_task_definition(
    monkeypatch: pytest.MonkeyPatch,
    props: dict[str, Any],
    change: dict[str, Any],
    call: Callable[[CodeDeployDeploymentProvider, dict[str, Any], dict[str, Any]], Any],
) -> None:
    monkeypatch.setattr(codedeploy_deployment, "client", no_aws)
    olds = {**props, "deployment_id": "d-OLD"}
    result = call(CodeDeployDeploymentProvider(), olds, {**props, **change})
    if result is not None:  # update keeps the last deployment's id
        assert result.outs["deployment_id"] == "d-OLD"


def test_diff_changes_in_place_on_any_input() -> None:
    provider = CodeDeployDeploymentProvider()
    olds = {"task_definition_arn": OLD_TASK, "timeout_minutes": 60.0, "deployment_id": "d-1"}
    assert (
        provider.diff("id", olds, {"task_definition_arn": OLD_TASK, "timeout_minutes": 60}).changes is False
    )
    moved = provider.diff("id", olds, {"task_definition_arn": "arn:new", "timeout_minutes": 60})
    assert (moved.changes, moved.replaces) == (True, [])


def test_the_registered_provider_is_pickled_by_reference(registered: dict[str, Any]) -> None:
    """Pulumi ships the provider with dill: by reference to this importable module, nothing else."""
    payload = base64.b64decode(registered["__provider"])
    assert b"aws_provider.codedeploy_deployment" in payload and len(payload) < 200
    assert isinstance(dill.loads(payload), CodeDeployDeploymentProvider)
