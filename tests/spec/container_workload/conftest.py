"""Every ContainerWorkload spec test runs in a Pulumi program folder with a build context at ./app."""

from pathlib import Path

import pytest

from tests.support.container_workload_args import write_program_folder


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Pulumi program folder with a build context at ./app (Dockerfile + sources), as cwd."""
    write_program_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path
