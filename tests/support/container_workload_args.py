"""Stand-ins and builders for ContainerWorkload args in the spec tests: the smallest valid container,
events and workload, each overridable field by field, and the bad-input check every concern uses."""

from collections.abc import Callable
from typing import Any

import pytest

from components.spec.container_workload.workload import parse_container_workload
from components.spec.errors import InvalidArgumentError

BadCase = tuple[str, Callable[[], Any], str, tuple[str, ...]]  # args may be deliberately ill-typed
"""(case, args, field named in the message, fragments of what is allowed)"""


class Component:
    """Stands in for a load balancer, gateway, bucket, function or cluster object."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Component({self.name!r})"


ALB = Component("myLoadBalancer")
ALB2 = Component("otherLoadBalancer")
NLB = Component("myNetworkLoadBalancer")
GATEWAY = Component("myApiGateway")
BUCKET = Component("photosBucket")
EFS = Component("myEfs")
FUNCTION = Component("validateDeployment")

FARGATE_CPU_LIST = "0.25, 0.5, 1, 2, 4, 8, 16"


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "web", "image": "nginx:1.27", **fields}


def alb_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "application-load-balancer",
        "load_balancer": ALB,
        "container_port": 80,
        "priority": 1,
        **fields,
    }


def http_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "http-api-gateway",
        "http_api_gateway": GATEWAY,
        "container_port": 80,
        "method": "GET",
        "path": "/x",
        **fields,
    }


def nlb_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "network-load-balancer",
        "load_balancer": NLB,
        "listener_port": 8080,
        "container_port": 80,
        **fields,
    }


def workload(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "containers": list(containers or [container()]),
        "resources": {"cpu": 0.5, "memory": 1024},
        **fields,
    }


def parse(args: dict[str, Any], name: str = "api") -> Any:
    return parse_container_workload(name, args)


def each_bad_case(table: list[BadCase]) -> pytest.MarkDecorator:
    """Parametrize a test with `args`, `field` and `fragments` from each row of `table`, by case name."""
    return pytest.mark.parametrize(
        ("args", "field", "fragments"), [case[1:] for case in table], ids=[case[0] for case in table]
    )


def assert_one_clear_error(
    args: Callable[[], dict[str, Any]], field: str, fragments: tuple[str, ...]
) -> None:
    """`args` fail to parse with one InvalidArgumentError naming `field`, allowing each of `fragments`."""
    with pytest.raises(InvalidArgumentError) as caught:
        parse(args())
    error = caught.value
    assert (error.component, error.resource, error.field) == ("ContainerWorkload", "api", field)
    for fragment in fragments:
        assert fragment in error.allowed
    message = str(error)
    assert message.startswith(f'ContainerWorkload "api": field "{field}" got ')
    assert message.endswith(f"allowed: {error.allowed}.")


HEALTH = {"health_check_command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}
