"""What the tests of programs in other languages share: the language host on PATH, the `pulumi` CLI,
and the microservices example deployed on sim, checked and destroyed."""

import json
import os
import subprocess
from pathlib import Path

import docker
import requests

from tests.support import ROOT
from tests.support.docker_state import labelled


def with_language_host(install_script: str) -> dict[str, str]:
    """The environment with the language host that `scripts/<install_script>` builds (cached) on PATH."""
    built = subprocess.run(
        ["bash", str(ROOT / "scripts" / install_script)], capture_output=True, text=True, check=True
    )
    return {**os.environ, "PATH": built.stdout.strip().splitlines()[-1] + os.pathsep + os.environ["PATH"]}


def pulumi(
    args: list[str], cwd: Path, env: dict[str, str], timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["pulumi", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def deploy_microservices_and_check(
    docker_client: docker.DockerClient,
    project: Path,
    env: dict[str, str],
    language: str,
    up_timeout: int = 300,
) -> None:
    """`pulumi up` of the program in `project` (Pulumi project `containers-<language>`), the outputs,
    the body and the Docker network checked, then `pulumi destroy` leaving nothing labelled."""
    name, stack = f"containers-{language.lower()}", "test"
    network_name = f"{name}-{stack}-shared"
    assert pulumi(["stack", "init", stack], project, env).returncode == 0
    try:
        up = pulumi(["up", "--yes", "--skip-preview", "-s", stack], project, env, timeout=up_timeout)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        outputs = pulumi(["stack", "output", "--json", "-s", stack], project, env)
        values = json.loads(outputs.stdout)
        assert values["cluster_name"] == f"{name}-{stack}-shared", (
            f"the Cluster declared in {language} is used"
        )
        assert values["echo_internal_url"] == "http://echo:5678"
        assert requests.get(values["url"], timeout=10).text == "hello, wingnuts!\n"
        network = docker_client.networks.get(network_name)
        attached = {c["Name"].rsplit("-", 1)[0] for c in network.attrs["Containers"].values()}
        assert {f"{name}-{stack}-echo-1", f"{name}-{stack}-backend-1"} <= attached
    finally:
        down = pulumi(["destroy", "--yes", "-s", stack], project, env)
        pulumi(["stack", "rm", "--yes", stack], project, env)
    assert down.returncode == 0, down.stdout[-2000:] + down.stderr[-2000:]
    assert labelled(docker_client, f"{name}/{stack}") == {
        "containers": [],
        "networks": [],
        "images": [],
        "volumes": [],
    }
