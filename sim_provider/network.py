"""The per-stack Docker network on which workloads reach each other by name."""

import contextlib
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult

from sim_provider.docker_ops import CHECKOUT_LABEL, SimError, connect
from sim_provider.engine import EngineBoundProvider
from sim_provider.resource_type import SimResource

# A checkout moved elsewhere keeps its network: where it lives decides only who may create it.
IDENTITY = ("name", "labels")


class NetworkProvider(EngineBoundProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        labels = {**props["labels"], CHECKOUT_LABEL: props["checkout"]}
        for existing in client.networks.list(names=[props["name"]]):
            if existing.name != props["name"]:
                continue  # the engine's name filter matches substrings
            theirs = dict(existing.attrs.get("Labels") or {})
            owner = theirs.pop(CHECKOUT_LABEL, None)
            if theirs == props["labels"] and owner in (None, props["checkout"]):
                # Ours, left by an interrupted update (older versions did not label the checkout).
                return CreateResult(existing.id, {**props})
            raise SimError(
                f"The Docker network {props['name']!r} already exists and is not this stack's: "
                + (
                    f"another checkout of the same project and stack runs it ({owner}). "
                    if owner
                    else "something else created it. "
                )
                + "Use another stack name here (`pulumi stack init`), or destroy the other one first."
            )
        network = client.networks.create(props["name"], driver="bridge", labels=labels, check_duplicate=True)
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
        with contextlib.suppress(docker.errors.NotFound):
            connect().networks.get(id_).remove()


class DockerNetwork(SimResource):
    name: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NetworkProvider(), name, props, opts)
