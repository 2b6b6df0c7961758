"""How sim's cold `up` grows with the number of workloads, against Docker Compose, in one run.

    python benchmarks/sim_many.py [ROUNDS] [WORKLOADS]        # default 3 rounds, 20 workloads

The app: WORKLOADS public `hashicorp/http-echo` workloads (each its replica and its HAProxy entry);
compose runs the same WORKLOADS echo containers, each publishing its port on 127.0.0.1. The median
over ROUNDS of:
  - cold `pulumi up` of one such workload, and of WORKLOADS of them (then `pulumi destroy`);
  - `docker compose up -d --wait` of the WORKLOADS services (then `docker compose down`).
Prints each figure and the ratios the project targets (WORKLOADS <= 3x one, <= 2x compose).
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from sim_up import compose, new_project, pulumi, remove_stack, report, timed

PROGRAM = """\
import pulumi
from components import Workload

for index in range({count}):
    echo = Workload(f"echo{{index}}", {{"image": "hashicorp/http-echo", "port": 5678, "public": True,
                                        "args": [f"-text=echo {{index}}"]}})
    pulumi.export(f"url{{index}}", echo.public_url)
"""

SERVICE = """\
  echo{index}:
    image: hashicorp/http-echo
    command: ["-text=echo {index}"]
    init: true
    ports: ["127.0.0.1::5678"]
"""


def main(rounds: int, count: int) -> None:
    figures: dict[str, list[float]] = {
        "pulumi cold up, 1": [],
        f"pulumi cold up, {count}": [],
        "compose up": [],
    }
    with tempfile.TemporaryDirectory() as scratch:
        one, many = Path(scratch, "benchone"), Path(scratch, "benchmany")
        new_project(one, program=PROGRAM.format(count=1))
        new_project(many, program=PROGRAM.format(count=count))
        compose_dir = Path(scratch, "benchmanycompose")
        compose_dir.mkdir()
        services = "".join(SERVICE.format(index=index) for index in range(count))
        (compose_dir / "compose.yaml").write_text("services:\n" + services)
        try:
            for _ in range(rounds):
                figures["pulumi cold up, 1"].append(timed(pulumi("up"), one))
                timed(pulumi("destroy"), one)
                figures[f"pulumi cold up, {count}"].append(timed(pulumi("up"), many))
                timed(pulumi("destroy"), many)
                figures["compose up"].append(timed(compose("up", "-d", "--wait"), compose_dir))
                timed(compose("down"), compose_dir)
        finally:
            for project in (one, many):
                timed(pulumi("destroy"), project)
                remove_stack(project)
            timed(compose("down"), compose_dir)

    report(
        f"median of {rounds} rounds (seconds), {count} public echo workloads, images present",
        figures,
        (
            (f"{count} workloads / one", f"pulumi cold up, {count}", "pulumi cold up, 1", "target <= 3x"),
            (f"{count} workloads / compose", f"pulumi cold up, {count}", "compose up", "target <= 2x"),
        ),
    )


if __name__ == "__main__":
    if shutil.which("pulumi") is None:
        sys.exit("pulumi is not on PATH: run `make bench` (it sets up the toolchain)")
    os.environ.setdefault("PULUMI_CONFIG_PASSPHRASE", "")
    arguments = [int(value) for value in sys.argv[1:]]
    main(*(arguments + [3, 20][len(arguments) :]))
