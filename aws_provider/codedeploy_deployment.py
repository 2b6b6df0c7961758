"""Roll an ECS service under the CODE_DEPLOY controller to a new task definition on `pulumi up`.

ECS refuses to change the task definition of a service under CodeDeploy; only a CodeDeploy
deployment moves it, and the same goes for its network configuration (subnets, security groups,
public IP: UpdateService refuses those too). `CodeDeployDeployment` does that when its
`deployment_input` changes: it calls CreateDeployment with it (the JSON a `ContainerWorkload`
renders, whose AppSpec names the task definition and the network) and waits until CodeDeploy
reports the deployment Succeeded, or fails the update with CodeDeploy's error once it is Failed or
Stopped (the deployment group rolls the service back by itself). A deployment still running after
`timeout_minutes` is stopped with rollback, so the service stays on the revision Pulumi's state
records.

Whether to deploy is decided against the service itself: the task definition and network its
PRIMARY task set runs (describe-services). On the stack's first `pulumi up` ECS has just created the
service with that very task definition and network, so nothing is deployed; when the resource is
added to an older service, or an update failed half-way, the service is brought to the declared
revision.

A deployment already running for the group (a `pulumi up` interrupted by Ctrl-C or a CI timeout,
then run again) is attached to and waited for instead of a second CreateDeployment, which CodeDeploy
would refuse (DeploymentLimitExceededException); the service is then deployed only if it is still
not on the declared revision.

Credentials and region are the stack's AWS provider's (`aws_provider.session`). boto3 clients are
made inside each call, never kept on the provider: the provider is pickled.
"""

import json
import time
from collections.abc import Mapping
from typing import Any

import pulumi
from botocore.exceptions import BotoCoreError, ClientError
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

from aws_provider.session import CREDENTIAL_INPUTS, session

# Bumped when the provider's behaviour changes, so that stacks pick up the new pickled provider.
PROVIDER_VERSION = 3
DEFAULT_TIMEOUT_MINUTES = 60.0
DEFAULT_POLL_SECONDS = 15.0
SUCCEEDED = "Succeeded"
FAILED = ("Failed", "Stopped")
# CodeDeploy's DeploymentStatus values of a deployment that has not finished.
ACTIVE = ["Created", "Queued", "InProgress", "Baking", "Ready"]
INPUTS = (
    "deployment_input",
    "task_definition_arn",
    "cluster_name",
    "service_name",
    *CREDENTIAL_INPUTS,
    "timeout_minutes",
    "poll_seconds",
    "provider_version",
)


class DeploymentError(Exception):
    """A CodeDeploy deployment that did not succeed; the message says why, in CodeDeploy's words."""


def client(service: str, props: Mapping[str, Any]) -> Any:
    """A fresh boto3 client for `service` with the stack's AWS credentials, in its region."""
    return session(props).client(service)


def primary_task_set(ecs: Any, cluster: str, service: str) -> dict[str, Any]:
    """What the service runs: its PRIMARY task set (CODE_DEPLOY), else the service itself; both
    carry `taskDefinition` and `networkConfiguration`."""
    response = ecs.describe_services(cluster=cluster, services=[service])
    found = [s for s in response.get("services", []) if s.get("status") != "INACTIVE"]
    if not found:
        reasons = "; ".join(f"{f.get('arn')}: {f.get('reason')}" for f in response.get("failures", []))
        raise DeploymentError(
            f'ECS service "{service}" was not found in cluster "{cluster}"'
            + (f" ({reasons})" if reasons else "")
        )
    primary = [s for s in found[0].get("taskSets", []) if s.get("status") == "PRIMARY"]
    return dict(primary[0] if primary else found[0])


def declared_target(params: Mapping[str, Any]) -> dict[str, Any]:
    """The AppSpec's TargetService properties: the task definition and network a deployment brings."""
    content = json.loads(params["revision"]["appSpecContent"]["content"])
    return dict(content["Resources"][0]["TargetService"]["Properties"])


def runs_declared(running: Mapping[str, Any], declared: Mapping[str, Any]) -> bool:
    """Whether a task set (or service) runs the declared task definition in the declared network
    (subnets and security groups in any order; ECS's default assignPublicIp is DISABLED)."""
    if running.get("taskDefinition") != declared["TaskDefinition"]:
        return False
    network = declared.get("NetworkConfiguration", {}).get("AwsvpcConfiguration")
    if network is None:
        return True
    actual = (running.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return (
        sorted(actual.get("subnets", [])) == sorted(network["Subnets"])
        and sorted(actual.get("securityGroups", [])) == sorted(network["SecurityGroups"])
        and actual.get("assignPublicIp", "DISABLED") == network["AssignPublicIp"]
    )


def roll_out(props: Mapping[str, Any]) -> str | None:
    """Deploy the AppSpec of `props["deployment_input"]` (task definition and network) unless the
    service runs it already, and wait for the outcome; first wait for a deployment of the group
    still running. Returns the id of the deployment that brought the service there, or None when
    none was needed."""
    params = json.loads(props["deployment_input"])
    declared = declared_target(params)
    task_definition = declared["TaskDefinition"]
    ecs = client("ecs", props)

    def on_declared() -> bool:
        return runs_declared(primary_task_set(ecs, props["cluster_name"], props["service_name"]), declared)

    if on_declared():
        return None
    codedeploy = client("codedeploy", props)
    target = f"{params['applicationName']}/{params['deploymentGroupName']}"
    wait = {
        "timeout_seconds": float(props.get("timeout_minutes", DEFAULT_TIMEOUT_MINUTES)) * 60,
        "poll_seconds": float(props.get("poll_seconds", DEFAULT_POLL_SECONDS)),
    }
    running = active_deployment(codedeploy, params)
    if running is not None:
        pulumi.log.info(f"CodeDeploy deployment {running} of {target} is still running: waiting for it")
        wait_for_deployment(codedeploy, running, task_definition, **wait)
        if on_declared():
            return running
    try:
        deployment_id = str(codedeploy.create_deployment(**params)["deploymentId"])
    except (ClientError, BotoCoreError) as error:
        raise DeploymentError(
            f"CodeDeploy refused to deploy {task_definition} with {target}: {error}"
        ) from error
    wait_for_deployment(codedeploy, deployment_id, task_definition, **wait)
    return deployment_id


def active_deployment(codedeploy: Any, params: Mapping[str, Any]) -> str | None:
    """The deployment of the group that has not finished yet, if any (CodeDeploy runs one at a time)."""
    found = codedeploy.list_deployments(
        applicationName=params["applicationName"],
        deploymentGroupName=params["deploymentGroupName"],
        includeOnlyStatuses=ACTIVE,
    ).get("deployments", [])
    return str(found[0]) if found else None


def wait_for_deployment(
    codedeploy: Any, deployment_id: str, task_definition: str, *, timeout_seconds: float, poll_seconds: float
) -> None:
    """Poll GetDeployment until Succeeded; raise `DeploymentError` on Failed or Stopped, and stop the
    deployment (CodeDeploy then rolls back) when it outlives `timeout_seconds`."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        status = info.get("status")
        if status == SUCCEEDED:
            return
        if status in FAILED:
            raise DeploymentError(failure_message(deployment_id, task_definition, info))
        if time.monotonic() >= deadline:
            raise DeploymentError(_stop(codedeploy, deployment_id, status, timeout_seconds))
        time.sleep(poll_seconds)


def failure_message(deployment_id: str, task_definition: str, info: Mapping[str, Any]) -> str:
    """One sentence with the deployment's status, CodeDeploy's errorInformation and its rollback."""
    error = info.get("errorInformation") or {}
    reason = ": ".join(str(part) for part in (error.get("code"), error.get("message")) if part)
    rollback = (info.get("rollbackInfo") or {}).get("rollbackMessage")
    return (
        f"CodeDeploy deployment {deployment_id} of {task_definition} is {info.get('status')}"
        + f" ({reason or 'no errorInformation'})"
        + "; the deployment group rolls the service back to its previous task definition"
        + (f" ({rollback})" if rollback else "")
        + ". Fix the cause, then run `pulumi up` again."
    )


def _stop(codedeploy: Any, deployment_id: str, status: str | None, timeout_seconds: float) -> str:
    """Stop a deployment that ran too long (with rollback); return the error message to raise."""
    message = (
        f"CodeDeploy deployment {deployment_id} did not finish within {timeout_seconds / 60:g} minutes"
        f" (status {status})"
    )
    try:
        codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
    except (ClientError, BotoCoreError) as error:
        return f"{message}; stopping it failed too ({error}). Check it with `aws deploy get-deployment`."
    return (
        f"{message}; it was stopped and CodeDeploy rolls the service back."
        " Fix the cause or raise timeout_minutes, then run `pulumi up` again."
    )


class CodeDeployDeploymentProvider(ResourceProvider):
    """create/update deploy when the service is not on the task definition yet; delete does nothing
    (the service and the deployment group go with their own resources)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        params = json.loads(props["deployment_input"])
        deployment_id = roll_out(props)
        return CreateResult(
            f"{params['applicationName']}/{params['deploymentGroupName']}",
            {**props, "deployment_id": deployment_id},
        )

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in INPUTS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        deployment_id = olds.get("deployment_id")
        # A new task definition or a new network (both in the AppSpec) needs a deployment.
        if any(olds.get(key) != news[key] for key in ("task_definition_arn", "deployment_input")):
            deployment_id = roll_out(news) or deployment_id
        return UpdateResult({**news, "deployment_id": deployment_id})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        return None


class CodeDeployDeployment(pulumi.dynamic.Resource):
    """Keeps an ECS service under CODE_DEPLOY on `task_definition_arn` through CodeDeploy deployments."""

    deployment_id: pulumi.Output[str | None]
    """The last deployment this resource ran; None until a task definition change needed one."""
    task_definition_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        deployment_input: pulumi.Input[str],
        task_definition_arn: pulumi.Input[str],
        cluster_name: pulumi.Input[str],
        service_name: pulumi.Input[str],
        credentials: Mapping[str, pulumi.Input[Any]],
        timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`deployment_input`: CodeDeploy CreateDeployment input (JSON) that moves the service to
        `task_definition_arn`; `credentials`: the AWS provider's settings, `CREDENTIAL_INPUTS` by
        name (`region` required); `timeout_minutes`: how long one deployment may take."""
        if timeout_minutes <= 0:
            raise ValueError("timeout_minutes must be greater than 0")
        props = {
            "deployment_input": deployment_input,
            "task_definition_arn": task_definition_arn,
            "cluster_name": cluster_name,
            "service_name": service_name,
            **{key: credentials.get(key) for key in CREDENTIAL_INPUTS},
            "timeout_minutes": timeout_minutes,
            "poll_seconds": poll_seconds,
            "provider_version": PROVIDER_VERSION,
            "deployment_id": None,
        }
        super().__init__(CodeDeployDeploymentProvider(), name, props, opts)
