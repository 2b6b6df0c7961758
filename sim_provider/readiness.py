"""Waiting for a container to become ready, failing with its last log lines when it does not."""

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from docker.models.containers import Container

from sim_provider.docker_ops import SimError, last_exit_code, last_log_lines
from sim_provider.engine import ensure_engine_running

POLL_SECONDS = 0.05
# Without a port there is nothing to probe: a container still running after this long counts as up.
SETTLE_SECONDS = 0.5
# A server that answers 404 at the readiness path this long is up, and the path is wrong: it fails
# then, not at the readiness timeout. Not at the first 404: a server may answer before it mounts its
# routes, or (as the test app) serve the path only once ready.
NOT_FOUND_SECONDS = 5.0


@dataclass(frozen=True)
class Seen:
    """One answer of a probe: ready or not, and what it saw ("got 404 Not Found")."""

    ready: bool
    what: str
    status: int | None = None


def http_seen(status: int, reason: str = "") -> Seen:
    return Seen(200 <= status < 300, f"got {status} {reason}".rstrip(), status)


@dataclass(frozen=True)
class Probe:
    """What "ready" means, and a phrase for the error message."""

    check: Callable[[], Seen]
    description: str
    path: str | None = None
    """The HTTP path probed, if any (a 404 there for long means the path is wrong)."""


def http_probe(url: str) -> Probe:
    def check() -> Seen:
        try:
            answer = requests.get(url, timeout=1)
        except requests.RequestException as error:
            return Seen(False, f"no answer ({type(error).__name__})")
        return http_seen(answer.status_code, answer.reason or "")

    return Probe(check, f"GET {url} answering 2xx", urlsplit(url).path or "/")


def tcp_probe(host: str, port: int) -> Probe:
    def check() -> Seen:
        try:
            with socket.create_connection((host, port), timeout=1):
                return Seen(True, "connection accepted")
        except OSError as error:
            return Seen(False, f"no connection ({error.strerror or type(error).__name__})")

    return Probe(check, f"{host}:{port} accepting connections")


def running_probe() -> Probe:
    started = time.monotonic()
    return Probe(
        lambda: Seen(time.monotonic() - started >= SETTLE_SECONDS, "the process running"),
        "the process staying up",
    )


def wait_until_ready(
    container: Container, probe: Probe, timeout_seconds: float, what: str, successes_needed: int = 1
) -> None:
    deadline = time.monotonic() + timeout_seconds
    successes = 0
    not_found_since: float | None = None
    while True:
        ensure_engine_running(what)  # nobody waits for the answer any more
        container.reload()
        # The restart policy brings a crashed process back: a restart before readiness is a crash.
        if container.status in ("exited", "dead", "restarting") or container.attrs.get("RestartCount"):
            code = last_exit_code(container)
            raise SimError(
                f"{what} exited with code {code} before it was ready. Its last log lines:\n"
                f"{last_log_lines(container)}"
            )
        seen = probe.check()
        successes = successes + 1 if seen.ready else 0
        if successes >= successes_needed:
            return
        now = time.monotonic()
        not_found_since = (not_found_since or now) if seen.status == 404 else None
        if not_found_since is not None and now - not_found_since >= NOT_FOUND_SECONDS:
            raise SimError(
                f"{what} is up, but its readiness path {probe.path!r} is not there: {seen.what} for "
                f"{now - not_found_since:.0f}s (waiting for {probe.description}). The path is likely "
                "wrong: set `readiness` to a path the server answers with 2xx once ready (or leave it "
                f"out to wait for the port), then run `pulumi up` again. Its last log lines:\n"
                f"{last_log_lines(container)}"
            )
        if now > deadline:
            raise SimError(
                f"{what} was not ready after {timeout_seconds:g}s (waiting for {probe.description}; "
                f"last: {seen.what}). Its last log lines:\n{last_log_lines(container)}"
            )
        time.sleep(POLL_SECONDS)
