"""Names and labels of what the sim platform creates in Docker, derived from project and stack.

Everything is labelled with its stack and resource, so tests (and users) can find it, and an
interrupted update's leftovers can be recognized and cleaned up.
"""

import pulumi

from sim_provider.docker_ops import RESOURCE_LABEL, ROLE_LABEL, STACK_LABEL


def stack_id() -> str:
    return f"{pulumi.get_project()}/{pulumi.get_stack()}"


def labels(resource: str, role: str) -> dict[str, str]:
    return {STACK_LABEL: stack_id(), RESOURCE_LABEL: resource, ROLE_LABEL: role}
