"""The Docker labels of everything the sim platform creates: stack, resource and role."""

import pulumi

from sim_provider.docker_ops import RESOURCE_LABEL, ROLE_LABEL, STACK_LABEL


def labels(resource: str, role: str) -> dict[str, str]:
    """The Docker labels of what `resource` creates in the role `role` (network, image, replica...)."""
    return {
        STACK_LABEL: f"{pulumi.get_project()}/{pulumi.get_stack()}",
        RESOURCE_LABEL: resource,
        ROLE_LABEL: role,
    }
