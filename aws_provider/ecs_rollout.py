"""Wait on `pulumi up` until an ECS service (rolling deployments) runs the declared task definition.

pulumi-aws's `wait_for_steady_state` waits until the service has one deployment with all its tasks
running, which is also true after the deployment circuit breaker rolled a crash-looping revision
back: `pulumi up` would report success while the state records a task definition that is not
running. `EcsServiceRollout` watches the deployment of `task_definition_arn` instead (DescribeServices):
COMPLETED succeeds; FAILED, or the service back on another revision, fails the update with ECS's
reason and the service's latest events; a rollout still going after `timeout_minutes` fails too.

Credentials and region are the stack's AWS provider's (`aws_provider.session`); clients are made in
each call, never kept on the pickled provider.
"""

import time
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

from aws_provider.session import CREDENTIAL_INPUTS, session

PROVIDER_VERSION = 1
DEFAULT_TIMEOUT_MINUTES = 30.0
DEFAULT_POLL_SECONDS = 15.0
EVENTS_SHOWN = 5
INPUTS = (
    "cluster_name",
    "service_name",
    "task_definition_arn",
    *CREDENTIAL_INPUTS,
    "timeout_minutes",
    "provider_version",
)


class RolloutError(Exception):
    """A deployment that did not reach its task definition; the message has ECS's reasons."""


def client(props: Mapping[str, Any]) -> Any:
    return session(props).client("ecs")


def describe(ecs: Any, props: Mapping[str, Any]) -> dict[str, Any]:
    response = ecs.describe_services(cluster=props["cluster_name"], services=[props["service_name"]])
    found = [s for s in response.get("services", []) if s.get("status") != "INACTIVE"]
    if not found:
        raise RolloutError(
            f'ECS service "{props["service_name"]}" was not found in "{props["cluster_name"]}"'
        )
    return dict(found[0])


def outcome(service: Mapping[str, Any], task_definition: str) -> str | None:
    """None while rolling out; 'COMPLETED'; or why it failed."""
    deployments = service.get("deployments", [])
    ours = [d for d in deployments if d.get("taskDefinition") == task_definition]
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    failed = next((d for d in ours if d.get("rolloutState") == "FAILED"), None)
    if failed is not None:
        return str(failed.get("rolloutStateReason") or "the deployment FAILED")
    if primary is not None and primary.get("taskDefinition") != task_definition and not ours:
        return f"the service runs {primary.get('taskDefinition')} again (rolled back)"
    if (
        primary is not None
        and primary.get("taskDefinition") == task_definition
        and primary.get("rolloutState") == "COMPLETED"
        and len(deployments) == 1
    ):
        return "COMPLETED"
    return None


def failure_message(props: Mapping[str, Any], reason: str, service: Mapping[str, Any]) -> str:
    events = [f"{e.get('createdAt')}: {e.get('message')}" for e in service.get("events", [])[:EVENTS_SHOWN]]
    return (
        f'ECS service "{props["service_name"]}" did not roll out {props["task_definition_arn"]}: {reason}.'
        + (" Latest service events: " + " | ".join(events) if events else "")
        + " Fix the cause, then run `pulumi up` again."
    )


def wait_for_rollout(props: Mapping[str, Any]) -> None:
    ecs = client(props)
    timeout = float(props.get("timeout_minutes", DEFAULT_TIMEOUT_MINUTES)) * 60
    poll = float(props.get("poll_seconds", DEFAULT_POLL_SECONDS))
    deadline = time.monotonic() + timeout
    while True:
        service = describe(ecs, props)
        result = outcome(service, props["task_definition_arn"])
        if result == "COMPLETED":
            return
        if result is not None:
            raise RolloutError(failure_message(props, result, service))
        if time.monotonic() >= deadline:
            raise RolloutError(
                failure_message(props, f"still rolling out after {timeout / 60:g} minutes", service)
            )
        time.sleep(poll)


class EcsServiceRolloutProvider(ResourceProvider):
    """create/update wait for the rollout of the task definition; delete does nothing."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        wait_for_rollout(props)
        return CreateResult(f"{props['cluster_name']}/{props['service_name']}", props)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in INPUTS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if olds.get("task_definition_arn") != news["task_definition_arn"]:
            wait_for_rollout(news)
        return UpdateResult(news)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        return None


class EcsServiceRollout(pulumi.dynamic.Resource):
    """Fails `pulumi up` unless the service rolls out `task_definition_arn` (see the module)."""

    task_definition_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        cluster_name: pulumi.Input[str],
        service_name: pulumi.Input[str],
        task_definition_arn: pulumi.Input[str],
        credentials: Mapping[str, pulumi.Input[Any]],
        timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "cluster_name": cluster_name,
            "service_name": service_name,
            "task_definition_arn": task_definition_arn,
            **{key: credentials.get(key) for key in CREDENTIAL_INPUTS},
            "timeout_minutes": timeout_minutes,
            "poll_seconds": poll_seconds,
            "provider_version": PROVIDER_VERSION,
        }
        super().__init__(EcsServiceRolloutProvider(), name, props, opts)
