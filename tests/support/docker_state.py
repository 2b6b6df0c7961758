"""What the sim platform left in Docker, found by the labels it puts on everything."""

from typing import Any


def labelled(docker_client: Any, stack_label: str) -> dict[str, list[str]]:
    """Everything in Docker carrying the stack's label, by kind."""
    selector = {"label": f"containers.stack={stack_label}"}
    return {
        "containers": [c.name for c in docker_client.containers.list(all=True, filters=selector)],
        "networks": [n.name for n in docker_client.networks.list(filters=selector)],
        "images": [t for i in docker_client.images.list(filters=selector) for t in i.tags],
    }
