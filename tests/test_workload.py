"""`Workload`'s escape hatches: on each platform, the typed attributes hold the resources that
platform made, and the others are None (or empty)."""

from typing import Any

from components import Workload
from tests.support.ecs_mocks import run_ecs
from tests.support.pulumi_mocks import run_with_mocks

ARGS: Any = {"image": "hashicorp/http-echo", "port": 5678, "public": True, "replicas": 2}
ECS_ONLY = ("service", "task_definition", "task_role", "execution_role", "log_group", "security_group")


def test_sim_exposes_the_image_replicas_and_ingress() -> None:
    made: list[Workload] = []
    registered = run_with_mocks(lambda: made.append(Workload("hello", ARGS)))
    (hello,) = made
    assert [r.pulumi_resource_name for r in hello.replicas] == ["hello-replica-1", "hello-replica-2"]
    assert "hello-ingress" in registered and hello.ingress is not None and hello.image is not None
    assert hello.chart is None and hello.namespace is None
    assert all(getattr(hello, attribute) is None for attribute in ECS_ONLY)


def test_ecs_exposes_the_service_and_what_it_runs_with() -> None:
    made: list[Workload] = []
    run_ecs(lambda: made.append(Workload("hello", ARGS)), {"containers:platform": "ecs"})
    (hello,) = made
    assert all(getattr(hello, attribute) is not None for attribute in ECS_ONLY)
    assert hello.target_group is not None and hello.load_balancer is not None
    assert hello.image is None and hello.replicas == [] and hello.chart is None
