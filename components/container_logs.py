"""`containers logs`: the log lines of a sim stack's containers, each prefixed with where it runs.

A line reads `<workload>/<instance>/<container> | ...` for a ContainerWorkload's task,
`<workload>/<replica> | ...` for a Workload's replica and `<workload>/<role> | ...` for an entry
or a balancer's proxy, from the labels sim gives every container (`sim_provider/docker_ops.py`).
With `follow`, lines are printed as the containers write them, like `docker compose logs -f`, and a
container started later (a replacement, a new replica) is followed from its first line.
"""

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

# How often a follow looks for containers started since (a replacement during `up`).
NEW_CONTAINER_POLL_SECONDS = 1.0


def log_prefix(container: Any) -> str:
    """Where the container's lines come from, by its labels; its Docker name when it has none."""
    found = container.labels
    workload = found.get("containers.resource")
    if workload is None:
        return str(container.name)
    if "containers.instance" in found and "containers.container" in found:
        return f"{workload}/{found['containers.instance']}/{found['containers.container']}"
    if "containers.replica" in found:
        return f"{workload}/{found['containers.replica']}"
    return f"{workload}/{found.get('containers.role', container.name)}"


def print_logs(containers: list[Any], tail: int, say: Callable[[str], None] = print) -> None:
    """The last `tail` lines of each container, one container after another."""
    for container in sorted(containers, key=log_prefix):
        for line in container.logs(tail=tail).decode(errors="replace").splitlines():
            say(f"{log_prefix(container)} | {line}")


def follow_logs(list_running: Callable[[], list[Any]], tail: int, say: Callable[[str], None] = print) -> None:
    """Print the lines of every running container as they come, until interrupted (Ctrl-C): the
    last `tail` lines of those running now, then everything those started later write."""
    lines: queue.Queue[str] = queue.Queue()
    followed: set[str] = set()
    first_look = True
    try:
        while True:
            for container in list_running():
                if container.id not in followed:
                    followed.add(container.id)
                    lines_before = tail if first_look else "all"
                    stream = threading.Thread(
                        target=_stream, args=(container, lines_before, lines), daemon=True
                    )
                    stream.start()
            first_look = False
            deadline = time.monotonic() + NEW_CONTAINER_POLL_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    say(lines.get(timeout=remaining))
                except queue.Empty:
                    break
    except KeyboardInterrupt:
        return  # the way a follow ends


def _stream(container: Any, tail: int | str, lines: "queue.Queue[str]") -> None:
    """Each whole line the container writes, prefixed, until it stops."""
    prefix, pending = log_prefix(container), b""
    for chunk in container.logs(stream=True, follow=True, tail=tail):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            lines.put(f"{prefix} | {line.decode(errors='replace')}")
    if pending:
        lines.put(f"{prefix} | {pending.decode(errors='replace')}")
