"""Continuous requests during a change, counting the ones that fail (the target is 0)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

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
