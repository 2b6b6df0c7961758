"""What the sim platform left in Docker: containers, networks and volumes by the labels it puts on
them, built images by their repository (`<project>-<stack>-<workload>`; built images carry no labels)."""

from typing import Any

from components.platforms.names import dns_label

NOTHING_LEFT: dict[str, list[str]] = {"containers": [], "networks": [], "images": [], "volumes": []}
"""What `labelled` finds of a stack that is gone."""


def labelled(docker_client: Any, stack_label: str) -> dict[str, list[str]]:
    """Everything in Docker of the stack `stack_label` ('<project>/<stack>'), by kind."""
    selector = {"label": f"containers.stack={stack_label}"}
    return {
        "containers": [c.name for c in docker_client.containers.list(all=True, filters=selector)],
        "networks": [n.name for n in docker_client.networks.list(filters=selector)],
        "images": [
            t for i in docker_client.images.list(name=built_image_pattern(stack_label)) for t in i.tags
        ],
        "volumes": [v.name for v in docker_client.volumes.list(filters=selector)],
    }


def built_image_pattern(stack_label: str) -> str:
    """The repository pattern (`docker image ls --filter reference=...`) of the stack's built images."""
    return dns_label(*stack_label.split("/")) + "-*"
