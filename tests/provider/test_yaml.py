"""examples/yaml, a Pulumi YAML program, deploys Wing's microservices example on sim through the
component provider, with a Cluster passed to both Workloads by reference."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.support import ROOT
from tests.support.docker_state import labelled


@pytest.fixture(scope="module")
def yaml_env() -> dict[str, str]:
    """The environment with the YAML language host on PATH (built once, cached by version)."""
    built = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-pulumi-yaml.sh")], capture_output=True, text=True, check=True
    )
    return {**os.environ, "PATH": built.stdout.strip().splitlines()[-1] + os.pathsep + os.environ["PATH"]}


def pulumi(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pulumi", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.sim
def test_the_yaml_example_deploys_on_sim_and_answers(docker_client, tmp_path: Path, yaml_env) -> None:
    project = tmp_path / "yaml"
    shutil.copytree(ROOT / "examples" / "yaml", project)
    shutil.copytree(ROOT / "examples" / "microservices" / "backend", tmp_path / "microservices" / "backend")
    settings = (project / "Pulumi.yaml").read_text().replace("../../provider", str(ROOT / "provider"))
    (project / "Pulumi.yaml").write_text(settings)
    stack = "test"
    assert pulumi(["stack", "init", stack], project, yaml_env).returncode == 0
    try:
        up = pulumi(["up", "--yes", "--skip-preview", "-s", stack], project, yaml_env)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        outputs = pulumi(["stack", "output", "--json", "-s", stack], project, yaml_env)
        values = json.loads(outputs.stdout)
        assert values["cluster_name"] == "containers-yaml-test-shared", "the Cluster named in YAML is used"
        assert values["echo_internal_url"] == "http://echo:5678"
        assert requests.get(values["url"], timeout=10).text == "hello, wingnuts!\n"
        network = docker_client.networks.get("containers-yaml-test-shared")
        attached = {c["Name"].rsplit("-", 1)[0] for c in network.attrs["Containers"].values()}
        assert {"containers-yaml-test-echo-1", "containers-yaml-test-backend-1"} <= attached
    finally:
        down = pulumi(["destroy", "--yes", "-s", stack], project, yaml_env)
        pulumi(["stack", "rm", "--yes", stack], project, yaml_env)
    assert down.returncode == 0, down.stdout[-2000:] + down.stderr[-2000:]
    assert labelled(docker_client, f"containers-yaml/{stack}") == {
        "containers": [],
        "networks": [],
        "images": [],
    }
