"""Which platform a stack deploys to, read from the `containers:platform` stack config."""

from enum import StrEnum

import pulumi

from components.spec.errors import InvalidArgumentError


class Platform(StrEnum):
    SIM = "sim"
    EKS = "eks"
    ECS = "ecs"


def current_platform(component: str, resource: str) -> Platform:
    """The stack's platform; `sim` when the stack config does not name one."""
    value = pulumi.Config("containers").get("platform") or Platform.SIM.value
    try:
        return Platform(value)
    except ValueError:
        raise InvalidArgumentError(
            component,
            resource,
            "containers:platform (stack config)",
            value,
            ", ".join(p.value for p in Platform),
        ) from None
