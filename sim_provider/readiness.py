"""Waiting for a container to become ready, failing with its last log lines when it does not."""

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from docker.models.containers import Container

from sim_provider.docker_ops import SimError, last_exit_code, last_log_lines
from sim_provider.engine import ensure_engine_running

POLL_SECONDS = 0.05
# Without a port there is nothing to probe: a container still running after this long counts as up.
SETTLE_SECONDS = 0.5


@dataclass(frozen=True)
class Probe:
    """What "ready" means, and a phrase for the error message."""

    check: Callable[[], bool]
    description: str


def http_probe(url: str) -> Probe:
    def check() -> bool:
        try:
            return 200 <= requests.get(url, timeout=1).status_code < 300
        except requests.RequestException:
            return False

    return Probe(check, f"GET {url} answering 2xx")


def tcp_probe(host: str, port: int) -> Probe:
    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            return False

    return Probe(check, f"{host}:{port} accepting connections")


def running_probe() -> Probe:
    started = time.monotonic()
    return Probe(lambda: time.monotonic() - started >= SETTLE_SECONDS, "the process staying up")


def wait_until_ready(
    container: Container, probe: Probe, timeout_seconds: float, what: str, successes_needed: int = 1
) -> None:
    deadline = time.monotonic() + timeout_seconds
    successes = 0
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
        successes = successes + 1 if probe.check() else 0
        if successes >= successes_needed:
            return
        if time.monotonic() > deadline:
            raise SimError(
                f"{what} was not ready after {timeout_seconds:g}s (waiting for {probe.description}). "
                f"Its last log lines:\n{last_log_lines(container)}"
            )
        time.sleep(POLL_SECONDS)
