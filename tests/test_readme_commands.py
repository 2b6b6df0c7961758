"""The README's contract: its first lines are the two set-up commands, and the first one works on a
fresh copy of the project exactly as written (deploys the example on sim and prints its URL)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.support.docker_state import built_image_pattern

ROOT = Path(__file__).resolve().parent.parent
STACK_LABEL = "containers/sim"  # the root project's name and its default stack


def readme_commands() -> list[str]:
    """The commands of the README's first code block, without their comments."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block, "the README has no ```sh block"
    assert readme.index("```sh") < readme.index("\n## "), "the commands come before the first section"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_the_deploy_and_the_test_command() -> None:
    assert readme_commands() == ["make up", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(), "CI runs the README's test command"


def working_tree_copy(target: Path) -> Path:
    """The files a fresh clone would have, plus uncommitted ones; none of the local tool state."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    for relative in filter(None, listed):
        source = ROOT / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    return target


def labelled(stack_label: str) -> str:
    """Every container and network carrying the stack's label, and every image it built, as `docker`
    lists them."""
    found = []
    for kind, selector in (
        ("container ls -a", f"label=containers.stack={stack_label}"),
        ("network ls", f"label=containers.stack={stack_label}"),
        ("image ls", f"reference={built_image_pattern(stack_label)}"),
    ):
        listed = subprocess.run(
            ["docker", *kind.split(), "-q", "--filter", selector], capture_output=True, check=True, text=True
        ).stdout.split()
        found += [f"{kind.split()[0]} {ident}" for ident in listed]
    return ", ".join(found)


@pytest.mark.sim
def test_the_first_readme_command_deploys_the_example_on_a_fresh_copy(tmp_path: Path) -> None:
    assert not labelled(STACK_LABEL), f"{STACK_LABEL} is already deployed on this engine: `make down` first"
    clone = working_tree_copy(tmp_path / "containers")
    # A user's shell: none of this checkout's Pulumi settings or virtualenv.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT)))
    deploy = readme_commands()[0]
    up = subprocess.run(["bash", "-c", deploy], cwd=clone, env=env, capture_output=True, text=True)
    try:
        assert up.returncode == 0, f"`{deploy}` failed:\n{up.stdout[-3000:]}\n{up.stderr[-3000:]}"
        assert "Traceback" not in up.stdout + up.stderr
        urls = re.findall(r"^url: (http://127\.0\.0\.1:\d+)$", up.stdout, re.MULTILINE)
        assert len(urls) == 1, f"`{deploy}` printed no single url:\n{up.stdout[-2000:]}"
        assert requests.get(urls[0], timeout=10).text == "hello, wingnuts!\n"
    finally:
        down = subprocess.run(["make", "down"], cwd=clone, env=env, capture_output=True, text=True)
    assert down.returncode == 0, f"`make down` failed:\n{down.stdout[-3000:]}\n{down.stderr[-3000:]}"
    assert not labelled(STACK_LABEL), "`make down` left these behind"
