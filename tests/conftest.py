"""Shared fixtures: a Pulumi mocks runner for unit tests, and real-engine helpers for sim tests."""

import os
import shutil
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pulumi
import pytest
from pulumi import automation as auto
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import offline_images  # noqa: E402 (scripts/ is not a package)
from stack import release_stale_locks  # noqa: E402

# ---------------------------------------------------------------- unit tests under mocks


# Outputs the sim providers compute; under mocks each gets a value naming its resource, so a test
# can follow the wiring (e.g. a replica runs `ref-of:web-image`).
COMPUTED_OUTPUTS = ("image_ref", "image_id", "url")


class EchoMocks(pulumi.runtime.Mocks):
    """Every resource's outputs are its inputs, so tests see exactly what a component asked for."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        computed = {f: f"{f.split('_')[-1]}-of:{args.name}" for f in COMPUTED_OUTPUTS if f not in args.inputs}
        return f"{args.name}-id", {**computed, **args.inputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}


@dataclass
class Registration:
    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]


class ParentRecordingMonitor(MockMonitor):
    """The stock mock monitor forgets each resource's parent; tests assert the tree, so keep it."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.parents: dict[str, str] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.parents[response.urn] = request.parent
        return response


def start_mocks(config: dict[str, str] | None = None) -> ParentRecordingMonitor:
    """Point the Pulumi runtime at fresh mocks; the monitor records every registration."""
    mocks = EchoMocks()
    monitor = ParentRecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="containers", stack="unit", preview=False, monitor=monitor)
    pulumi.runtime.set_all_config({"containers:platform": "sim", **(config or {})})
    return monitor


def registrations(monitor: ParentRecordingMonitor) -> dict[str, Registration]:
    """Every resource the monitor saw, by name."""

    def name_of(urn: str) -> str | None:
        return urn.split("::")[-1] if urn and urn in monitor.resources else None

    return {
        name_of(urn): Registration(
            type=urn.split("::")[2].split("$")[-1],
            name=name_of(urn),
            parent=name_of(monitor.parents.get(urn, "")),
            inputs=dict(registration.state),
        )
        for urn, registration in monitor.get_registered_resources().items()
    }


def run_with_mocks(
    program: Callable[[], Any], config: dict[str, str] | None = None
) -> dict[str, Registration]:
    """Run `program` against mocks; return every registered resource by its name."""
    monitor = start_mocks(config)
    _sync_await(run_pulumi_func(program))
    return registrations(monitor)


def refused(program: Callable[[], Any], config: dict[str, str] | None = None) -> Exception:
    """The InvalidArgumentError `program` raises, after checking that it registered nothing."""
    from components.spec.errors import InvalidArgumentError

    monitor = start_mocks(config)
    with pytest.raises(InvalidArgumentError) as caught:
        _sync_await(run_pulumi_func(program))  # drains registrations already sent, then re-raises
    assert registrations(monitor) == {}
    return caught.value


# ---------------------------------------------------------------- sim tests: real Docker, real engine


@pytest.fixture(scope="session")
def docker_client() -> Any:
    import docker

    if shutil.which("pulumi") is None:
        pytest.fail(
            "the Pulumi CLI is not on PATH: run the suite with `make test` (it runs scripts/setup.sh)"
        )
    client = docker.from_env()
    offline_images.ensure_all(client)
    return client


@dataclass
class SimProject:
    """A throwaway Pulumi project on the sim platform, driven through the Automation API."""

    path: Path
    stack: auto.Stack

    @property
    def stack_label(self) -> str:
        return f"{self.path.name}/{self.stack.name}"

    def up(self, **kwargs: Any) -> auto.UpResult:
        return self.stack.up(**kwargs)

    def state_file_text(self) -> str:
        """The stack's state exactly as the file backend stores it (secrets encrypted)."""
        backend = Path(urlparse(os.environ["PULUMI_BACKEND_URL"]).path)
        return (backend / ".pulumi" / "stacks" / self.path.name / f"{self.stack.name}.json").read_text()

    def outputs(self) -> dict[str, Any]:
        return {key: output.value for key, output in self.stack.outputs().items()}

    def write(self, relative: str, content: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
        return target

    def set_program(self, body: str) -> None:
        self.write(
            "__main__.py", "import pulumi\nfrom components import Workload\n\n" + textwrap.dedent(body)
        )


@pytest.fixture
def sim_project(docker_client: Any, tmp_path: Path) -> Iterator[Callable[..., SimProject]]:
    """Factory: `sim_project(program_body, config={...})`. Destroys and removes the stack afterwards."""
    created: list[SimProject] = []

    def make(body: str = "", config: dict[str, str] | None = None, source: Path | None = None) -> SimProject:
        name = f"t{uuid.uuid4().hex[:8]}"
        path = tmp_path / name
        if source is not None:
            shutil.copytree(source, path)
        path.mkdir(exist_ok=True)
        (path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        stack = auto.create_or_select_stack(
            stack_name="test",
            work_dir=str(path),
            opts=auto.LocalWorkspaceOptions(secrets_provider="passphrase"),
        )
        for key, value in {"containers:platform": "sim", **(config or {})}.items():
            stack.set_config(key, auto.ConfigValue(value))
        project = SimProject(path, stack)
        if body:
            project.set_program(body)
        created.append(project)
        return project

    yield make
    for project in created:
        release_stale_locks(project.stack)  # a test may have killed an update on purpose
        project.stack.destroy()
        project.stack.workspace.remove_stack(project.stack.name)
        leftovers = labelled(docker_client, project.stack_label)
        assert leftovers == {"containers": [], "networks": [], "images": []}, f"destroy left {leftovers}"


def labelled(docker_client: Any, stack_label: str) -> dict[str, list[str]]:
    """Everything in Docker carrying the stack's label, by kind."""
    selector = {"label": f"containers.stack={stack_label}"}
    return {
        "containers": [c.name for c in docker_client.containers.list(all=True, filters=selector)],
        "networks": [n.name for n in docker_client.networks.list(filters=selector)],
        "images": [t for i in docker_client.images.list(filters=selector) for t in i.tags],
    }
