"""The checkpoint an engine killed between a create's end and its answer leaves behind, made by
editing a deployed stack's state file: the resource's record (and those of what waits for it) back
to a pending `creating` operation, its ready container still running and recorded nowhere.

(`pulumi stack import` drops pending operations, so the file is written as the engine writes it.)"""

import json
from typing import Any


def forget_created(project: Any, *forgotten: str, pending_too: tuple[str, ...] = ()) -> dict[str, Any]:
    """Make the resources named `forgotten` (URN names, e.g. "web-replica-2") creates the engine
    never heard back from; `pending_too` names resources still recorded whose replacement's create
    was interrupted (a pending create beside their record). Returns the forgotten records by name."""
    checkpoint = json.loads(project.state_file_text())
    latest = checkpoint["checkpoint"]["latest"]
    resources = latest["resources"]
    by_name = {r["urn"].rsplit("::", 1)[1]: r for r in resources}
    records = {name: by_name[name] for name in forgotten}
    for record in records.values():
        # The engine had recorded neither the resource nor what waits for it.
        for gone in [record, *(r for r in resources if record["urn"] in r.get("dependencies", []))]:
            if gone in resources:
                resources.remove(gone)
    latest["pending_operations"] = [
        {
            "resource": {key: value for key, value in r.items() if key not in ("id", "outputs")},
            "type": "creating",
        }
        for r in [*records.values(), *(by_name[name] for name in pending_too)]
    ]
    project.state_file.write_text(json.dumps(checkpoint))
    return records
