"""The processes of one `pulumi up` (engine, language host, providers), read from /proc: a killed
update must leave none of them running."""

import time
from pathlib import Path


def descendants(pid: int) -> dict[int, str]:
    """pid -> command line of every process started (transitively) by `pid`."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile
        # Fields after the command (which may hold spaces) in parentheses: state, then the parent.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = commands[child]
                frontier.append(child)
    return found


def still_running(processes: dict[int, str], within_seconds: float) -> dict[int, str]:
    """Those of `processes` still alive (and not zombies) after waiting up to `within_seconds`."""
    deadline = time.monotonic() + within_seconds
    while True:
        alive = {pid: command for pid, command in processes.items() if _alive(pid)}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def running_in(directory: Path) -> dict[int, str]:
    """pid -> command line of every process whose working directory is `directory` or under it: an
    update's language host and dynamic providers run in the project's folder, and outlive the
    `pulumi` command that started them (each in a process group of its own) when they do not end."""
    found: dict[int, str] = {}
    root = directory.resolve()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _alive(int(entry.name)):
            continue
        try:
            cwd = (entry / "cwd").resolve()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if cwd == root or root in cwd.parents:
            found[int(entry.name)] = command
    return found
