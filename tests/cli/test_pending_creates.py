"""What `components/pending_creates.py` reads: the checkpoint (from the file backend's file, without
another CLI run, or exported from any other backend) and which containers the state records."""

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from components.pending_creates import checkpoint, recorded_containers

LATEST = {
    "resources": [
        {"urn": "urn:pulumi:sim::app::pulumi:pulumi:Stack::app-sim", "type": "pulumi:pulumi:Stack"}
    ],
    "pending_operations": [{"resource": {"type": "pulumi-python:dynamic/sim:Replica"}, "type": "creating"}],
}


def stack(exported: Any = None) -> Any:
    def export_stack() -> Any:
        if exported is None:
            raise AssertionError("exported although the checkpoint file was there to read")
        return exported

    settings = SimpleNamespace(name="app")
    return SimpleNamespace(
        name="sim", workspace=SimpleNamespace(project_settings=lambda: settings), export_stack=export_stack
    )


def file_backend_with(latest: Any, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file backend in `folder` holding the checkpoint of stack `sim` of project `app`."""
    state_file = folder / ".pulumi" / "stacks" / "app" / "sim.json"
    state_file.parent.mkdir(parents=True)
    state_file.write_text(json.dumps({"version": 3, "checkpoint": {"stack": "sim", "latest": latest}}))
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"file://{folder}")


def test_a_file_backend_checkpoint_is_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_backend_with(LATEST, tmp_path, monkeypatch)
    state = checkpoint(stack())
    assert (state.version, state.deployment) == (3, LATEST)


def test_a_stack_without_an_update_yet_has_an_empty_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_backend_with(None, tmp_path, monkeypatch)
    assert checkpoint(stack()).deployment == {}


@pytest.mark.parametrize("backend", ["s3://bucket/state", "https://api.pulumi.com", "file:///nowhere/at/all"])
def test_any_other_backend_or_layout_is_exported(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    exported = SimpleNamespace(version=3, deployment=LATEST)
    monkeypatch.setenv("PULUMI_BACKEND_URL", backend)
    assert checkpoint(stack(exported)) is exported


def test_recorded_containers_are_each_sim_resource_its_names_and_its_task_members() -> None:
    resources = [
        {
            "type": "pulumi-python:dynamic/sim:Replica",
            "id": "c1",
            "outputs": {"container_name": "app-web-1-a"},
        },
        {
            "type": "pulumi-python:dynamic/sim:Task",
            "id": "i1",
            "outputs": {"infra_name": "app-shop-1-b-infra", "container_names": {"main": "app-shop-1-b-main"}},
        },
        {"type": "aws:ecs/service:Service", "id": "not-a-container", "outputs": {"container_name": "x"}},
    ]
    assert recorded_containers(resources) == {
        "c1",
        "app-web-1-a",
        "i1",
        "app-shop-1-b-infra",
        "app-shop-1-b-main",
    }
