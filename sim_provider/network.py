"""The per-stack Docker network on which workloads reach each other by name."""

import contextlib
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider

from sim_provider.docker_ops import connect


class NetworkProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        existing = client.networks.list(names=[props["name"]])
        # A network of the same name with our labels is a leftover of an interrupted update: adopt it.
        mine = [n for n in existing if n.attrs.get("Labels") == props["labels"]]
        network = (
            mine[0]
            if mine
            else client.networks.create(
                props["name"], driver="bridge", labels=props["labels"], check_duplicate=True
            )
        )
        return CreateResult(network.id, {**props})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            connect().networks.get(id_)
        except docker.errors.NotFound:
            return ReadResult(None, {})
        return ReadResult(id_, props)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in ("name", "labels") if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with contextlib.suppress(docker.errors.NotFound):
            connect().networks.get(id_).remove()


class DockerNetwork(pulumi.dynamic.Resource):
    name: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NetworkProvider(), name, props, opts)
