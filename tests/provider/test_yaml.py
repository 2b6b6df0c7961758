"""examples/yaml, a Pulumi YAML program, deploys Wing's microservices example on sim through the
component provider, with a Cluster passed to both Workloads by reference."""

import shutil
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.provider_programs import deploy_microservices_and_check, with_language_host


@pytest.fixture(scope="module")
def yaml_env() -> dict[str, str]:
    """The environment with the YAML language host on PATH (built once, cached by version)."""
    return with_language_host("install-pulumi-yaml.sh")


@pytest.mark.sim
def test_the_yaml_example_deploys_on_sim_and_answers(docker_client, tmp_path: Path, yaml_env) -> None:
    project = tmp_path / "yaml"
    shutil.copytree(ROOT / "examples" / "yaml", project)
    shutil.copytree(ROOT / "examples" / "microservices" / "backend", tmp_path / "microservices" / "backend")
    settings = (project / "Pulumi.yaml").read_text().replace("../../provider", str(ROOT / "provider"))
    (project / "Pulumi.yaml").write_text(settings)
    deploy_microservices_and_check(docker_client, project, yaml_env, "YAML")
