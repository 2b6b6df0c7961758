"""The public entry of a workload on sim: an HAProxy container bound to 127.0.0.1.

It plays the part an ALB or an Ingress plays in the cloud: one stable URL, spread across the
workload's replicas, with the workload's readiness path as its health check. It forwards to the
replicas it is given (`backends`, the names of replicas that finished their create, so were ready),
never to the network alias, which a replica joins before it is ready. A change of replicas (a
replacement, scaling) is an update: HAProxy (in master-worker mode) reloads its configuration; new
connections go to the new replicas, and the old workers finish the connections they hold, while the
replicas on their way out still run (Pulumi removes them after this update), as an ALB drains
deregistered targets.
"""

import hashlib
import json
import secrets
import socket
from typing import Any

import docker
import docker.errors
import pulumi
from docker.models.containers import Container
from pulumi.dynamic import CreateResult, DiffResult, UpdateResult

from sim_provider.container_provider import ContainerProvider
from sim_provider.docker_ops import (
    SECURITY_OPT,
    SimError,
    connect,
    copy_file_into,
    find_container,
    whole_number,
)
from sim_provider.pending_create import PendingCreate, pending_create
from sim_provider.readiness import Probe, Seen, http_probe, wait_until_ready
from sim_provider.resource_type import SimResource

LISTEN_PORT = 8080
PREFERRED_PORTS = range(20000, 40000)
CONFIG_DIR, CONFIG_NAME = "/tmp", "haproxy.cfg"  # /tmp exists in every base image HAProxy ships on
IDENTITY = ("network", "alias", "port", "readiness", "image_ref", "labels", "name_prefix")


def haproxy_config(port: int, readiness: str | None, backends: list[str]) -> str:
    check = f"    option httpchk GET {readiness}\n    http-check expect rstatus ^2\n" if readiness else ""
    return (
        "global\n"
        "    log stdout format raw local0\n"
        "resolvers docker\n"
        "    nameserver dns 127.0.0.11:53\n"  # Docker's embedded DNS on user-defined networks
        # Local DNS answers in microseconds: resolve often, so a restarted replica's address counts at once.
        "    timeout resolve 100ms\n"
        "    timeout retry 100ms\n"
        "    hold valid 1s\n"
        "    hold obsolete 1s\n"
        "defaults\n"
        "    mode tcp\n"
        "    timeout connect 1s\n"
        # A replica that just went away fails fast and the connection is retried on a live one.
        "    retries 3\n"
        "    option redispatch 1\n"
        "    timeout client 10m\n"
        "    timeout server 10m\n"
        # Each replica's address from the system resolver at start (Docker's DNS, so it is known
        # from the first connection on), then kept fresh by the resolvers section.
        "    default-server init-addr last,libc,none resolvers docker check inter 1s fastinter 100ms "
        "downinter 100ms "
        "fall 2 rise 1\n"
        "frontend public\n"
        f"    bind :{LISTEN_PORT}\n"
        "    default_backend replicas\n"
        "backend replicas\n"
        "    balance roundrobin\n"
        f"{check}" + "".join(f"    server {backend} {backend}:{port}\n" for backend in backends)
    )


def preferred_port(labels: dict[str, str]) -> int:
    """The port derived from the stack and workload (two workloads may derive the same one)."""
    digest = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).digest()
    return PREFERRED_PORTS.start + int.from_bytes(digest[:4]) % len(PREFERRED_PORTS)


def pick_host_port(labels: dict[str, str], taken: frozenset[int] = frozenset()) -> int:
    """A port derived from the stack and workload, so the URL survives `destroy` and `up`;
    any free port when that one is taken (or in `taken`: lost to a create running in parallel)."""
    preferred = preferred_port(labels)
    for port in ([] if preferred in taken else [preferred]) + [0]:
        with socket.socket() as probe:
            # As a server would: connections of a previous run lingering in TIME_WAIT do not count.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise AssertionError("binding port 0 cannot fail")


def forwarding_probe(port: int) -> Probe:
    """Ready when HAProxy holds a connection open, i.e. it has a live replica to forward to
    (with none, it closes the connection at once)."""

    def check() -> Seen:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                # With no live replica HAProxy closes at once: a short quiet window means forwarding.
                connection.settimeout(0.05)
                if connection.recv(1) != b"":
                    return Seen(True, "forwarding")
                return Seen(False, "connection closed at once (no live replica)")
        except TimeoutError:
            return Seen(True, "forwarding")
        except OSError as error:
            return Seen(False, f"no connection ({error.strerror or type(error).__name__})")

    return Probe(check, f"127.0.0.1:{port} forwarding to a replica")


class IngressProvider(ContainerProvider):
    IDENTITY = IDENTITY
    STOP_TIMEOUT = 2

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        name = f"{props['name_prefix']}-{secrets.token_hex(3)}"
        with pending_create(client, props) as create:
            container, host_port = _start_on_a_free_port(client, props, create)
            _wait_forwarding(container, props, host_port)
            create.commit([(container, name)], f"the public entry of {props['alias']!r}")
        url = f"http://127.0.0.1:{host_port}"
        outputs = {**props, "container_name": name, "host_port": host_port, "url": url, "running": True}
        return CreateResult(container.id, outputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only the replicas behind it changed: the update is done when traffic reaches the new ones.
        container = find_container(connect(), id_)
        if container is None:
            raise SimError(f"The public entry of {news['alias']!r} is gone: run `pulumi refresh`, then `up`.")
        if olds.get("backends") != news.get("backends"):
            copy_file_into(container, CONFIG_DIR, CONFIG_NAME, _config(news))
            container.kill(signal="SIGUSR2")  # the master reloads; old workers finish their connections
        _wait_forwarding(container, news, whole_number(olds["host_port"]))
        kept = {key: olds[key] for key in ("container_name", "host_port", "url")}
        return UpdateResult({**news, **kept, "running": True})

    def replaced(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        # An entry made by a version before reloads (it had `slots`) runs without master-worker mode.
        return super().replaced(olds, news) + (["slots"] if "slots" in olds else [])

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # New replicas behind it (replaced, or more, or fewer) are an update, not a replacement.
        changed = self.replaced(olds, news)
        new_backends = olds.get("backends") != news.get("backends")
        # The URL's port can be held by one container at a time: the old entry goes first, so the
        # URL stays the same (a brief outage of the public URL; replicas are unaffected).
        return DiffResult(changes=bool(changed) or new_backends, replaces=changed, delete_before_replace=True)


def _start_on_a_free_port(
    client: docker.DockerClient, props: dict[str, Any], create: PendingCreate
) -> tuple[Container, int]:
    """HAProxy started on its port. A free port may be taken between the check and the start by
    a create running in parallel (two workloads whose derived ports collide): then another."""
    taken: frozenset[int] = frozenset()
    config = _config(props)
    while True:
        host_port = pick_host_port(props["labels"], taken)
        container = create_haproxy(
            client, create, props, {f"{LISTEN_PORT}/tcp": ("127.0.0.1", host_port)}, config
        )
        try:
            container.start()
        except docker.errors.APIError as error:
            if "port is already allocated" not in str(error) or len(taken) >= 3:
                raise
            create.discard(container)
            taken |= {host_port}
            continue
        return container, host_port


def create_haproxy(
    client: docker.DockerClient,
    create: PendingCreate,
    props: dict[str, Any],
    ports: dict[str, tuple[str, int]],
    config: str,
) -> Container:
    """An HAProxy container (master-worker, so a reload keeps connections in flight) of `create`,
    created with `config` but not started: the public entry of a workload and a balancer's proxy."""
    created = client.containers.create(
        props["image_ref"],
        command=["haproxy", "-W", "-db", "-f", f"{CONFIG_DIR}/{CONFIG_NAME}"],
        name=create.name(),
        labels=props["labels"],
        network=props["network"],
        ports=ports,
        restart_policy={"Name": "unless-stopped"},
        security_opt=SECURITY_OPT,
        # HAProxy's graceful stop (the official image's STOPSIGNAL); it ignores SIGTERM as PID 1.
        stop_signal="SIGUSR1",
        detach=True,
    )
    container = create.track(created.id)
    copy_file_into(container, CONFIG_DIR, CONFIG_NAME, config)
    return container


def _config(props: dict[str, Any]) -> str:
    return haproxy_config(whole_number(props["port"]), props.get("readiness"), list(props["backends"]))


def _wait_forwarding(container: Any, props: dict[str, Any], host_port: int) -> None:
    url = f"http://127.0.0.1:{host_port}"
    probe = http_probe(url + props["readiness"]) if props.get("readiness") else forwarding_probe(host_port)
    # Several successes in a row: one lucky connection may still have met a replica on its way out.
    wait_until_ready(
        container,
        probe,
        props["timeout_seconds"],
        f"The public entry of {props['alias']!r}",
        successes_needed=3,
    )


class Ingress(SimResource):
    url: pulumi.Output[str]
    host_port: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {"url": None, "host_port": None, "container_name": None, "running": None}
        super().__init__(IngressProvider(), name, {**props, **outputs}, opts)
