"""What every provider whose resource is a container shares: drift detection and removal (the
create is `pending_create`'s).

`pulumi refresh` reads back what the container is, not only whether it runs: what Docker shows
otherwise than the inputs say (a network it was disconnected from, a limit `docker update` changed)
is recorded as the resource's `drift`, and the next `up` replaces the container, as it would for a
changed input (create-before-delete, except for containers holding host ports).
"""

from typing import Any, ClassVar

import docker
from docker.models.containers import Container
from pulumi.dynamic import DiffResult, ReadResult

from sim_provider.docker_ops import RESTART_POLICY, connect, find_container, remove_container, whole_number
from sim_provider.engine import EngineBoundProvider
from sim_provider.resource_type import BEHAVIOUR_KEY

DRIFT_KEY = "drift"
MIB = 1024 * 1024
# Inputs that are host ports the container publishes (the entry's URL, a balancer's listeners).
PUBLISHED_PORT_KEYS = ("host_port", "host_ports", "stats_port")


class ContainerProvider(EngineBoundProvider):
    IDENTITY: ClassVar[tuple[str, ...]]
    """Inputs whose change needs a new container (created, and ready, before the old one goes)."""
    STOP_TIMEOUT: ClassVar[int] = 10
    HOLDS_HOST_PORTS: ClassVar[bool] = False
    """A container publishing fixed host ports: the old one goes before its replacement takes them."""
    NETWORK_ALIASES: ClassVar[str | None] = None
    """The input listing the names the container answers to on `network` (read checks it still does)."""

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = connect()
        container = find_container(client, id_)
        if container is None:
            return ReadResult(None, {})  # removed by hand: the next `up` creates it again
        outputs = {key: value for key, value in props.items() if key != DRIFT_KEY}
        outputs.update(self.observed(client, container, props))
        if drift := self.drift(client, container, props):
            outputs[DRIFT_KEY] = drift
        return ReadResult(id_, outputs)

    def observed(
        self, client: docker.DockerClient, container: Container, props: dict[str, Any]
    ) -> dict[str, Any]:
        """The outputs that say how the container is doing."""
        return {"running": container.status == "running"}

    def drift(
        self, client: docker.DockerClient, container: Container, props: dict[str, Any]
    ) -> dict[str, Any]:
        """Each input Docker shows otherwise than `props`, with what Docker shows. Only inputs that can
        change on a live container are read: its image, command, env and user are fixed at create.
        Never a secret value: there is none among these."""
        attrs = container.attrs
        drift: dict[str, Any] = {}
        endpoints = attrs["NetworkSettings"].get("Networks") or {}
        network = props.get("network")
        endpoint = endpoints.get(network) if network else None
        if network and endpoint is None:
            drift["network"] = sorted(endpoints)  # the networks it is on instead
        if self.NETWORK_ALIASES and endpoint is not None:
            answers = set(endpoint.get("Aliases") or [])
            if missing := sorted(set(props.get(self.NETWORK_ALIASES) or []) - answers):
                drift[self.NETWORK_ALIASES] = f"no longer answers to {', '.join(missing)}"
        host = attrs["HostConfig"]
        # `docker update --restart=no` would leave a crashed container down until someone looks.
        if restart_policy_changed(container):
            drift["restart_policy"] = (host.get("RestartPolicy") or {}).get("Name") or "no"
        # `docker update --cpus/--memory` changes these on a live container.
        if "nano_cpus" in props and (host.get("NanoCpus") or 0) != (whole_number(props["nano_cpus"]) or 0):
            drift["nano_cpus"] = host.get("NanoCpus") or None
        if (
            "memory_mib" in props
            and (host.get("Memory") or 0) != (whole_number(props["memory_mib"]) or 0) * MIB
        ):
            drift["memory_mib"] = (host.get("Memory") or 0) / MIB or None
        if container.status == "running":  # a stopped container publishes nothing: `running` says so
            published = {
                int(binding["HostPort"])
                for bindings in (attrs["NetworkSettings"].get("Ports") or {}).values()
                for binding in bindings or []
            }
            for key in PUBLISHED_PORT_KEYS:
                value = props.get(key)
                wanted = set(value.values()) if isinstance(value, dict) else {value} if value else set()
                if {whole_number(port) for port in wanted} - published:
                    drift[key] = sorted(published)
        return drift

    def replaced(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        changed = [key for key in self.IDENTITY if olds.get(key) != news.get(key)]
        # What `pulumi refresh` saw Docker show otherwise than the inputs.
        changed += [key for key in olds.get(DRIFT_KEY) or {} if key not in changed]
        # New provider code: the container is made by it anew, unless that would take its host ports
        # down first (see sim_provider/resource_type.py).
        if not self.HOLDS_HOST_PORTS and olds.get(BEHAVIOUR_KEY) != news.get(BEHAVIOUR_KEY):
            changed.append(BEHAVIOUR_KEY)
        # A container stopped by hand (seen by `pulumi refresh`) is brought back by a replacement.
        if olds.get("running") is False:
            changed.append("running")
        return changed

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = self.replaced(olds, news)
        # A container holding volumes (`mounts`) also goes first: two processes never share one data
        # folder (sim_provider/volumes.py).
        first = self.HOLDS_HOST_PORTS or bool(olds.get("mounts"))
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=first)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        remove_container(connect(), id_, stop_timeout=self.STOP_TIMEOUT)


def restart_policy_changed(container: Container) -> bool:
    """Whether the container's restart policy is no longer the one sim gives it."""
    policy = container.attrs["HostConfig"].get("RestartPolicy") or {}
    return policy.get("Name") != RESTART_POLICY["Name"]
