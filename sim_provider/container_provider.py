"""What every provider whose resource is a container shares: drift detection and removal (the
create is `pending_create`'s)."""

from typing import Any, ClassVar

from pulumi.dynamic import DiffResult, ReadResult

from sim_provider.docker_ops import connect, find_container, remove_container
from sim_provider.engine import EngineBoundProvider


class ContainerProvider(EngineBoundProvider):
    IDENTITY: ClassVar[tuple[str, ...]]
    """Inputs whose change needs a new container (created, and ready, before the old one goes)."""
    STOP_TIMEOUT: ClassVar[int] = 10
    HOLDS_HOST_PORTS: ClassVar[bool] = False
    """A container publishing fixed host ports: the old one goes before its replacement takes them."""

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
        return DiffResult(
            changes=bool(changed), replaces=changed, delete_before_replace=self.HOLDS_HOST_PORTS
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        remove_container(connect(), id_, stop_timeout=self.STOP_TIMEOUT)
