"""The per-stack Docker network on which workloads reach each other by name."""

from typing import Any

import docker
import docker.errors
import pulumi
from docker.models.networks import Network
from pulumi.dynamic import CreateResult, DiffResult, ReadResult

from sim_provider.docker_ops import (
    CHECKOUT_LABEL,
    RESOURCE_LABEL,
    STACK_LABEL,
    SimError,
    connect,
    remove_container,
)
from sim_provider.engine import EngineBoundProvider
from sim_provider.resource_type import SimResource

# A checkout moved elsewhere keeps its network: where it lives decides only who may create it.
IDENTITY = ("name", "labels")


class NetworkProvider(EngineBoundProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        labels = {**props["labels"], CHECKOUT_LABEL: props["checkout"]}
        for existing in client.networks.list(names=[props["name"]]):
            if existing.name == props["name"]:  # the engine's name filter matches substrings
                return CreateResult(_ours(existing, props).id, {**props})
        try:
            network = client.networks.create(
                props["name"], driver="bridge", labels=labels, check_duplicate=True
            )
        except docker.errors.APIError as error:
            if error.status_code != 409:
                raise
            # Created meanwhile by someone else (the engine refuses a second one of that name).
            return CreateResult(_ours(client.networks.get(props["name"]), props).id, {**props})
        return CreateResult(network.id, {**props})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            connect().networks.get(id_)
        except docker.errors.NotFound:
            return ReadResult(None, {})
        return ReadResult(id_, props)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in IDENTITY if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = connect()
        try:
            network = client.networks.get(id_)
        except docker.errors.NotFound:
            return
        try:
            network.remove()
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as error:
            if error.status_code != 403:  # "has active endpoints"
                raise
            _remove_with_unrecorded_containers(client, network, props)


def _remove_with_unrecorded_containers(
    client: docker.DockerClient, network: Network, props: dict[str, Any]
) -> None:
    """Remove the network once this stack's containers still on it are gone, or say which others are.

    The stack's recorded containers are gone by now (they depend on the network). One of its own
    still connected is one no state records (its engine died between a create's end and its
    answer): it goes, with the task members in its namespace, so plain `pulumi destroy` converges.
    """
    network.reload()
    connected: dict[str, Any] = network.attrs.get("Containers") or {}  # container id -> endpoint
    stack = props["labels"].get(STACK_LABEL)
    ours = client.containers.list(all=True, filters={"label": f"{STACK_LABEL}={stack}"}) if stack else []
    on_network = [c for c in ours if c.id in connected]
    namespaces = {f"container:{c.id}" for c in on_network}
    members = [c for c in ours if c.attrs["HostConfig"].get("NetworkMode") in namespaces]
    for container in [*members, *on_network]:
        remove_container(client, container.id, stop_timeout=2)
    own = {c.id for c in on_network}
    foreign = sorted(endpoint.get("Name", cid) for cid, endpoint in connected.items() if cid not in own)
    if foreign:
        raise SimError(
            f"The Docker network {props['name']!r} of cluster {_cluster(props)!r} cannot be removed: "
            f"containers this stack did not create are connected to it ({', '.join(foreign)}). "
            f"Disconnect them (`docker network disconnect {props['name']} <container>`) or remove "
            "them, then run `pulumi destroy` again."
        )
    network.remove()


def _cluster(props: dict[str, Any]) -> str:
    return str(props["labels"].get(RESOURCE_LABEL, props["name"]))


def _ours(existing: Network, props: dict[str, Any]) -> Network:
    """A network of our name that exists: ours, left by an interrupted update (older versions did not
    label the checkout), or a clear error."""
    theirs = dict(existing.attrs.get("Labels") or {})
    owner = theirs.pop(CHECKOUT_LABEL, None)
    if theirs == props["labels"] and owner in (None, props["checkout"]):
        return existing
    name = props["name"]
    raise SimError(
        f"Cluster {_cluster(props)!r}: the Docker network {name!r} already exists and is not this "
        "stack's: "
        + (
            f"another checkout of the same project and stack runs it ({owner}). "
            "Use another stack name here (`pulumi stack init`), or destroy the other one first."
            if owner
            else "something else created it. Remove it (`docker network rm "
            f"{name}`) if nothing needs it, or use another stack name here (`pulumi stack init`)."
        )
    )


class DockerNetwork(SimResource):
    name: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NetworkProvider(), name, props, opts)
