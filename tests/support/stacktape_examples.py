"""Stacktape example programs that several test files use: snippets of Stacktape's
multi-container-workload page as args, and programs run under the ecs mocks."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from components import ApplicationLoadBalancer, ContainerWorkload
from tests.support.container_workload_args import ALB
from tests.support.ecs_mocks import run_ecs


def shop(
    balancer: dict[str, Any],
    deployment: dict[str, Any],
    events: Sequence[dict[str, Any]] = (),
    *,
    workload_args: dict[str, Any] | None = None,
    **alb_event: Any,
) -> ContainerWorkload:
    """The workload 'shop' with `deployment` (and any other `workload_args`), its container behind
    the ALB 'edge' (made with `balancer` args), plus `events`."""
    edge = ApplicationLoadBalancer("edge", balancer or None)
    return ContainerWorkload(
        "shop",
        {
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "events": [
                        {
                            "type": "application-load-balancer",
                            "load_balancer": edge,
                            "container_port": 80,
                            "priority": 1,
                            **alb_event,
                        },
                        *events,
                    ],
                }
            ],
            "resources": {"cpu": 0.5, "memory": 1024},
            "deployment": deployment,
            **(workload_args or {}),
        },
    )


def shifted(deployment: dict[str, Any] | Callable[[], dict[str, Any]], **balancer: Any) -> dict[str, Any]:
    """Run a workload with `deployment` (or what the callable makes inside the program) behind an ALB;
    return its resources and its `codedeploy_deployment`."""
    seen: dict[str, Any] = {}

    def program() -> None:
        workload = shop(balancer, deployment() if callable(deployment) else deployment)
        workload.codedeploy_deployment.apply(lambda value: seen.update(deployment=value))
        assert workload.deployment_group is not None
        assert workload.deployment_group.pulumi_resource_name == "shop-deploy-group"

    seen["resources"] = run_ecs(program)
    return seen


# Most snippets on the page ask for `cpu: 2, memory: 2048`, which Fargate does not offer (2 vCPU
# take 4096..16384 MiB, as Stacktape's own reference for `memory` says); they are translated with
# the smallest valid memory, and `test_the_pages_2_vcpu_2048_mib_is_rejected` covers the literal.
DOC_2_VCPU = {"cpu": 2, "memory": 4096}


def build(entry: str = "src/index.ts") -> dict[str, Any]:
    """Stacktape's `stacktape-image-buildpack` packaging of `entry`: here, a build of ./app."""
    assert (Path("app") / entry).is_file()
    return {"context": "./app"}


def alb_snippet(**deployment: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "containers": [
            {
                "name": "api-container",
                "build": build(),
                "events": [
                    {
                        "type": "application-load-balancer",
                        "load_balancer": ALB,
                        "container_port": 80,
                        "priority": 1,
                        "paths": ["*"],
                    }
                ],
            }
        ],
        "resources": DOC_2_VCPU,
    }
    if deployment:
        args["deployment"] = deployment
    return args
