"""A load balancer on sim: one HAProxy container per balancer, each listener on 127.0.0.1.

`BalancerProxy` is the balancer and its listeners (each answering 404 "no route" until rules come),
at host ports derived from the stack, balancer and listener, so URLs survive `up`, replacement and
destroy-then-up. `ProxyRoutes` is what one workload adds, as its listener rules and target groups
are in AWS: a fragment of configuration (rendered by the components) kept inside the proxy container;
every change puts all fragments together, validates the result with `haproxy -c` and reloads
HAProxy (master-worker mode: live connections finish on the old workers).
"""

import contextlib
import fcntl
import io
import json
import secrets
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import requests
from docker.models.containers import Container
from pulumi.dynamic import CreateResult, DiffResult, UpdateResult

from sim_provider.container_provider import ContainerProvider
from sim_provider.docker_ops import (
    SimError,
    connect,
    copy_file_into,
    find_container,
    whole_number,
)
from sim_provider.engine import EngineBoundProvider, ensure_engine_running
from sim_provider.ingress import CONFIG_DIR, CONFIG_NAME, create_haproxy, pick_host_port
from sim_provider.pending_create import pending_create
from sim_provider.readiness import POLL_SECONDS, tcp_probe, wait_until_ready
from sim_provider.resource_type import BEHAVIOUR_KEY, SimResource

ROUTES_NAME = "routes.json"  # beside the config: every workload's fragment, by workload
STATS_PORT = 8404  # HAProxy's CSV stats, published on 127.0.0.1: how `up` knows targets are healthy
BALANCER_IDENTITY = ("network", "listeners", "mode", "no_route", "image_ref", "labels", "name_prefix")
# HAProxy needs an acl declared before a line uses it, and runs every `http-request` line before any
# `use_backend` line: the frontend lists them in that order (each kind keeping the rules' order).
LINE_KINDS = ("acl ", "http-request ", "use_backend ")
IDEMPOTENT = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")  # RFC 9110, 9.2.2


def proxy_config(mode: str, listeners: list[int], no_route: str, fragments: list[dict[str, Any]]) -> str:
    """The whole HAProxy configuration: listeners, every workload's rules in order (ALB priority or
    HTTP API route precedence), backends; `no_route` is what a request no rule takes gets."""
    lines = [
        "global",
        "    log stdout format raw local0",
        "resolvers docker",
        "    nameserver dns 127.0.0.11:53",  # Docker's embedded DNS on user-defined networks
        "    timeout resolve 100ms",
        "    timeout retry 100ms",
        "    hold valid 1s",
        "    hold obsolete 1s",
        "defaults",
        f"    mode {mode}",
        # An instance being replaced goes while the proxy may still send it requests (the ALB
        # deregisters and drains a target first; Docker's DNS drops the address within a second).
        # A connection to it that is refused or, once its address is gone, never answers is tried
        # again on another instance (`redispatch`), after at most 500 ms: a connect on a local
        # bridge takes well under a millisecond.
        "    timeout connect 500ms",
        "    timeout client 10m",
        "    timeout server 10m",
        "    retries 3",
        "    option redispatch 1",
        # ...and so is a request its instance closed without answering (it stopped mid-request).
        *(["    retry-on conn-failure empty-response"] if mode == "http" else []),
        "frontend stats",
        "    mode http",
        f"    bind :{STATS_PORT}",
        "    stats enable",
        "    stats uri /stats",
    ]
    rules = sorted(
        (rule for fragment in fragments for rule in fragment["rules"]),
        key=lambda rule: (rule["listener_port"], rule["order"]),
    )
    for port in listeners:
        lines += [f"frontend listener_{port}", f"    bind :{port}"]
        if mode == "http":  # a request that may have been acted on is replayed only if idempotent
            lines.append(f"    http-request disable-l7-retry if !{{ method {' '.join(IDEMPOTENT)} }}")
        own = [line for rule in rules if rule["listener_port"] == port for line in rule["lines"]]
        lines += [f"    {line}" for kind in LINE_KINDS for line in own if line.startswith(kind)]
        lines.append("    default_backend no_route")
    lines += ["backend no_route", f"    {no_route}"]
    lines += [backend for fragment in fragments for backend in fragment["backends"]]
    return "\n".join(lines) + "\n"


class BalancerProxyProvider(ContainerProvider):
    IDENTITY = BALANCER_IDENTITY
    STOP_TIMEOUT = 2
    HOLDS_HOST_PORTS = True  # the listeners' URLs stay the same

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        name = f"{props['name_prefix']}-{secrets.token_hex(3)}"
        listeners = [whole_number(port) or 0 for port in props["listeners"]]
        host_ports = {
            str(port): pick_host_port({**props["labels"], "listener": str(port)}) for port in listeners
        }
        stats_port = pick_host_port({**props["labels"], "listener": "stats"})
        ports: dict[str, Any] = {f"{port}/tcp": ("127.0.0.1", host_ports[str(port)]) for port in listeners}
        ports[f"{STATS_PORT}/tcp"] = ("127.0.0.1", stats_port)
        what = f"The proxy of load balancer {props['balancer']!r}"
        with pending_create(client, props) as create:
            config = proxy_config(props["mode"], listeners, props["no_route"], [])
            container = create_haproxy(client, create, props, ports, config)
            container.start()
            for port in listeners:
                wait_until_ready(
                    container,
                    tcp_probe("127.0.0.1", host_ports[str(port)]),
                    props["timeout_seconds"],
                    what,
                )
            create.commit([(container, name)], what)
        urls = {port: f"http://127.0.0.1:{host_port}" for port, host_port in host_ports.items()}
        outputs = {
            **props,
            "container_name": name,
            "host_ports": host_ports,
            "stats_port": stats_port,
            "urls": urls,
            "running": True,
        }
        return CreateResult(container.id, outputs)


class BalancerProxy(SimResource):
    """The HAProxy container of one load balancer."""

    container_name: pulumi.Output[str]
    urls: pulumi.Output[dict[str, str]]
    """Listener port (as a string) -> http://127.0.0.1:<host port>."""
    stats_port: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = dict.fromkeys(("container_name", "host_ports", "stats_port", "urls", "running"))
        super().__init__(BalancerProxyProvider(), name, {**props, **outputs}, opts)


class ProxyRoutesProvider(EngineBoundProvider):
    """One workload's rules and target groups on one balancer."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._apply(props, props["fragment"])
        return CreateResult(f"{props['proxy']}/{props['owner']}", {**props})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._apply(news, news["fragment"])
        return UpdateResult({**news})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [key for key in ("proxy", "owner") if olds.get(key) != news.get(key)]
        # New provider code (BEHAVIOUR_KEY) renders and reloads the configuration in place.
        inputs = ("fragment", "targets", "proxy", "owner", BEHAVIOUR_KEY)
        changed = any(olds.get(key) != news.get(key) for key in inputs)
        return DiffResult(changes=changed, replaces=replaces, delete_before_replace=True)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # A proxy that is gone or stopped (the Docker engine restarted) serves nothing to take these
        # routes out of: its replacement is configured from the routes that remain.
        container = find_container(connect(), props["proxy"])
        if container is not None and container.status == "running":
            self._apply(props, None)

    @staticmethod
    def _apply(props: dict[str, Any], fragment: dict[str, Any] | None) -> None:
        container = find_container(connect(), props["proxy"])
        if container is None or container.status != "running":
            state = "gone" if container is None else f"not running ({container.status})"
            raise SimError(
                f"The proxy of {props['balancer']!r} is {state}: run `pulumi refresh`, then `up` "
                "(`containers up` does both): the proxy is made anew."
            )
        with _locked(container.id):
            fragments = _fragments(container)
            if fragment is None:
                fragments.pop(props["owner"], None)
            else:
                fragments[props["owner"]] = fragment
            config = proxy_config(
                props["mode"],
                [whole_number(p) or 0 for p in props["listeners"]],
                props["no_route"],
                list(fragments.values()),
            )
            copy_file_into(container, CONFIG_DIR, "candidate.cfg", config)
            check = container.exec_run(["haproxy", "-c", "-q", "-f", f"{CONFIG_DIR}/candidate.cfg"])
            if check.exit_code != 0:
                raise SimError(
                    f"HAProxy refused the rules of {props['owner']!r} on {props['balancer']!r}:\n"
                    f"{check.output.decode(errors='replace').strip()}"
                )
            # A reload starts fresh workers whose servers are checked anew: wait for every backend that
            # was healthy before (other workloads' too) as well as this workload's own.
            healthy = [backend for backend, states in _stats(props).items() if "UP" in states]
            copy_file_into(container, CONFIG_DIR, CONFIG_NAME, config)
            _write_fragments(container, fragments)
            container.kill(signal="SIGUSR2")  # master-worker reload
        # Outside the lock: workloads attaching together reload one after another, then wait together.
        own = list(props.get("targets") or []) if fragment is not None else []
        _wait_healthy(props, own, sorted(set(healthy) - set(own) - _removed(props, fragment)))


def _fragments(container: Container) -> dict[str, dict[str, Any]]:
    try:
        stream, _ = container.get_archive(f"{CONFIG_DIR}/{ROUTES_NAME}")
    except Exception:
        return {}
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        member = tar.extractfile(ROUTES_NAME)
        return json.loads(member.read()) if member else {}


def _write_fragments(container: Container, fragments: dict[str, dict[str, Any]]) -> None:
    copy_file_into(container, CONFIG_DIR, ROUTES_NAME, json.dumps(fragments, sort_keys=True))


@contextlib.contextmanager
def _locked(container_id: str) -> Iterator[None]:
    """Workloads attach to one balancer in parallel: one read-render-reload at a time."""
    path = Path(tempfile.gettempdir()) / f"containers-proxy-{container_id[:16]}.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _removed(props: dict[str, Any], fragment: dict[str, Any] | None) -> set[str]:
    """The backends a delete takes away: nothing waits for them."""
    return set(props.get("targets") or []) if fragment is None else set()


def _stats(props: dict[str, Any]) -> dict[str, set[str]]:
    url = f"http://127.0.0.1:{whole_number(props['stats_port'])}/stats;csv"
    try:
        return _server_states(requests.get(url, timeout=1).text)
    except requests.RequestException:
        return {}


def _wait_healthy(props: dict[str, Any], own: list[str], others: list[str]) -> None:
    """Until each of `own` backends has a server UP (the target group has a healthy target), as ECS
    waits, and so has each of the `others` that was healthy before the reload, unless another
    workload's change took it away meanwhile."""
    deadline = time.monotonic() + props["timeout_seconds"]
    while True:
        ensure_engine_running(f"the rules of {props['owner']!r} on {props['balancer']!r}")
        states = _stats(props)
        if all("UP" in states.get(backend, set()) for backend in own) and all(
            "UP" in states[backend] for backend in others if backend in states
        ):
            return
        if time.monotonic() > deadline:
            raise SimError(
                f"No healthy target behind {props['balancer']!r} for {props['owner']!r} after "
                f"{props['timeout_seconds']:g}s (server states: {states})."
            )
        time.sleep(POLL_SECONDS * 4)


def _server_states(csv: str) -> dict[str, set[str]]:
    """Backend -> the states of its servers from HAProxy's CSV stats: "UP" only once a health check
    passed (a server not checked yet shows UP too, which must not count)."""
    header, *rows = csv.lstrip("# ").splitlines()
    columns = header.split(",")
    states: dict[str, set[str]] = {}
    for row in rows:
        entry = dict(zip(columns, row.split(","), strict=False))
        if entry.get("svname") in ("FRONTEND", "BACKEND"):
            continue
        checked = entry.get("check_status", "") in ("L4OK", "L6OK", "L7OK")
        state = entry.get("status", "").split(" ")[0]
        states.setdefault(entry.get("pxname", ""), set()).add(state if checked or state != "UP" else "INI")
    return states


class ProxyRoutes(SimResource):
    """One workload's listener rules and target groups on one balancer's proxy."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ProxyRoutesProvider(), name, props, opts)
