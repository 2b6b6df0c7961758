"""`containers`: deploy, inspect and tear down a project's stacks through Pulumi's Automation API.

    containers up        [--stack sim] [--dir PROJECT] [--no-refresh]
    containers preview | refresh | destroy | outputs [--json] | logs [--tail N]

Progress is shown live as the engine reports it, one row per resource with its state and elapsed
time, then the stack's URLs, one `name: url` line each. Exit codes: 0 done, 1 the operation failed
(the engine's error is printed once, with no traceback), 2 bad usage (no project, unknown stack).

No login: the local file backend (`<project>/.pulumi-state`) and passphrase secrets are the
defaults; `PULUMI_BACKEND_URL` and `PULUMI_CONFIG_PASSPHRASE` choose others. `up` refreshes first,
so a container removed by hand is noticed and brought back (`--no-refresh` skips that).
"""

import argparse
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from pulumi import automation as auto
from pulumi.automation import events
from rich.console import Console
from rich.live import Live
from rich.table import Table

from components.container_logs import follow_logs, print_logs
from components.pending_creates import finish_pending_creates
from sim_provider.docker_ops import SimError

OK, FAILED, USAGE = 0, 1, 2
COMMANDS = ("up", "preview", "refresh", "destroy", "outputs", "logs")

# How a step reads while it runs, and once it is done.
RUNNING = {
    "create": "creating",
    "update": "updating",
    "delete": "deleting",
    "replace": "replacing",
    "create-replacement": "creating replacement",
    "delete-replaced": "deleting replaced",
    "refresh": "refreshing",
    "read": "reading",
    "same": "unchanged",
}
DONE = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "replace": "replaced",
    "create-replacement": "created replacement",
    "delete-replaced": "deleted replaced",
    "refresh": "refreshed",
    "read": "read",
    "same": "unchanged",
}
STYLE = {
    "created": "green",
    "updated": "yellow",
    "deleted": "red",
    "replaced": "magenta",
    "failed": "bold red",
}


# gRPC's words before a provider's error (its server wraps what a provider raises), and the engine's
# closing line for a failed operation: neither tells the user anything the error itself does not.
GRPC_PREFIX = "Exception calling application: "
GENERIC_FAILURES = {f"{operation} failed" for operation in ("update", "preview", "destroy", "refresh")}


def generic(message: str) -> bool:
    """The engine's closing words for a failure another error explains."""
    return message in GENERIC_FAILURES or message.startswith("an unhandled error occurred: Program exited")


class UsageError(Exception):
    """Bad usage: exit code 2."""


@dataclass
class Row:
    name: str
    type: str
    state: str
    started: float
    finished: float | None = None

    def elapsed(self, now: float) -> str:
        return f"{(self.finished or now) - self.started:.1f}s"


@dataclass
class Progress:
    """Engine events folded into one row per resource, and the errors the engine reported."""

    rows: dict[str, Row] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    def on_event(self, event: events.EngineEvent) -> None:
        now = time.monotonic()
        if event.resource_pre_event is not None:
            meta = event.resource_pre_event.metadata
            if meta.type == "pulumi:pulumi:Stack":
                return
            op = str(getattr(meta.op, "value", meta.op))
            name = meta.urn.split("::")[-1]
            state = RUNNING.get(op, op)
            finished = now if op == "same" else None
            self.rows[meta.urn] = Row(name, meta.type, state, now, finished)
        elif event.res_outputs_event is not None:
            meta = event.res_outputs_event.metadata
            op = str(getattr(meta.op, "value", meta.op))
            if (row := self.rows.get(meta.urn)) is not None:
                row.state, row.finished = DONE.get(op, op), now
        elif event.res_op_failed_event is not None:
            urn = event.res_op_failed_event.metadata.urn
            if (row := self.rows.get(urn)) is not None:
                row.state, row.finished = "failed", now
        elif event.diagnostic_event is not None:
            diagnostic = event.diagnostic_event
            if diagnostic.severity == "error" and not diagnostic.ephemeral:
                message = diagnostic.message.strip().removeprefix(GRPC_PREFIX)
                if message and message not in self.errors:
                    self.errors.append(message)
        elif event.summary_event is not None:
            changes = event.summary_event.resource_changes
            self.summary = {str(getattr(op, "value", op)): count for op, count in changes.items()}

    def table(self) -> Table:
        now = time.monotonic()
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("resource")
        table.add_column("type", style="dim")
        table.add_column("state")
        table.add_column("time", justify="right")
        for row in self.rows.values():
            style = STYLE.get(row.state, "" if row.finished else "cyan")
            table.add_row(
                row.name, row.type, f"[{style}]{row.state}[/]" if style else row.state, row.elapsed(now)
            )
        return table


def find_project(start: Path) -> Path:
    """The folder with Pulumi.yaml: `start` or the nearest parent that has one."""
    for folder in (start, *start.parents):
        if (folder / "Pulumi.yaml").is_file() or (folder / "Pulumi.yml").is_file():
            return folder
    raise UsageError(f"no Pulumi.yaml in {start} or any folder above it: pass --dir PROJECT")


def project_name(project: Path) -> str:
    settings_file = project / "Pulumi.yaml"
    if not settings_file.is_file():
        settings_file = project / "Pulumi.yml"
    return str(yaml.safe_load(settings_file.read_text())["name"])


def default_environment(project: Path) -> None:
    """The local file backend and passphrase secrets, unless the environment chose others."""
    if not os.environ.get("PULUMI_BACKEND_URL"):
        state = project / ".pulumi-state"
        state.mkdir(exist_ok=True)
        os.environ["PULUMI_BACKEND_URL"] = f"file://{state}"
    if os.environ.get("PULUMI_BACKEND_URL", "").startswith("file://"):
        Path(urlparse(os.environ["PULUMI_BACKEND_URL"]).path).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PULUMI_CONFIG_PASSPHRASE", "")
    os.environ.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")


def open_stack(name: str, project: Path, create: bool) -> auto.Stack:
    options = auto.LocalWorkspaceOptions(secrets_provider="passphrase")
    if create:
        return auto.create_or_select_stack(stack_name=name, work_dir=str(project), opts=options)
    try:
        return auto.select_stack(stack_name=name, work_dir=str(project), opts=options)
    except auto.StackNotFoundError as error:
        raise UsageError(
            f"stack '{name}' does not exist in {project}: run `containers up --stack {name}`"
        ) from error


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_stale_locks(stack: auto.Stack, say: Callable[[str], None] = print) -> None:
    """Remove file-backend locks held by processes of this host that no longer exist (an update
    that was killed leaves its lock behind, and the next one could never converge)."""
    backend = urlparse(os.environ.get("PULUMI_BACKEND_URL", ""))
    if backend.scheme != "file":
        return
    project = stack.workspace.project_settings().name
    locks = Path(backend.path, ".pulumi", "locks", "organization", project, stack.name)
    for lock in locks.glob("*.json"):
        owner = json.loads(lock.read_text())
        if owner.get("hostname") == socket.gethostname() and not _process_alive(int(owner["pid"])):
            say(f"releasing the lock of an interrupted update (pid {owner['pid']} is gone)")
            lock.unlink()


def engine_message(error: auto.CommandError) -> str:
    """The engine's own words from a failed command, without the Automation API's wrapping."""
    text = str(error)
    marker = "\n stderr: "
    if marker in text:
        text = text.split(marker, 1)[1]
    return text.strip()


def run_operation(
    console: Console, command: str, stack: auto.Stack, operation: Callable[..., Any]
) -> tuple[int, Any]:
    progress = Progress()
    result: Any = None
    with Live(progress.table(), console=console, refresh_per_second=8, transient=False) as live:

        def on_event(event: events.EngineEvent) -> None:
            progress.on_event(event)
            live.update(progress.table())

        try:
            result = operation(on_event=on_event)
        except auto.CommandError as error:
            live.update(progress.table())
            # One line per distinct error (resources failing alike share one), the engine's generic
            # "update failed" only when nothing says more.
            specific = [message for message in progress.errors if not generic(message)]
            failure = "\n".join(specific or progress.errors) or engine_message(error)
            console.print(f"\n[bold red]{command} failed[/]:\n{failure}", highlight=False)
            return FAILED, None
    if progress.summary:
        counts = ", ".join(f"{count} {DONE.get(op, op)}" for op, count in sorted(progress.summary.items()))
        console.print(f"\n{command}: {counts}", highlight=False)
    return OK, result


def print_urls(console: Console, outputs: dict[str, auto.OutputValue]) -> None:
    """The URLs the stack exports, one plain `name: url` line each (scripts read them)."""
    urls = {
        key: output.value
        for key, output in sorted(outputs.items())
        if isinstance(output.value, str)
        and output.value.startswith(("http://", "https://", "tcp://"))
        and not output.secret
    }
    if not urls:
        return
    console.print("\n[bold]URLs[/]")
    for key, url in urls.items():
        print(f"{key}: {url}", flush=True)


def logs(
    console: Console, stack: auto.Stack, project: Path, tail: int, workload: str | None, follow: bool
) -> int:
    """The log lines of every container the stack runs (sim), or only those of `workload`."""
    config = stack.get_all_config()
    platform = config.get("containers:platform", auto.ConfigValue("sim")).value
    if platform != "sim":
        console.print(f"`logs` reads containers on sim only; stack '{stack.name}' runs on {platform}.")
        return USAGE
    import docker  # type: ignore[import-untyped, unused-ignore]  # docker ships no stubs; types-docker may be absent

    labels = [f"containers.stack={project_name(project)}/{stack.name}"]
    labels += [f"containers.resource={workload}"] if workload else []
    try:
        client = docker.from_env()
        if follow:
            follow_logs(lambda: client.containers.list(filters={"label": labels}), tail)
        else:
            print_logs(client.containers.list(all=True, filters={"label": labels}), tail)
    except docker.errors.DockerException as error:
        console.print(
            f"[bold red]logs failed[/]: the Docker engine does not answer ({error})", highlight=False
        )
        return FAILED
    return OK


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--stack", "-s", default=argparse.SUPPRESS, help="the stack (default: sim)")
    common.add_argument(
        "--dir",
        default=argparse.SUPPRESS,
        help="the project folder (default: the one holding the current folder)",
    )
    main_parser = argparse.ArgumentParser(
        prog="containers", description=__doc__.split("\n\n")[0], parents=[common]
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = commands.add_parser("up", parents=[common], help="deploy the stack (refreshing first)")
    up.add_argument("--no-refresh", action="store_true", help="do not refresh the state from what runs")
    commands.add_parser("preview", parents=[common], help="show what `up` would change")
    commands.add_parser("refresh", parents=[common], help="read what runs back into the state")
    commands.add_parser("destroy", parents=[common], help="remove everything the stack created")
    outputs = commands.add_parser("outputs", parents=[common], help="print the stack's outputs")
    outputs.add_argument("--json", action="store_true", help="as one JSON object")
    outputs.add_argument("--show-secrets", action="store_true")
    logs_parser = commands.add_parser(
        "logs", parents=[common], help="the log lines of each container, or follow them (sim)"
    )
    logs_parser.add_argument("--tail", type=int, default=50, help="lines per container (default 50)")
    logs_parser.add_argument("--workload", "-w", default=None, help="only this workload's containers")
    logs_parser.add_argument(
        "--follow", "-f", action="store_true", help="print new lines as they come, until Ctrl-C"
    )
    return main_parser


def run(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)  # exits with 2 on bad usage
    console = Console(highlight=False)
    stack_name: str = getattr(args, "stack", "sim")
    project = find_project(Path(getattr(args, "dir", ".")).resolve())
    default_environment(project)
    command: str = args.command
    try:
        stack = open_stack(stack_name, project, create=command in ("up", "preview"))
    except UsageError:
        if command != "destroy":
            raise
        console.print(f"stack '{stack_name}' does not exist: nothing to destroy")
        return OK
    say = lambda message: console.print(f"[dim]{message}[/]")  # noqa: E731
    release_stale_locks(stack, say)
    if command in ("up", "refresh", "destroy"):
        finish_pending_creates(stack, say)
    console.print(f"[bold]{command}[/] {project_name(project)}/{stack_name}", highlight=False)

    if command == "outputs":
        values = stack.outputs()
        shown = {
            key: output.value if args.show_secrets or not output.secret else "[secret]"
            for key, output in sorted(values.items())
        }
        if args.json:
            print(json.dumps(shown, indent=2))
        else:
            for key, value in shown.items():
                print(f"{key}: {value if isinstance(value, str) else json.dumps(value)}")
        return OK
    if command == "logs":
        return logs(console, stack, project, args.tail, args.workload, args.follow)

    operations: dict[str, Callable[..., Any]] = {
        "up": lambda on_event: stack.up(on_event=on_event, refresh=not args.no_refresh),
        "preview": lambda on_event: stack.preview(on_event=on_event),
        "refresh": lambda on_event: stack.refresh(on_event=on_event),
        "destroy": lambda on_event: stack.destroy(on_event=on_event),
    }
    code, result = run_operation(console, command, stack, operations[command])
    if code == OK and command == "up":
        print_urls(console, result.outputs)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        print(f"containers: {error}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("containers: interrupted", file=sys.stderr)
        return FAILED
    except auto.CommandError as error:
        print(f"containers: {engine_message(error)}", file=sys.stderr)
        return FAILED
    except SimError as error:  # Docker, asked before the engine runs (sim_provider's own words)
        print(f"containers: {error}", file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
