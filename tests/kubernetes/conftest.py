"""The local Kubernetes control plane (scripts/local-kubernetes.sh), started once for the session."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT


@pytest.fixture(scope="session")
def local_kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    for tool in ("pulumi-resource-kubernetes", "kubectl", "kube-apiserver"):
        if shutil.which(tool) is None:
            pytest.fail(
                f"{tool} is not on PATH: run `bash scripts/setup.sh kubernetes; source .tools/env.sh`"
            )
    folder = tmp_path_factory.mktemp("local-kubernetes")
    started = subprocess.run(
        ["bash", str(ROOT / "scripts/local-kubernetes.sh"), "start", str(folder)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert started.returncode == 0, f"the local control plane did not start:\n{started.stderr}"
    try:
        yield Path(started.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["bash", str(ROOT / "scripts/local-kubernetes.sh"), "stop", str(folder)], check=False)
