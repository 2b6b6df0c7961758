"""What every provider whose resource is one container shares: drift detection and removal."""

from typing import Any, ClassVar

from pulumi.dynamic import DiffResult, ReadResult, ResourceProvider

from sim_provider.docker_ops import connect, find_container, remove_container


class ContainerProvider(ResourceProvider):
    IDENTITY: ClassVar[tuple[str, ...]]
    """Inputs whose change needs a new container (created, and ready, before the old one goes)."""
    STOP_TIMEOUT: ClassVar[int] = 10

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        container = find_container(connect(), id_)
        if container is None:
            return ReadResult(None, {})  # removed by hand: the next `up` creates it again
        return ReadResult(id_, {**props, "running": container.status == "running"})

    def replaced(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        changed = [key for key in self.IDENTITY if olds.get(key) != news.get(key)]
        # A container stopped by hand (seen by `pulumi refresh`) is brought back by a replacement.
        if olds.get("running") is False:
            changed.append("running")
        return changed

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = self.replaced(olds, news)
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        remove_container(connect(), id_, stop_timeout=self.STOP_TIMEOUT)


def pending_name(props: dict[str, Any]) -> str:
    """The name a container carries until it is ready: one per resource, so that the next create
    of that resource recognizes (and removes) the leftover of one that never finished."""
    return props.get("pending_name") or f"{props['name_prefix']}-pending"
