"""Continuous requests during a change, counting the ones that fail (the target is 0)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests


@dataclass
class Traffic:
    url: str
    sent: int = 0
    failed: list[str] = field(default_factory=list)
    """What went wrong, one entry per failed request (status or error)."""
    seconds_failing: float = 0.0


@contextmanager
def continuous_traffic(url: str, interval: float = 0.02) -> Iterator[Traffic]:
    """GET `url` every `interval` seconds, on a fresh connection each time, while the block runs."""
    traffic = Traffic(url)
    stop = threading.Event()

    def send() -> None:
        first_failure: float | None = None
        while not stop.is_set():
            try:
                response = requests.get(url, timeout=2, headers={"Connection": "close"})
                problem = None if response.status_code == 200 else f"HTTP {response.status_code}"
            except requests.RequestException as error:
                problem = type(error).__name__
            traffic.sent += 1
            if problem:
                traffic.failed.append(problem)
                first_failure = first_failure or time.monotonic()
                traffic.seconds_failing = time.monotonic() - first_failure
            time.sleep(interval)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        yield traffic
    finally:
        stop.set()
        sender.join()


@dataclass
class InNetworkTraffic:
    sent: int = 0
    failed: list[str] = field(default_factory=list)
    """The status line (or nothing) of each failed request."""


# One plain HTTP/1.0 request per connection, as `internal_url` callers make them, with busybox's nc
# (the static Debian busybox's wget crashes); a file /stop ends the loop (the image has no /tmp).
IN_NETWORK_LOOP = """
while [ ! -e /stop ]; do
  line=$(printf 'GET %s HTTP/1.0\\r\\n\\r\\n' | nc -w 2 %s %d | head -n 1)
  case "$line" in *" 200 "*) echo ok ;; *) echo "failed: $line" ;; esac
  sleep 0.05
done
"""


@contextmanager
def in_network_traffic(
    docker_client: Any, network: str, host: str, port: int, path: str
) -> Iterator[InNetworkTraffic]:
    """Requests to http://host:port/path from a container on `network`, as another workload of the
    stack calls an `internal_url`, while the block runs."""
    caller = docker_client.containers.run(
        "busybox:1.36", ["sh", "-c", IN_NETWORK_LOOP % (path, host, port)], network=network, detach=True
    )
    traffic = InNetworkTraffic()
    try:
        yield traffic
        caller.exec_run(["touch", "/stop"])
        caller.wait(timeout=10)
        lines = caller.logs().decode(errors="replace").splitlines()
        traffic.sent = len(lines)
        traffic.failed = [line for line in lines if line != "ok"]
    finally:
        caller.remove(force=True)  # it holds the network: the stack's destroy would refuse to remove it
