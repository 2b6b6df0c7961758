"""The entry of a workload on sim: an HAProxy container that holds the workload's name on the stack's
network (its `internal_url`) and, for a public workload, its URL on 127.0.0.1.

It plays the part a Kubernetes Service or ECS service connect plays inside the stack, and an ALB or
an Ingress plays for a public URL: one stable address, spread across the workload's replicas, with
the workload's readiness path as its health check. Two resources make it:

- `Ingress`, the container. It depends on nothing but the network and its image, so `up` starts it
  while the replicas are still being created and probed (it answers nothing until it has backends).
- `IngressBackends`, the replicas it forwards to: the names of replicas whose create finished, so
  were ready. The replicas themselves hold no network alias: a replica joins the alias at create,
  before it is ready, and in-network callers met replicas that did not answer yet. A change of
  replicas (a replacement, scaling) or of the readiness path is an update: HAProxy (in
  master-worker mode) reloads its configuration; new connections go to the new replicas, and the
  old workers finish the connections they hold, while the replicas on their way out still run
  (Pulumi removes them after this update), as an ALB drains deregistered targets.
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
    RESTART_POLICY,
    SECURITY_OPT,
    SimError,
    connect,
    container_ip,
    copy_file_into,
    find_container,
    remove_labelled_containers,
    whole_number,
)
from sim_provider.engine import EngineBoundProvider
from sim_provider.pending_create import PendingCreate, pending_create
from sim_provider.prober import host_reaches_containers
from sim_provider.readiness import Probe, Seen, http_probe, running_probe, tcp_probe, wait_until_ready
from sim_provider.resource_type import BEHAVIOUR_KEY, SimResource

PREFERRED_PORTS = range(20000, 40000)
CONFIG_DIR, CONFIG_NAME = "/tmp", "haproxy.cfg"  # /tmp exists in every base image HAProxy ships on
# The readiness path is not here: it is the backends' health check, changed by a reload.
IDENTITY = ("network", "alias", "port", "public", "image_ref", "labels", "name_prefix")


def haproxy_config(port: int, readiness: str | None, backends: list[str]) -> str:
    """The entry's configuration: it listens on the workload's own port (`internal_url` is
    `http://<name>:<port>`, and a public workload publishes that port on 127.0.0.1)."""
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
        "frontend entry\n"
        f"    bind :{port}\n"
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


def forwarding_probe(host: str, port: int) -> Probe:
    """Ready when HAProxy holds a connection open, i.e. it has a live replica to forward to
    (with none, it closes the connection at once)."""

    def check() -> Seen:
        try:
            with socket.create_connection((host, port), timeout=1) as connection:
                # With no live replica HAProxy closes at once: a short quiet window means forwarding.
                connection.settimeout(0.05)
                if connection.recv(1) != b"":
                    return Seen(True, "forwarding")
                return Seen(False, "connection closed at once (no live replica)")
        except TimeoutError:
            return Seen(True, "forwarding")
        except OSError as error:
            return Seen(False, f"no connection ({error.strerror or type(error).__name__})")

    return Probe(check, f"{host}:{port} forwarding to a replica")


def entry_address(
    client: docker.DockerClient, container: Container, props: dict[str, Any]
) -> tuple[str, int] | None:
    """Where the host reaches the entry: its URL's port for a public one, its address on the network
    for a private one (None where the host cannot reach container addresses, e.g. Docker Desktop)."""
    if props.get("public"):
        return "127.0.0.1", whole_number(props["host_port"])
    if not host_reaches_containers(client):
        return None
    return container_ip(container, props["network"]), whole_number(props["port"])


class IngressProvider(ContainerProvider):
    IDENTITY = IDENTITY
    STOP_TIMEOUT = 2
    # A public entry's URL port can be held by one container at a time, and the workload's name on
    # the network must not answer from two entries (the new one has no backends yet): the old entry
    # goes first (a brief outage of the entry; replicas are unaffected).
    HOLDS_HOST_PORTS = True

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        name = f"{props['name_prefix']}-{secrets.token_hex(3)}"
        what = f"The entry of {props['alias']!r}"
        # A workload has one entry per network, and a replaced entry goes before its replacement is
        # created (it holds the URL's port and the workload's name). So any entry of the workload
        # found there now is one no state records: its create finished as its engine died (between
        # the rename and the answer). Left alone it would keep the URL's port and the name.
        remove_labelled_containers(client, props["labels"], network=props["network"])
        with pending_create(client, props) as create:
            if props.get("public"):
                container, host_port = _start_on_a_free_port(client, props, create)
            else:
                container, host_port = create_haproxy(client, create, props, {}, _config(props, [])), None
                container.start()
            address = entry_address(client, container, {**props, "host_port": host_port})
            listening = tcp_probe(*address) if address else running_probe()
            wait_until_ready(container, listening, props["timeout_seconds"], what)
            create.commit([(container, name)], what)
        url = f"http://127.0.0.1:{host_port}" if host_port else None
        outputs = {**props, "container_name": name, "host_port": host_port, "url": url, "running": True}
        return CreateResult(container.id, outputs)


def _start_on_a_free_port(
    client: docker.DockerClient, props: dict[str, Any], create: PendingCreate
) -> tuple[Container, int]:
    """HAProxy started on its port. A free port may be taken between the check and the start by
    a create running in parallel (two workloads whose derived ports collide): then another."""
    taken: frozenset[int] = frozenset()
    config = _config(props, [])
    port = whole_number(props["port"])
    while True:
        host_port = pick_host_port(props["labels"], taken)
        container = create_haproxy(client, create, props, {f"{port}/tcp": ("127.0.0.1", host_port)}, config)
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
    created with `config` but not started, answering to `props["alias"]` on the network if given:
    the entry of a workload and a balancer's proxy."""
    api = client.api
    alias = props.get("alias")
    created = client.containers.create(
        props["image_ref"],
        command=["haproxy", "-W", "-db", "-f", f"{CONFIG_DIR}/{CONFIG_NAME}"],
        name=create.name(),
        labels=props["labels"],
        network=props["network"],
        networking_config={props["network"]: api.create_endpoint_config(aliases=[alias])} if alias else None,
        ports=ports,
        restart_policy=RESTART_POLICY,
        security_opt=SECURITY_OPT,
        # HAProxy's graceful stop (the official image's STOPSIGNAL); it ignores SIGTERM as PID 1.
        stop_signal="SIGUSR1",
        detach=True,
    )
    container = create.track(created.id)
    copy_file_into(container, CONFIG_DIR, CONFIG_NAME, config)
    return container


def _config(props: dict[str, Any], backends: list[str]) -> str:
    return haproxy_config(whole_number(props["port"]), props.get("readiness"), backends)


class Ingress(SimResource):
    url: pulumi.Output[str]
    """http://127.0.0.1:<host port> (a private entry has none: None)."""
    host_port: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = {"url": None, "host_port": None, "container_name": None, "running": None}
        super().__init__(IngressProvider(), name, {**props, **outputs}, opts)


class IngressBackendsProvider(EngineBoundProvider):
    """The replicas an entry forwards to, and how it checks them."""

    # New provider code (BEHAVIOUR_KEY) rewrites and reloads the configuration in place.
    CONFIG_INPUTS = ("entry", "backends", "port", "readiness", BEHAVIOUR_KEY)

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._apply(props, forwarded_before=False)  # a new entry starts with no backends
        return CreateResult(f"{props['entry']}/backends", {**props})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        same_entry = olds.get("entry") == news["entry"]  # else a new entry, with no backends yet
        self._apply(news, forwarded_before=same_entry and bool(olds.get("backends")))
        return UpdateResult({**news})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Never a replacement: a new entry (replaced) gets the configuration written into it.
        return DiffResult(changes=any(olds.get(key) != news.get(key) for key in self.CONFIG_INPUTS))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Nothing to undo: the backends go with their entry, or the entry's next configuration."""

    @staticmethod
    def _apply(props: dict[str, Any], forwarded_before: bool) -> None:
        """Reload the entry with these backends; done when traffic through it reaches one of them."""
        client = connect()
        container = find_container(client, props["entry"])
        if container is None:
            raise SimError(f"The entry of {props['alias']!r} is gone: run `pulumi refresh`, then `up`.")
        copy_file_into(container, CONFIG_DIR, CONFIG_NAME, _config(props, list(props["backends"])))
        container.kill(signal="SIGUSR2")  # the master reloads; old workers finish their connections
        address = entry_address(client, container, props)
        if address is None:
            return  # Docker Desktop: nothing on the host reaches a private entry; HAProxy resolved the names
        host, port = address
        readiness = props.get("readiness")
        probe = http_probe(f"http://{host}:{port}{readiness}") if readiness else forwarding_probe(host, port)
        # An entry that forwarded before the reload: several successes in a row, as one lucky
        # connection may still have met an old worker and a replica on its way out. One that had no
        # backends forwards nothing until its new workers run: the first success is theirs.
        what = f"The entry of {props['alias']!r}"
        successes = 3 if forwarded_before else 1
        wait_until_ready(container, probe, props["timeout_seconds"], what, successes_needed=successes)


class IngressBackends(SimResource):
    """The replicas (container names) an `Ingress` forwards to."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(IngressBackendsProvider(), name, props, opts)
