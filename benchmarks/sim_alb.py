"""How fast sim runs a multi-container app behind an ALB, against Docker Compose running the same
containers plus the same HAProxy, measured in one run.

    python benchmarks/sim_alb.py [ROUNDS]        # default 5 rounds

The app: 3 ContainerWorkloads of 2 containers each (a main container behind the ALB on its own path,
and a sidecar on localhost), one of them built from a folder. Compose runs the same 6 containers (each
sidecar in its main container's network namespace, `network_mode: service:...`) and the same HAProxy
image with a static configuration routing the same paths. The median over ROUNDS of:
  - cold up (nothing deployed): `pulumi up` / `docker compose up -d --wait --build`;
  - no-op up: `pulumi up` again / the one-dynamic-resource floor of `sim_up.py`;
  - destroy: `pulumi destroy` / `docker compose down --rmi local`;
  - edit -> serve: after editing the built workload's one file, `up` until its URL gives the new answer /
    `docker compose up -d --wait --build` until the same.
Prints each figure and the ratios the project targets.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sim_up import ONE_DYNAMIC_RESOURCE, compose, new_project, pulumi, remove_stack, report, timed

SERVER = "require('http').createServer((q, s) => s.end('{answer}')).listen(8080)\n"
DOCKERFILE = 'FROM node:20.8.0-alpine\nCOPY server.js /server.js\nCMD ["node", "/server.js"]\n'
WORKLOADS = ("web", "api", "admin")
PROGRAM = """\
import pulumi
from components import ApplicationLoadBalancer, ContainerWorkload

edge = ApplicationLoadBalancer("edge")
for priority, name in enumerate(["web", "api", "admin"], start=1):
    main = {"name": "main", "image": "containers-test/app"} if name != "web" else {
        "name": "main", "build": {"context": "./web"}}
    main["events"] = [{"type": "application-load-balancer", "load_balancer": edge, "container_port": 8080,
                       "priority": priority, "paths": [f"/{name}", f"/{name}/*"]}]
    side = {"name": "side", "image": "containers-test/app", "environment": {"PORT": "9090"},
            "events": [{"type": "workload-internal", "container_port": 9090}]}
    ContainerWorkload(name, {"containers": [main, side], "resources": {"cpu": 0.25, "memory": 512}})
pulumi.export("url", edge.url)
"""
COMPOSE_FILE = """\
services:
  web:
    build: ./web
    init: true
  api:
    image: containers-test/app
    init: true
  admin:
    image: containers-test/app
    init: true
{sidecars}
  proxy:
    image: haproxy:3.2-alpine
    command: ["haproxy", "-f", "/cfg/haproxy.cfg"]
    volumes: ["./haproxy.cfg:/cfg/haproxy.cfg:ro"]
    ports: ["127.0.0.1::80"]
"""
SIDECAR = """\
  {name}-side:
    image: containers-test/app
    init: true
    network_mode: "service:{name}"
    environment: {{PORT: "9090"}}
"""
HAPROXY_CONFIG = """\
resolvers docker
    nameserver dns 127.0.0.11:53
defaults
    mode http
    timeout connect 2s
    timeout client 10m
    timeout server 10m
frontend listener
    bind :80
{acls}
backend no_route
    http-request return status 404 content-type text/plain string "no route"
{backends}
"""


def haproxy_config() -> str:
    acls = "".join(
        f"    acl {name} path /{name}\n    acl {name} path_beg /{name}/\n    use_backend {name} if {name}\n"
        for name in WORKLOADS
    )
    backends = "".join(
        f"backend {name}\n    default-server init-addr none resolvers docker check\n"
        f"    server {name} {name}:8080\n"
        for name in WORKLOADS
    )
    return HAPROXY_CONFIG.format(acls=acls + "    default_backend no_route", backends=backends)


def write_web(folder: Path, answer: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(DOCKERFILE)
    (folder / "server.js").write_text(SERVER.format(answer=answer))


def until_answer(url: str, answer: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/web", timeout=1).text == answer:
                return
        except requests.RequestException:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url}/web never answered {answer!r}")


def edit_to_serve(up: list[str], cwd: Path, web: Path, url: str, answer: str) -> float:
    started = time.perf_counter()
    write_web(web, answer)
    subprocess.run(up, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until_answer(url, answer)
    return time.perf_counter() - started


def stack_url(app: Path) -> str:
    return subprocess.run(
        ["pulumi", "stack", "output", "url", "--stack", "bench"],
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def compose_url(folder: Path) -> str:
    port = subprocess.run(
        compose("port", "proxy", "80"), cwd=folder, check=True, capture_output=True, text=True
    ).stdout.strip()
    return f"http://{port}"


def main(rounds: int) -> None:
    keys = ["sim cold up", "sim no-op up", "sim destroy", "sim edit->serve", "compose up", "compose down"]
    keys += ["compose edit->serve", "dynamic floor no-op"]
    figures: dict[str, list[float]] = {key: [] for key in keys}
    with tempfile.TemporaryDirectory() as scratch:
        app, floor, stack = (
            Path(scratch, "simalb"),
            Path(scratch, "simalbfloor"),
            Path(scratch, "simalbcompose"),
        )
        new_project(app, program=PROGRAM)
        write_web(app / "web", "v0")
        new_project(floor, program=ONE_DYNAMIC_RESOURCE)
        write_web(stack / "web", "v0")
        sidecars = "".join(SIDECAR.format(name=name) for name in WORKLOADS)
        (stack / "compose.yaml").write_text(COMPOSE_FILE.format(sidecars=sidecars))
        (stack / "haproxy.cfg").write_text(haproxy_config())
        compose_up = compose("up", "-d", "--wait", "--build")
        try:
            subprocess.run(pulumi("up"), cwd=floor, check=True, capture_output=True)
            for round_ in range(rounds):
                figures["sim cold up"].append(timed(pulumi("up"), app))
                figures["sim no-op up"].append(timed(pulumi("up"), app))
                url = stack_url(app)
                answer = f"sim {round_}"
                figures["sim edit->serve"].append(edit_to_serve(pulumi("up"), app, app / "web", url, answer))
                figures["sim destroy"].append(timed(pulumi("destroy"), app))
                figures["compose up"].append(timed(compose_up, stack))
                answer = f"compose {round_}"
                edit = edit_to_serve(compose_up, stack, stack / "web", compose_url(stack), answer)
                figures["compose edit->serve"].append(edit)
                figures["compose down"].append(timed(compose("down", "--rmi", "local"), stack))
                figures["dynamic floor no-op"].append(timed(pulumi("up"), floor))
        finally:
            subprocess.run(pulumi("destroy"), cwd=app, capture_output=True)
            subprocess.run(compose("down", "--rmi", "local"), cwd=stack, capture_output=True)
            subprocess.run(pulumi("destroy"), cwd=floor, capture_output=True)
            for project in (app, floor):
                remove_stack(project)

    report(
        f"median of {rounds} rounds (seconds): 3 workloads, 6 containers behind an ALB, images present",
        figures,
        (
            ("cold up / compose up", "sim cold up", "compose up", "target <= 1.5x"),
            ("no-op up / dynamic floor", "sim no-op up", "dynamic floor no-op", "target <= 1.2x"),
            ("destroy / compose down", "sim destroy", "compose down", "target <= 2x"),
            ("edit->serve / compose", "sim edit->serve", "compose edit->serve", "target <= 2x"),
        ),
    )


if __name__ == "__main__":
    if shutil.which("pulumi") is None:
        sys.exit("pulumi is not on PATH: run it under `source .tools/env.sh`")
    os.environ.setdefault("PULUMI_CONFIG_PASSPHRASE", "")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
