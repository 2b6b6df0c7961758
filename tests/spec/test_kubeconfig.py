"""Where the kubernetes platform finds its kubeconfig, and which context it deploys to."""

from pathlib import Path

import pytest
import yaml

from components.spec.arg_reader import ArgReader
from components.spec.errors import InvalidArgumentError
from components.spec.kubeconfig import read_kubeconfig

READER = ArgReader("Workload", "web")
FIELD, CONTEXT_FIELD = "containers:kubeconfig (stack config)", "containers:kubeContext (stack config)"


def kubeconfig(cluster: str, server: str, current: str | None = None) -> str:
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": {"server": server}}],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": cluster}}],
        "users": [{"name": cluster, "user": {"token": "t"}}],
    }
    if current:
        document["current-context"] = current
    return yaml.safe_dump(document)


def test_kubeconfig_files_are_merged_as_kubectl_merges_them(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text(kubeconfig("kind-a", "https://127.0.0.1:1"))
    second.write_text(kubeconfig("kind-b", "https://127.0.0.1:2", current="kind-b"))
    found = read_kubeconfig(READER, FIELD, None, CONTEXT_FIELD, None, {"KUBECONFIG": f"{first}:{second}"})
    # The first current-context set wins (here the second file's); both files' contexts are there.
    assert (found.context, found.server) == ("kind-b", "https://127.0.0.1:2")
    merged = yaml.safe_load(found.content)
    assert [c["name"] for c in merged["contexts"]] == ["kind-a", "kind-b"]
    picked = read_kubeconfig(
        READER, FIELD, None, CONTEXT_FIELD, "kind-a", {"KUBECONFIG": f"{first}:{second}"}
    )
    assert picked.server == "https://127.0.0.1:1"


def test_without_config_or_environment_it_reads_the_home_kubeconfig(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".kube").mkdir()
    (tmp_path / ".kube" / "config").write_text(kubeconfig("home", "https://10.0.0.1", current="home"))
    assert read_kubeconfig(READER, FIELD, None, CONTEXT_FIELD, None, {}).cluster_name == "home"


def test_a_missing_home_kubeconfig_names_the_default_it_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(InvalidArgumentError) as raised:
        read_kubeconfig(READER, FIELD, None, CONTEXT_FIELD, None, {})
    assert raised.value.field == f"{FIELD} (default ~/.kube/config)"
    assert raised.value.value == str(tmp_path / ".kube" / "config")


def test_no_current_context_and_none_configured_lists_the_contexts() -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        read_kubeconfig(READER, FIELD, kubeconfig("a", "https://x"), CONTEXT_FIELD, None, {})
    assert (raised.value.field, raised.value.value) == (CONTEXT_FIELD, None)
    assert raised.value.allowed == "a context name (the kubeconfig sets no current-context): a"


def test_a_context_whose_cluster_is_missing_is_refused_without_printing_the_content() -> None:
    text = kubeconfig("a", "https://x", current="a").replace(
        "- cluster:\n    server: https://x\n  name: a\n", ""
    )
    assert "server" not in text
    with pytest.raises(InvalidArgumentError) as raised:
        read_kubeconfig(READER, FIELD, text, CONTEXT_FIELD, None, {})
    assert raised.value.value == "[kubeconfig content]"
    assert "token" not in str(raised.value)
