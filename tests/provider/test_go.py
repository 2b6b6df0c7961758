"""examples/go, a Go program, deploys Wing's microservices example on sim through the component
provider: `pulumi package add` generates its Go SDK (the same files as the committed sdks/), then a
real `pulumi up` builds and runs the program, the public URL answers, and `pulumi destroy` leaves
nothing behind."""

import filecmp
import shutil
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.provider_programs import deploy_microservices_and_check, pulumi, with_language_host

EXAMPLE = ROOT / "examples" / "go"


@pytest.fixture(scope="module")
def go_env() -> dict[str, str]:
    """The environment with the Go language host on PATH (built once, cached by version and source)."""
    if shutil.which("go") is None:
        pytest.fail("`go` is not on PATH: Go programs are built by the Go toolchain")
    return with_language_host("install-pulumi-go.sh")


def differences(left: Path, right: Path) -> list[str]:
    """Files that are only on one side or differ, relative to the two folders."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        odd = cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files
        found.extend(prefix + name for name in odd)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return found


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory, go_env) -> Path:
    """A copy of examples/go without its SDK, after a user's first step: `pulumi package add`
    (generates sdks/containers, adds the go.mod replace, runs `go mod tidy`)."""
    root = tmp_path_factory.mktemp("go-example")
    project = root / "go"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("sdks"))
    shutil.copytree(ROOT / "examples" / "microservices" / "backend", root / "microservices" / "backend")
    settings = project / "Pulumi.yaml"
    entry = "packages:\n  containers: ../../provider\n"
    assert entry in settings.read_text()
    settings.write_text(settings.read_text().replace(entry, ""))
    done = pulumi(["package", "add", str(ROOT / "provider")], project, go_env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "import example.com/pulumi-containers/sdk/go/containers" in done.stdout
    return project


@pytest.mark.sim
def test_the_committed_go_sdk_is_what_package_add_generates(added: Path) -> None:
    regenerate = (
        "examples/go is stale (a component's args or docstrings changed): regenerate and commit it with "
        "`bash scripts/setup.sh pulumi go && source .tools/env.sh && cd examples/go && "
        "pulumi package add ../../provider`"
    )
    assert not differences(EXAMPLE / "sdks", added / "sdks"), regenerate
    for name in ("go.mod", "go.sum"):
        assert (added / name).read_text() == (EXAMPLE / name).read_text(), f"{name}: {regenerate}"


@pytest.mark.sim
def test_the_go_example_deploys_on_sim_and_answers(docker_client, added: Path, go_env) -> None:
    # The first update compiles the program and the Go SDK (cold: minutes on a busy machine).
    deploy_microservices_and_check(docker_client, added, go_env, "Go", up_timeout=900)
