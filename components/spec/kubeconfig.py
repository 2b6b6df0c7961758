"""The cluster of the `kubernetes` platform: a kubeconfig and one of its contexts, read and checked once.

Where the kubeconfig comes from, as kubectl finds it: `containers:kubeconfig` (a path, or the file's
content, typically set with `pulumi config set --secret`), else `$KUBECONFIG` (a list of files joined
by ':', merged as kubectl merges them: the first file to name a context, cluster or user wins, and
the first current-context set), else `~/.kube/config`. The context is `containers:kubeContext`, else
the kubeconfig's current-context.

An unreadable file, text that is no kubeconfig, or a context the kubeconfig lacks is refused here,
at preview, before anything is created. The content itself never appears in an error message (it
holds credentials).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.spec.arg_reader import ArgReader

CONTENT = "[kubeconfig content]"
"""How an error names a kubeconfig given as content (never printed: it holds credentials)."""
NAMED_LISTS = ("clusters", "contexts", "users")


@dataclass(frozen=True)
class KubeconfigSpec:
    """A readable kubeconfig and the context of it that the stack deploys to."""

    content: str
    """The kubeconfig's text (YAML; several `$KUBECONFIG` files merged into one)."""
    context: str
    cluster_name: str
    """The name the context gives its cluster."""
    server: str
    """The cluster's API server URL."""
    certificate: str | None
    """The cluster's CA data (base64 PEM) when the kubeconfig embeds it."""


def read_kubeconfig(
    reader: ArgReader,
    field: str,
    value: str | None,
    context_field: str,
    context: str | None,
    environ: Mapping[str, str] = os.environ,
) -> KubeconfigSpec:
    """`value`: the stack's `containers:kubeconfig` (path or content), None for kubectl's defaults."""
    if value is not None and _is_content(value):
        documents = [_parse(reader, field, CONTENT, value)]
    else:
        if value is not None:
            label, paths = field, [Path(value).expanduser()]
        elif environ.get("KUBECONFIG"):
            label = "KUBECONFIG (environment, the default)"
            paths = [Path(p).expanduser() for p in environ["KUBECONFIG"].split(os.pathsep) if p]
        else:
            label, paths = f"{field} (default ~/.kube/config)", [Path("~/.kube/config").expanduser()]
        documents = [_parse(reader, label, str(path), _read(reader, label, path)) for path in paths]
    merged = _merge(documents)
    return _select(reader, field, context_field, context, merged)


def _is_content(value: str) -> bool:
    """A kubeconfig's text spans lines (YAML) or is a JSON object; a path does neither."""
    return "\n" in value or value.lstrip().startswith("{")


def _read(reader: ArgReader, field: str, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise reader.error(field, str(path), f"a readable kubeconfig file ({reason})") from None


def _parse(reader: ArgReader, field: str, shown: str, text: str) -> dict[str, Any]:
    allowed = "a kubeconfig (YAML with clusters, contexts and users, as kubectl writes it)"
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        raise reader.error(field, shown, allowed) from None
    if not isinstance(document, dict) or not all(
        isinstance(document.get(key) or [], list) for key in NAMED_LISTS
    ):
        raise reader.error(field, shown, allowed)
    return document


def _merge(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """kubectl's merge of `$KUBECONFIG` files: the first occurrence of each name wins."""
    if len(documents) == 1:
        return documents[0]
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
    for key in NAMED_LISTS:
        seen: dict[str, Any] = {}
        for document in documents:
            for entry in document.get(key) or []:
                name = entry.get("name") if isinstance(entry, dict) else None
                if isinstance(name, str) and name not in seen:
                    seen[name] = entry
        merged[key] = list(seen.values())
    current = [d["current-context"] for d in documents if d.get("current-context")]
    if current:
        merged["current-context"] = current[0]
    return merged


def _named(document: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {
        entry["name"]: entry.get(key.removesuffix("s")) or {}
        for entry in document.get(key) or []
        if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    }


def _select(
    reader: ArgReader, field: str, context_field: str, context: str | None, document: dict[str, Any]
) -> KubeconfigSpec:
    contexts = _named(document, "contexts")
    names = ", ".join(sorted(contexts)) or "none"
    if context is None:
        context = document.get("current-context") or None
        if context is None:
            raise reader.error(
                context_field, None, f"a context name (the kubeconfig sets no current-context): {names}"
            )
    if context not in contexts:
        raise reader.error(context_field, context, f"one of the kubeconfig's contexts: {names}")
    cluster_name = contexts[context].get("cluster")
    cluster = _named(document, "clusters").get(cluster_name) if isinstance(cluster_name, str) else None
    if not cluster or not isinstance(cluster.get("server"), str):
        raise reader.error(
            field,
            CONTENT,
            f"a kubeconfig whose context '{context}' names a cluster it defines, with its server URL",
        )
    assert isinstance(cluster_name, str)
    return KubeconfigSpec(
        content=yaml.safe_dump(document, sort_keys=False),
        context=context,
        cluster_name=cluster_name,
        server=cluster["server"],
        certificate=cluster.get("certificate-authority-data"),
    )
