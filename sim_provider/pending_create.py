"""A create whose containers take their own names only once they are ready: the one create path of
every container resource (replica, ingress, task, balancer proxy).

Until it commits, each container carries a pending name derived from its Pulumi resource (one per
resource, with a suffix per member of a multi-container task). A container under a pending name is
the leftover of a create that never finished (killed, the Docker engine stopped): no state owns it,
so the next create of that resource removes it. A finished create has renamed its containers, so a
replacement, which creates the new container before the old one goes, never removes what serves.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

import docker
from docker.models.containers import Container

from sim_provider.docker_ops import SimError, remove_container
from sim_provider.engine import ensure_engine_running


class PendingCreate:
    def __init__(self, client: docker.DockerClient, pending: str) -> None:
        self.client = client
        self.pending = pending
        self.made: list[Container] = []

    def name(self, member: str | None = None) -> str:
        """The pending name of the resource's container, or of one `member` of a task."""
        return f"{self.pending}-{member}" if member else self.pending

    def track(self, container_id: str) -> Container:
        """A container this create made: removed if the create fails."""
        container = self.client.containers.get(container_id)
        self.made.append(container)
        return container

    def discard(self, container: Container) -> None:
        """Remove a container this create gave up on (e.g. its port was taken meanwhile)."""
        remove_container(self.client, container.id, stop_timeout=0)
        self.made.remove(container)

    def commit(self, names: list[tuple[Container, str]], what: str) -> None:
        """Ready: each container takes its own name, unless the engine that would record `what` is
        gone (then the create fails and removes them: nobody would know they exist)."""
        ensure_engine_running(what)
        for container, name in names:
            container.rename(name)


def pending_name(props: dict[str, Any]) -> str:
    """The pending name of a resource: given by the component (unique per Pulumi resource), or
    derived from its name prefix."""
    return props.get("pending_name") or f"{props['name_prefix']}-pending"


@contextlib.contextmanager
def pending_create(client: docker.DockerClient, props: dict[str, Any]) -> Iterator[PendingCreate]:
    """Remove the leftovers of this resource's unfinished creates, then create; a create that fails
    leaves nothing behind (Pulumi will not know about it)."""
    pending = pending_name(props)
    _remove_leftovers(client, pending, props["labels"])
    create = PendingCreate(client, pending)
    try:
        yield create
    except BaseException:
        for container in reversed(create.made):
            remove_container(client, container.id, stop_timeout=1)
        raise


def _remove_leftovers(client: docker.DockerClient, pending: str, labels: dict[str, str]) -> None:
    # The engine's name filter matches substrings: keep the pending name and its members' only.
    candidates = client.containers.list(all=True, filters={"name": pending})
    for leftover in [c for c in candidates if c.name == pending or c.name.startswith(f"{pending}-")]:
        if any(leftover.labels.get(key) != value for key, value in labels.items()):
            raise SimError(
                f"A container named {leftover.name!r} exists that this stack did not create: remove or "
                "rename it, then run `pulumi up` again."
            )
        remove_container(client, leftover.id, stop_timeout=1)
