"""Shared fixtures for every test folder: real-engine helpers for sim tests (Docker, throwaway
projects). Importable helpers live in `tests/support`."""

import os
import re
import shutil
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from pulumi import automation as auto

from tests.support import ROOT
from tests.support.docker_state import NOTHING_LEFT, labelled

sys.path.insert(0, str(ROOT / "scripts"))
import offline_images

from components.cli import release_stale_locks

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

    @property
    def state_file(self) -> Path:
        """Where the file backend stores the stack's state (secrets encrypted)."""
        backend = Path(urlparse(os.environ["PULUMI_BACKEND_URL"]).path)
        return backend / ".pulumi" / "stacks" / self.path.name / f"{self.stack.name}.json"

    def state_file_text(self) -> str:
        return self.state_file.read_text()

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


def _new_project(
    parent: Path,
    config: dict[str, str] | None,
    source: Path | None,
    as_is: bool = False,
    name: str | None = None,
    backend: Path | None = None,
) -> SimProject:
    """A copy of `source` (or an empty folder), stack `test` on sim; `as_is`: the example's own
    `Pulumi.yaml` (renamed only) and its stack `sim` (`Pulumi.sim.yaml`). `name` (default: unique) is
    the Pulumi project's; `backend` a state folder of its own (default: the session's), as a second
    checkout of one project would have."""
    name = name or f"t{uuid.uuid4().hex[:8]}"
    path = parent / uuid.uuid4().hex[:8] / name
    if source is not None:
        shutil.copytree(source, path)
    path.mkdir(parents=True, exist_ok=True)
    project_file = path / "Pulumi.yaml"
    if as_is:
        project_file.write_text(re.sub(r"(?m)^name: .*$", f"name: {name}", project_file.read_text()))
    else:
        project_file.write_text(f"name: {name}\nruntime: python\n")
    env_vars = {}
    if backend is not None:
        backend.mkdir(parents=True, exist_ok=True)
        env_vars["PULUMI_BACKEND_URL"] = f"file://{backend}"
    stack = auto.create_or_select_stack(
        stack_name="sim" if as_is else "test",
        work_dir=str(path),
        opts=auto.LocalWorkspaceOptions(secrets_provider="passphrase", env_vars=env_vars),
    )
    for key, value in ({} if as_is else {"containers:platform": "sim", **(config or {})}).items():
        stack.set_config(key, auto.ConfigValue(value))
    return SimProject(path, stack)


def _destroy(projects: list[SimProject], docker_client: Any) -> None:
    for project in projects:
        release_stale_locks(project.stack)  # a test may have killed an update on purpose
        project.stack.destroy()
        project.stack.workspace.remove_stack(project.stack.name)
    for project in projects:  # once all are gone: two checkouts of one stack share its label
        leftovers = labelled(docker_client, project.stack_label)
        assert leftovers == NOTHING_LEFT, f"destroy left {leftovers}"


@pytest.fixture
def sim_project(docker_client: Any, tmp_path: Path) -> Iterator[Callable[..., SimProject]]:
    """Factory: `sim_project(program_body, config={...})`, or `sim_project(source=folder, as_is=True)`
    for an example deployed unchanged. Destroys and removes the stack afterwards."""
    created: list[SimProject] = []

    def make(
        body: str = "",
        config: dict[str, str] | None = None,
        source: Path | None = None,
        as_is: bool = False,
        name: str | None = None,
        backend: Path | None = None,
    ) -> SimProject:
        project = _new_project(tmp_path, config, source, as_is, name, backend)
        if body:
            project.set_program(body)
        created.append(project)
        return project

    yield make
    _destroy(created, docker_client)


@pytest.fixture(scope="module")
def module_sim_project(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimProject]:
    """One throwaway sim project for a whole test module (one deployment many tests read); the module
    writes its program and runs `up`. Destroyed and removed after the module's last test."""
    project = _new_project(tmp_path_factory.mktemp("module"), None, None)
    yield project
    _destroy([project], docker_client)


@pytest.fixture
def build_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A folder with a Dockerfile, './app' from the test's working directory (a temporary one)."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\nCOPY . .\n")
    monkeypatch.chdir(tmp_path)
    return "./app"
