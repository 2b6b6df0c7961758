"""Every ContainerWorkload spec test runs in a Pulumi program folder with a build context at ./app."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Pulumi program folder with a build context at ./app (Dockerfile + sources), as cwd."""
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "Dockerfile").write_text("FROM node:22\nCOPY . .\n")
    (app / "src" / "index.ts").write_text("console.log('hi')\n")
    (app / "README.md").write_text("docs\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path
