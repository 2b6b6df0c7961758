"""How fast the sim platform is, against its natural peers, measured in one run.

    python benchmarks/sim_up.py [ROUNDS]        # `make bench`; default 5 rounds

For the microservices example (images present locally), the median over ROUNDS of:
  - cold `pulumi up` (nothing deployed), a no-op `pulumi up`, and `pulumi destroy`;
  - `docker compose up -d --wait --build` and `docker compose down --rmi local` of the same app;
  - `pulumi up` of an empty program: the engine's own floor;
  - no-op `pulumi up` of a program with one trivial dynamic resource: the floor of any program whose
    resources are Python dynamic providers (the engine starts the provider process on every `up`).
Prints each figure and the ratios the project targets (issue 12: cold up <= 1.5x compose up, no-op
up <= 1.2x the dynamic floor, destroy <= 2x compose down).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "microservices"

ONE_DYNAMIC_RESOURCE = """\
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class Nothing(ResourceProvider):
    def create(self, props):
        return CreateResult("nothing", {})


class NothingResource(Resource):
    def __init__(self, name):
        super().__init__(Nothing(), name, {})


NothingResource("nothing")
"""

COMPOSE_FILE = """\
services:
  echo:
    image: hashicorp/http-echo
    command: ["-text=hello, wingnuts!"]
    init: true
  backend:
    build: ./backend
    init: true
    ports: ["127.0.0.1::3000"]
    environment:
      ECHO_URL: http://echo:5678
"""


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def compose(*args: str) -> list[str]:
    """Docker Compose v2: the plugin, or the standalone binary `make bench` builds (COMPOSE)."""
    binary = os.environ.get("COMPOSE")
    return [binary, *args] if binary else ["docker", "compose", *args]


def pulumi(*args: str) -> list[str]:
    return ["pulumi", *args, "--yes", "--skip-preview", "--stack", "bench"]


def new_project(path: Path, program: str | None = None) -> None:
    if program is None:
        shutil.copytree(EXAMPLE, path)
    else:
        path.mkdir()
        (path / "__main__.py").write_text(program)
    (path / "Pulumi.yaml").write_text(f"name: {path.name}\nruntime: python\n")
    # `select --create`: a stack left by an interrupted run is reused, not an error.
    subprocess.run(
        ["pulumi", "stack", "select", "--create", "bench"], cwd=path, check=True, capture_output=True
    )


def remove_stack(path: Path) -> None:
    subprocess.run(["pulumi", "stack", "rm", "bench", "--yes", "--force"], cwd=path, capture_output=True)


def main(rounds: int) -> None:
    figures: dict[str, list[float]] = {
        key: []
        for key in (
            "pulumi cold up",
            "pulumi no-op up",
            "pulumi destroy",
            "compose up",
            "compose down",
            "empty program up",
            "dynamic floor no-op",
        )
    }
    with tempfile.TemporaryDirectory() as scratch:
        app, empty = Path(scratch, "benchapp"), Path(scratch, "benchempty")
        compose_dir = Path(scratch, "benchcompose")
        new_project(app)
        new_project(empty, program="import pulumi\n")
        floor = Path(scratch, "benchfloor")
        new_project(floor, program=ONE_DYNAMIC_RESOURCE)
        shutil.copytree(EXAMPLE / "backend", compose_dir / "backend")
        (compose_dir / "compose.yaml").write_text(COMPOSE_FILE)
        try:
            subprocess.run(pulumi("up"), cwd=floor, check=True, capture_output=True)
            for _ in range(rounds):
                figures["pulumi cold up"].append(timed(pulumi("up"), app))
                figures["pulumi no-op up"].append(timed(pulumi("up"), app))
                figures["pulumi destroy"].append(timed(pulumi("destroy"), app))
                figures["compose up"].append(timed(compose("up", "-d", "--wait", "--build"), compose_dir))
                figures["compose down"].append(timed(compose("down", "--rmi", "local"), compose_dir))
                figures["empty program up"].append(timed(pulumi("up"), empty))
                figures["dynamic floor no-op"].append(timed(pulumi("up"), floor))
        finally:
            subprocess.run(pulumi("destroy"), cwd=app, capture_output=True)
            subprocess.run(compose("down", "--rmi", "local"), cwd=compose_dir, capture_output=True)
            subprocess.run(pulumi("destroy"), cwd=floor, capture_output=True)
            for project in (app, empty, floor):
                remove_stack(project)

    report(
        f"median of {rounds} rounds (seconds), microservices example, images present",
        figures,
        (
            ("cold up / compose up", "pulumi cold up", "compose up", "target <= 1.5x"),
            ("no-op up / dynamic floor", "pulumi no-op up", "dynamic floor no-op", "target <= 1.2x"),
            ("no-op up / empty program", "pulumi no-op up", "empty program up", ""),
            ("destroy / compose down", "pulumi destroy", "compose down", "target <= 2x"),
        ),
    )


Ratio = tuple[str, str, str, str]
"""(label, our figure, the peer's figure, the target to print)."""


def report(title: str, figures: dict[str, list[float]], ratios: tuple[Ratio, ...]) -> None:
    """Print the median of each figure with its rounds, then each (label, ours, peer, target) ratio
    of medians."""
    median = {key: statistics.median(values) for key, values in figures.items()}
    width = max(map(len, median))
    print(title)
    for key, value in median.items():
        spread = ", ".join(f"{v:.2f}" for v in figures[key])
        print(f"  {key:{width}} {value:6.2f}   [{spread}]")
    for label, ours, peer, target in ratios:
        print(f"{label:26} {median[ours] / median[peer]:.2f}x   {target}")


if __name__ == "__main__":
    if shutil.which("pulumi") is None:
        sys.exit("pulumi is not on PATH: run `make bench` (it sets up the toolchain)")
    os.environ.setdefault("PULUMI_CONFIG_PASSPHRASE", "")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
