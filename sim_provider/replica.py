"""One replica of a workload: a container on the stack's network, reached through the workload's entry."""

import functools
import hashlib
import json
import secrets
from typing import Any

import docker
import pulumi
from docker.models.containers import Container
from pulumi.dynamic import CreateResult

from sim_provider.container_provider import ContainerProvider
from sim_provider.docker_ops import (
    RESTART_POLICY,
    ROLE_LABEL,
    SECURITY_OPT,
    SPEC_LABEL,
    connect,
    container_ip,
    whole_number,
)
from sim_provider.pending_create import pending_create
from sim_provider.prober import (
    host_reaches_containers,
    network_http_probe,
    network_prober,
    network_tcp_probe,
)
from sim_provider.readiness import Probe, http_probe, running_probe, tcp_probe, wait_until_ready
from sim_provider.resource_type import SimResource
from sim_provider.volumes import replica_volumes

# Inputs that shape the container; any change replaces it (the new one is ready before the old goes).
IDENTITY = (
    "network",
    "alias",
    "image_ref",
    "image_id",
    "command",
    "env",
    "port",
    "readiness",
    "labels",
    "name_prefix",
    "nano_cpus",
    "memory_mib",
    "read_only_root_filesystem",
    "user",
)


def spec_hash(props: dict[str, Any]) -> str:
    """Identifies what a container was created from, so a leftover of an interrupted create is
    recognizable. Env values are left out: a label must not leak a secret."""
    shape = {key: props.get(key) for key in IDENTITY if key != "env"}
    shape["env_names"] = sorted(props.get("env") or {})
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


class ReplicaProvider(ContainerProvider):
    IDENTITY = IDENTITY

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        labels = {**props["labels"], SPEC_LABEL: spec_hash(props)}
        name = f"{props['name_prefix']}-{secrets.token_hex(3)}"
        memory = whole_number(props.get("memory_mib"))
        api = client.api
        with pending_create(client, props) as create:
            mounts = replica_volumes(client, props["image_id"], props["name_prefix"], props["labels"])
            container = create.track(
                api.create_container(
                    image=props["image_ref"],
                    command=props.get("command") or None,
                    name=create.name(),
                    environment=props.get("env") or {},
                    user=props.get("user"),
                    labels=labels,
                    detach=True,
                    host_config=api.create_host_config(
                        # An init process as PID 1 forwards SIGTERM, so images that never installed a
                        # handler still stop at once instead of after Docker's 10 s grace period.
                        init=True,
                        security_opt=SECURITY_OPT,
                        read_only=bool(props.get("read_only_root_filesystem")),
                        restart_policy=RESTART_POLICY,
                        nano_cpus=whole_number(props.get("nano_cpus")),
                        mem_limit=f"{memory}m" if memory else None,
                        binds={volume: {"bind": path, "mode": "rw"} for path, volume in mounts.items()},
                    ),
                    # No network alias: the workload's name belongs to its entry (sim_provider/ingress.py),
                    # which forwards only to replicas that were ready; a replica answers to its own name.
                    networking_config=api.create_networking_config(
                        {props["network"]: api.create_endpoint_config()}
                    ),
                )["Id"]
            )
            container.start()
            ip = container_ip(container, props["network"])
            what = f"Replica {name} of workload {props['alias']!r}"
            wait = functools.partial(
                wait_until_ready, container, timeout_seconds=props["timeout_seconds"], what=what
            )
            if _probe_from_network(client, props):
                prober_labels = {**labels, ROLE_LABEL: "prober"}
                with network_prober(client, props["network"], props["prober_image"], prober_labels) as prober:
                    wait(probe=_network_probe(props, prober, ip))
            else:
                wait(probe=_host_probe(props, ip))
            create.commit([(container, name)], what)
        outputs = {**props, "container_name": name, "mounts": mounts, "running": True}
        return CreateResult(container.id, outputs)


def _probe_from_network(client: docker.DockerClient, props: dict[str, Any]) -> bool:
    """Whether readiness must be probed from inside the network ("auto": when the host cannot
    reach container addresses)."""
    if not props.get("port"):
        return False  # nothing to probe: the container only has to stay up
    mode = props.get("probe_from") or "auto"
    return mode == "network" or (mode == "auto" and not host_reaches_containers(client))


def _host_probe(props: dict[str, Any], ip: str) -> Probe:
    port, path = whole_number(props.get("port")), props.get("readiness")
    if port and path:
        return http_probe(f"http://{ip}:{port}{path}")
    if port:
        return tcp_probe(ip, port)
    return running_probe()


def _network_probe(props: dict[str, Any], prober: Container, ip: str) -> Probe:
    port, path = whole_number(props["port"]), props.get("readiness")
    return network_http_probe(prober, ip, port, path) if path else network_tcp_probe(prober, ip, port)


class Replica(SimResource):
    container_name: pulumi.Output[str]
    running: pulumi.Output[bool]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {"container_name": None, "mounts": None, "running": None}
        super().__init__(ReplicaProvider(), name, {**props, **outputs}, opts)
