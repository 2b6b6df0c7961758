"""CodeDeploy blue/green for a ContainerWorkload with `deployment`, under mocks.

Expectations from CodeDeploy's documentation for ECS: a deployment group of the ECS compute
platform with two target groups, a production listener (one) and an optional test listener, the
predefined `CodeDeployDefault.ECS<strategy>` configurations, hooks on BeforeAllowTraffic and
AfterAllowTraffic, and the service under the CODE_DEPLOY controller.
"""

import base64
import json
from typing import Any

import pytest

from aws_provider.codedeploy_deployment import INPUTS, PROVIDER_VERSION
from components import Cluster, ContainerWorkload, InvalidArgumentError
from tests.support.aws_models import strict
from tests.support.ecs_mocks import lambda_function, of_type, only, policy, registered_before_error, run_ecs
from tests.support.stacktape_examples import shifted, shop

SERVICE = "aws:ecs/service:Service"
GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup"
DYNAMIC = "pulumi-python:dynamic:Resource"
STRATEGIES = [
    "Canary10Percent5Minutes",
    "Canary10Percent15Minutes",
    "Linear10PercentEvery1Minutes",
    "Linear10PercentEvery3Minutes",
    "AllAtOnce",
]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_stacktape_strategy_is_a_codedeploy_deployment_group(strategy: str) -> None:
    resources = shifted({"strategy": strategy})["resources"]
    group = only(resources, GROUP).inputs
    assert group["deploymentConfigName"] == f"CodeDeployDefault.ECS{strategy}"
    assert resources["shop-deploy-app"].inputs["computePlatform"] == "ECS"
    assert group["appName"] == "shop-deploy-app-name"
    assert group["deploymentStyle"] == {
        "deploymentType": "BLUE_GREEN",
        "deploymentOption": "WITH_TRAFFIC_CONTROL",
    }
    assert group["autoRollbackConfiguration"]["enabled"] is True
    assert group["ecsService"] == {"clusterName": "app-ecs-name", "serviceName": "shop-service-name"}
    (pair,) = [group["loadBalancerInfo"]["targetGroupPairInfo"]]
    assert pair["targetGroups"] == [
        {"name": resources["shop-web-80-alb0"].inputs["name"]},
        {"name": resources["shop-web-80-alb0-green"].inputs["name"]},
    ]
    assert pair["prodTrafficRoute"] == {"listenerArns": [resources["edge-80"].inputs["arn"]]}
    assert "testTrafficRoute" not in pair
    assert group["serviceRoleArn"] == resources["shop-codedeploy-role"].inputs["arn"]
    assert (
        resources["shop-codedeploy-policy"].inputs["policyArn"]
        == "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
    )


def test_the_service_is_left_to_codedeploy() -> None:
    resources = shifted({"strategy": "Canary10Percent5Minutes"})["resources"]
    service = only(resources, SERVICE)
    assert service.inputs["deploymentController"] == {"type": "CODE_DEPLOY"}
    # UpdateService refuses these under CODE_DEPLOY; deployments bring them (the AppSpec).
    assert set(service.ignore_changes) == {
        "desiredCount",
        "taskDefinition",
        "loadBalancers",
        "networkConfiguration",
    }
    assert "deploymentCircuitBreaker" not in service.inputs  # ECS's rolling settings do not apply
    assert "serviceConnectConfiguration" not in service.inputs  # unsupported under CODE_DEPLOY
    # CodeDeploy rewrites the rule's forward action to weighted groups: Pulumi must not undo that.
    (rule,) = of_type(resources, "aws:lb/listenerRule:ListenerRule").values()
    assert rule.ignore_changes == ["actions"]
    assert rule.inputs["actions"][0]["targetGroupArn"] == resources["shop-web-80-alb0"].inputs["arn"]


@pytest.mark.parametrize("remote_sessions", [False, True])
def test_toggling_remote_sessions_replaces_a_blue_green_service(remote_sessions: bool) -> None:
    """UpdateService under CODE_DEPLOY refuses enableExecuteCommand (its reference lists what it
    updates there) and no AppSpec carries it: a change must replace the service, never update it."""

    def program() -> None:
        shop({}, {"strategy": "AllAtOnce"}, workload_args={"enable_remote_sessions": remote_sessions})

    service = only(run_ecs(program), SERVICE)
    assert service.inputs["enableExecuteCommand"] is remote_sessions
    assert service.replace_on_changes == ["enableExecuteCommand"]
    assert "enableExecuteCommand" not in service.ignore_changes  # the replacement must see the change


def test_a_rolling_service_updates_remote_sessions_in_place() -> None:
    """Under the ECS controller UpdateService takes enableExecuteCommand: no replacement."""

    def program() -> None:
        ContainerWorkload(
            "api",
            {
                "containers": [{"name": "web", "image": "nginx:1.27"}],
                "resources": {"cpu": 0.25, "memory": 512},
                "enable_remote_sessions": True,
            },
        )

    service = only(run_ecs(program), SERVICE)
    assert service.inputs["enableExecuteCommand"] is True
    assert service.replace_on_changes == []


def appspec_target(deployment: str) -> dict[str, Any]:
    content = json.loads(json.loads(deployment)["revision"]["appSpecContent"]["content"])
    return content["Resources"][0]["TargetService"]["Properties"]


def private_or_public(private: bool) -> dict[str, Any]:
    """A CodeDeploy workload on a cluster with NAT, in private or public subnets; its resources
    and its `codedeploy_deployment`."""
    seen: dict[str, Any] = {}

    def program() -> None:
        cluster = Cluster("net", {"nat_gateways": "Single"})
        workload = shop(
            {"cluster": cluster},
            {"strategy": "AllAtOnce"},
            workload_args={"use_private_subnets_with_nat": private, "cluster": cluster},
        )
        workload.codedeploy_deployment.apply(lambda value: seen.update(deployment=value))

    seen["resources"] = run_ecs(program)
    return seen


def test_a_network_change_reaches_a_codedeploy_service_through_the_appspec() -> None:
    """Toggling use_private_subnets_with_nat changes the AppSpec's NetworkConfiguration, which the
    next CodeDeploy deployment applies (the rollout deploys when its input changes); the service's
    own networkConfiguration is ignored after create, as UpdateService would refuse it."""
    public, private = private_or_public(False), private_or_public(True)
    vpc = public["resources"]["net-vpc"].inputs
    for seen, subnets, public_ip in (
        (public, vpc["publicSubnetIds"], "ENABLED"),
        (private, vpc["privateSubnetIds"], "DISABLED"),
    ):
        service = only(seen["resources"], SERVICE)
        assert "networkConfiguration" in service.ignore_changes
        network = appspec_target(seen["deployment"])["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert network == {
            "Subnets": subnets,
            "SecurityGroups": service.inputs["networkConfiguration"]["securityGroups"],
            "AssignPublicIp": public_ip,
        }
        strict("codedeploy", "CreateDeployment", json.loads(seen["deployment"]))
    assert public["deployment"] != private["deployment"]
    assert public["resources"]["shop-rollout"].inputs["deployment_input"] == public["deployment"]


def test_pulumi_up_rolls_out_a_new_task_definition_through_codedeploy() -> None:
    seen = shifted(
        {
            "strategy": "Canary10Percent5Minutes",
            "before_allow_traffic_function": "arn:aws:lambda:us-east-1:123456789012:function:smoke",
        }
    )
    resources = seen["resources"]
    rollout = resources["shop-rollout"]
    assert (rollout.type, rollout.parent) == (DYNAMIC, "shop")
    assert {key: rollout.inputs[key] for key in INPUTS if key in rollout.inputs} == {
        "deployment_input": seen["deployment"],  # the `codedeploy_deployment` output, unchanged
        "task_definition_arn": resources["shop-task"].inputs["arn"],
        "cluster_name": "app-ecs-name",
        "service_name": "shop-service-name",
        "region": "us-east-1",
        "assume_roles": [],
        "timeout_minutes": 60,
        "poll_seconds": 15,
        "provider_version": PROVIDER_VERSION,
    }
    # After the service and the deployment group, and once CodeDeploy's role may do its work.
    assert {"shop-service", "shop-deploy-group", "shop-codedeploy-policy", "shop-codedeploy-hooks"} <= set(
        rollout.depends_on
    )
    assert b"aws_provider.codedeploy_deployment" in base64.b64decode(rollout.inputs["__provider"])


def test_no_rollout_without_a_deployment() -> None:
    def program() -> None:
        shop = ContainerWorkload(
            "shop",
            {
                "containers": [{"name": "web", "image": "nginx:1.27"}],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )
        assert shop.rollout is None

    # Only the rolling deployment's check, no CodeDeploy rollout.
    assert list(of_type(run_ecs(program), DYNAMIC)) == ["shop-steady"]


def test_the_test_listener_and_hooks() -> None:
    seen = shifted(
        {
            "strategy": "Linear10PercentEvery1Minutes",
            "before_allow_traffic_function": "arn:aws:lambda:us-east-1:123456789012:function:smoke",
            "after_traffic_shift_function": "arn:aws:lambda:us-east-1:123456789012:function:validate",
            "test_listener_port": 8443,
        },
        certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/abc",
    )
    resources = seen["resources"]
    test = resources["shop-test-8443"]
    assert (test.inputs["port"], test.inputs["protocol"]) == (8443, "HTTPS")  # like the production listener
    assert test.inputs["defaultActions"] == [
        {"type": "forward", "targetGroupArn": resources["shop-web-80-alb0"].inputs["arn"]}
    ]
    assert test.ignore_changes == ["defaultActions"]
    ingress = resources["shop-test-in-8443"].inputs
    # The untested version is reachable from the VPC only, though the balancer is public.
    assert resources["edge-in-443"].inputs["cidrIpv4"] == "0.0.0.0/0"
    assert (ingress["securityGroupId"], ingress["fromPort"], ingress["cidrIpv4"]) == (
        "edge-sg-id",
        8443,
        "10.0.0.0/16",
    )
    pair = only(resources, GROUP).inputs["loadBalancerInfo"]["targetGroupPairInfo"]
    assert pair["prodTrafficRoute"] == {"listenerArns": [resources["edge-443"].inputs["arn"]]}
    assert pair["testTrafficRoute"] == {"listenerArns": [test.inputs["arn"]]}
    # CodeDeploy's managed policy invokes only functions named CodeDeployHook_*: these get a grant.
    (grant,) = policy(resources["shop-codedeploy-hooks"])["Statement"]
    assert grant["Action"] == ["lambda:InvokeFunction"] and len(grant["Resource"]) == 2

    deployment = json.loads(seen["deployment"])
    strict("codedeploy", "CreateDeployment", deployment)
    assert (deployment["applicationName"], deployment["deploymentGroupName"]) == (
        "shop-deploy-app-name",
        "shop",
    )
    app_spec = json.loads(deployment["revision"]["appSpecContent"]["content"])
    (target,) = app_spec["Resources"]
    assert target["TargetService"]["Properties"]["TaskDefinition"] == resources["shop-task"].inputs["arn"]
    assert target["TargetService"]["Properties"]["LoadBalancerInfo"] == {
        "ContainerName": "web",
        "ContainerPort": 80,
    }
    assert app_spec["Hooks"] == [
        {"BeforeAllowTraffic": "arn:aws:lambda:us-east-1:123456789012:function:smoke"},
        {"AfterAllowTraffic": "arn:aws:lambda:us-east-1:123456789012:function:validate"},
    ]


def test_a_hook_may_be_a_function_object() -> None:
    def deployment() -> dict[str, Any]:
        validate = lambda_function("validate")
        return {"strategy": "Canary10Percent5Minutes", "after_traffic_shift_function": validate}

    seen = shifted(deployment)
    app_spec = json.loads(json.loads(seen["deployment"])["revision"]["appSpecContent"]["content"])
    assert app_spec["Hooks"] == [{"AfterAllowTraffic": seen["resources"]["validate"].inputs["arn"]}]


def test_a_hook_function_may_report_its_result_for_this_deployment_group() -> None:
    """CodeDeploy waits for the hook's PutLifecycleEventHookExecutionStatus, then fails the deployment
    on timeout: a hook given as a function object gets that action, on this group only, in its role.
    A hook given as an ARN string names no role the workload could grant (README: its own role)."""

    def deployment() -> dict[str, Any]:
        return {
            "strategy": "AllAtOnce",
            "before_allow_traffic_function": lambda_function("smoke"),
            "after_traffic_shift_function": "arn:aws:lambda:us-east-1:123456789012:function:validate",
        }

    resources = shifted(deployment)["resources"]
    reports = of_type(resources, "aws:iam/rolePolicy:RolePolicy")
    grants = {
        name: r
        for name, r in reports.items()
        if "codedeploy:PutLifecycleEventHookExecutionStatus" in r.inputs["policy"]
    }
    assert list(grants) == ["shop-before-allow-traffic-reports"]
    (grant,) = grants.values()
    assert grant.inputs["role"] == "hooks"  # the function's role, by name (lambda_function's role ARN)
    (statement,) = policy(grant)["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Action": ["codedeploy:PutLifecycleEventHookExecutionStatus"],
        "Resource": [resources["shop-deploy-group"].inputs["arn"]],
    }
    assert "shop-before-allow-traffic-reports" in resources["shop-rollout"].depends_on


@pytest.mark.parametrize(
    ("deployment", "events", "balancer", "field", "allowed"),
    [
        (
            {"strategy": "AllAtOnce"},
            [{"type": "service-connect", "container_port": 9090}],
            {},
            "deployment",
            "without service-connect",
        ),
        (
            {"strategy": "AllAtOnce"},
            [],
            {"listeners": [{"port": 80, "protocol": "HTTP"}, {"port": 8080, "protocol": "HTTP"}]},
            "deployment",
            "one listener",
        ),
        (
            {"strategy": "AllAtOnce", "test_listener_port": 8080},
            [],
            {"listeners": [{"port": 80, "protocol": "HTTP"}, {"port": 8080, "protocol": "HTTP"}]},
            "deployment.test_listener_port",
            "no listener on",
        ),
    ],
)
def test_what_codedeploy_cannot_do_is_refused_first(
    deployment: dict[str, Any],
    events: list[dict[str, Any]],
    balancer: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    one_listener = {"listener_port": 80} if "test_listener_port" in deployment else {}
    error, registered = registered_before_error(lambda: shop(balancer, deployment, events, **one_listener))
    assert isinstance(error, InvalidArgumentError) and error.field == field and allowed in error.allowed
    assert not any(name.startswith("shop") for name in registered)


def test_rules_forward_where_production_traffic_is_not_to_the_first_group() -> None:
    """After a CodeDeploy flip production traffic is on green; a rule created later (a new event, a
    new priority) forwards to the group the listener weighs most, read live at deploy time
    (aws_provider.production_target_group), and the test listener starts there too."""
    resources = shifted({"strategy": "AllAtOnce", "test_listener_port": 8443})["resources"]
    live = resources["shop-web-80-alb0-production"]
    assert (live.type, live.parent) == (DYNAMIC, "shop")
    assert live.inputs["listener_arn"] == resources["edge-80"].inputs["arn"]
    assert live.inputs["target_group_arns"] == [
        resources["shop-web-80-alb0"].inputs["arn"],
        resources["shop-web-80-alb0-green"].inputs["arn"],
    ]
    assert live.inputs["region"] == "us-east-1"  # the stack's credentials, as the rollout's
    (rule,) = of_type(resources, "aws:lb/listenerRule:ListenerRule").values()
    assert "shop-web-80-alb0-production" in rule.depends_on
    assert rule.inputs["actions"][0]["targetGroupArn"] == live.inputs["arn"]
    test_listener = resources["shop-test-8443"]
    assert "shop-web-80-alb0-production" in test_listener.depends_on
    assert test_listener.inputs["defaultActions"][0]["targetGroupArn"] == live.inputs["arn"]
