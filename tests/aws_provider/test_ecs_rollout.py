"""`aws_provider.ecs_rollout` against botocore's Stubber on a real ECS client: a rollout the circuit
breaker rolled back fails `pulumi up` with ECS's reason and the service's events, and the resource a
rolling ContainerWorkload registers."""

import datetime
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from aws_provider import ecs_rollout
from aws_provider.ecs_rollout import EcsServiceRolloutProvider, RolloutError
from components import ContainerWorkload
from tests.support.ecs_mocks import REGION, run_ecs

NEW = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:2"
OLD = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1"
PROPS = {
    "cluster_name": "app",
    "service_name": "shop",
    "task_definition_arn": NEW,
    "region": REGION,
    "poll_seconds": 0,
}
WHEN = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def ecs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    real = boto3.session.Session(region_name=REGION).client("ecs")
    stubber = Stubber(real)
    monkeypatch.setattr(ecs_rollout, "client", lambda props: real)
    with stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def answer(stubber: Stubber, deployments: list[dict[str, Any]], events: list[str] = ()) -> None:  # type: ignore[assignment]
    stubber.add_response(
        "describe_services",
        {
            "services": [
                {
                    "serviceName": "shop",
                    "status": "ACTIVE",
                    "deployments": deployments,
                    "events": [{"id": str(i), "createdAt": WHEN, "message": m} for i, m in enumerate(events)],
                }
            ],
            "failures": [],
        },
        {"cluster": "app", "services": ["shop"]},
    )


def test_the_update_waits_until_the_new_task_definition_completes(ecs: Stubber) -> None:
    answer(
        ecs,
        [
            {"status": "PRIMARY", "taskDefinition": NEW, "rolloutState": "IN_PROGRESS"},
            {"status": "ACTIVE", "taskDefinition": OLD, "rolloutState": "COMPLETED"},
        ],
    )
    answer(ecs, [{"status": "PRIMARY", "taskDefinition": NEW, "rolloutState": "COMPLETED"}])
    EcsServiceRolloutProvider().update("app/shop", {**PROPS, "task_definition_arn": OLD}, PROPS)


def test_a_crash_loop_the_circuit_breaker_rolled_back_fails_with_the_services_events(ecs: Stubber) -> None:
    reason = "ECS deployment circuit breaker: tasks failed to start."
    answer(
        ecs,
        [
            {"status": "PRIMARY", "taskDefinition": OLD, "rolloutState": "IN_PROGRESS"},
            {
                "status": "ACTIVE",
                "taskDefinition": NEW,
                "rolloutState": "FAILED",
                "rolloutStateReason": reason,
            },
        ],
        [
            "(service shop) has started 1 tasks: (task abc).",
            "(service shop) task abc stopped: Essential container exited",
        ],
    )
    with pytest.raises(RolloutError, match="circuit breaker") as caught:
        EcsServiceRolloutProvider().create(PROPS)
    assert "Essential container exited" in str(caught.value)


def test_a_service_back_on_the_old_revision_fails(ecs: Stubber) -> None:
    answer(ecs, [{"status": "PRIMARY", "taskDefinition": OLD, "rolloutState": "COMPLETED"}])
    with pytest.raises(RolloutError, match="rolled back"):
        EcsServiceRolloutProvider().create(PROPS)


def test_a_rollout_past_its_timeout_fails(ecs: Stubber) -> None:
    answer(ecs, [{"status": "PRIMARY", "taskDefinition": NEW, "rolloutState": "IN_PROGRESS"}], ["waiting"])
    with pytest.raises(RolloutError, match="still rolling out after 0 minutes"):
        EcsServiceRolloutProvider().create({**PROPS, "timeout_minutes": 0})


def test_a_rolling_workload_registers_its_rollout_after_the_service() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload(
            "shop",
            {
                "containers": [{"name": "web", "image": "nginx:1.27"}],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )
    )
    steady = resources["shop-steady"]
    assert steady.inputs["task_definition_arn"] == resources["shop-task"].inputs["arn"]
    assert "shop-service" in steady.depends_on
    assert steady.inputs["region"] == REGION
