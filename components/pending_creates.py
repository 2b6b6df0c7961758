"""Creates an interrupted engine never saw finish, made whole before the CLI's next operation.

The engine writes a pending `creating` operation into the state before it asks a provider to
create, and replaces it by the resource once the answer comes. An engine killed (or told to
terminate) after a sim container's create finished but before the answer arrived leaves that
operation and a ready container that no resource records: the next create of the resource cannot
tell it from the live container it replaces (both carry the resource's labels), so it stays,
holding a replica's place or a task's aliases, and `destroy` would never remove it.

The state says which containers are recorded; the pending operation names the labels of the one
that may not be. So before `up`, `refresh` and `destroy`, the CLI removes each container carrying a
pending create's labels that no resource records, then clears the pending operations from the
state, as `pulumi refresh --clear-pending-creates` would (the next `up` creates those resources anew).
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pulumi import automation as auto

from sim_provider.docker_ops import connect, remove_container

SIM_TYPE_PREFIX = "pulumi-python:dynamic/sim:"
CREATING = "creating"


def finish_pending_creates(stack: auto.Stack, say: Callable[[str], None] = print) -> None:
    """Remove the containers of the stack's interrupted sim creates that no resource records, and
    clear those creates from the state. Nothing to do (and no Docker call) without any."""
    state = checkpoint(stack)
    deployment = state.deployment or {}
    pending = [
        operation
        for operation in deployment.get("pending_operations") or []
        if operation.get("type") == CREATING
        and str(operation["resource"].get("type", "")).startswith(SIM_TYPE_PREFIX)
    ]
    if not pending:
        return
    client = connect()
    recorded = recorded_containers(deployment["resources"])
    for operation in pending:
        labels = operation["resource"].get("inputs", {}).get("labels") or {}
        if not labels:
            continue  # not a container (a network, an image): its create leaves nothing to remove
        selector = {"label": [f"{key}={value}" for key, value in labels.items()]}
        for container in client.containers.list(all=True, filters=selector):
            if container.id not in recorded and container.name not in recorded:
                say(f"removing {container.name}: its create was interrupted and no state records it")
                remove_container(client, container.id, stop_timeout=2)
    # `pulumi stack import` drops every pending operation: the interrupted updates and deletes of
    # resources the state still records are what the next `up` or `refresh` looks at anyway.
    stack.import_stack(state)


def checkpoint(stack: auto.Stack) -> auto.Deployment:
    """The stack's state as `pulumi stack export` gives it, read straight from the checkpoint file
    on a file backend: an export would cost every `containers` command another CLI run (0.15 s)."""
    backend = urlparse(os.environ.get("PULUMI_BACKEND_URL", ""))
    project = stack.workspace.project_settings().name
    state_file = Path(backend.path, ".pulumi", "stacks", project, f"{stack.name}.json")
    if backend.scheme != "file" or not state_file.is_file():
        return stack.export_stack()  # another backend, or a file layout this does not know
    saved = json.loads(state_file.read_text())
    return auto.Deployment(version=saved["version"], deployment=saved["checkpoint"].get("latest") or {})


def recorded_containers(resources: list[dict[str, Any]]) -> set[str]:
    """The ids and names of every container the state's sim resources record: each resource's own
    (its id), and the members of each task instance (by name)."""
    recorded: set[str] = set()
    for resource in resources:
        if not str(resource.get("type", "")).startswith(SIM_TYPE_PREFIX):
            continue
        outputs = resource.get("outputs") or {}
        recorded.add(resource.get("id") or "")
        recorded.update(
            value for key in ("container_name", "infra_name") if isinstance(value := outputs.get(key), str)
        )
        members = outputs.get("container_names")
        if isinstance(members, dict):
            recorded.update(name for name in members.values() if isinstance(name, str))
    return recorded
