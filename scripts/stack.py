"""Deploy or destroy a stack through Pulumi's Automation API, and print its URLs.

    python scripts/stack.py up [STACK] [PROJECT_DIR]        # defaults: sim, this repository
    python scripts/stack.py destroy [STACK] [PROJECT_DIR]

Uses the local file backend and passphrase secrets that scripts/setup.sh configures (.tools/env.sh),
so no login is ever asked. An update that was killed leaves its lock behind on a file backend;
when the process that held it is gone, the lock is released so the next update can converge.
"""

import json
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from pulumi import automation as auto

ROOT = Path(__file__).resolve().parent.parent


def select_stack(name: str, work_dir: Path = ROOT) -> auto.Stack:
    return auto.create_or_select_stack(
        stack_name=name,
        work_dir=str(work_dir),
        opts=auto.LocalWorkspaceOptions(secrets_provider="passphrase"),
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_stale_locks(stack: auto.Stack) -> None:
    """Remove file-backend locks held by processes of this host that no longer exist."""
    backend = urlparse(os.environ.get("PULUMI_BACKEND_URL", ""))
    if backend.scheme != "file":
        return
    project = stack.workspace.project_settings().name
    locks = Path(backend.path, ".pulumi", "locks", "organization", project, stack.name)
    for lock in locks.glob("*.json"):
        owner = json.loads(lock.read_text())
        if owner.get("hostname") == socket.gethostname() and not _process_alive(int(owner["pid"])):
            print(f"[stack] releasing the lock of an interrupted update (pid {owner['pid']} is gone)")
            lock.unlink()


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3, 4) or argv[1] not in ("up", "destroy"):
        print(__doc__, file=sys.stderr)
        return 2
    stack_name = argv[2] if len(argv) > 2 else "sim"
    stack = select_stack(stack_name, Path(argv[3]) if len(argv) > 3 else ROOT)
    release_stale_locks(stack)
    try:
        if argv[1] == "destroy":
            stack.destroy(on_output=print)
            return 0
        result = stack.up(on_output=print)
    except auto.CommandError as error:
        print(f"\n{argv[1]} failed: {error}", file=sys.stderr)
        return 1
    print()
    for key, output in sorted(result.outputs.items()):
        if key.endswith("url") and output.value:
            print(f"{key}: {output.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
