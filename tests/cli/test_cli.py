"""The `containers` command as a user runs it: a subprocess on sim, its output and its exit code."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.support.interrupted_create import forget_created

URL_LINE = re.compile(r"^url: (http://127\.0\.0\.1:\d+)$", re.MULTILINE)
APP = "containers-test/app"  # scripts/offline_images.py: busybox httpd with /healthz


def containers(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m components ...`, as the `containers` console script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "components", *args],
        cwd=cwd,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def replicas(docker_client, project) -> list:
    selector = {"label": [f"containers.stack={project.stack_label}", "containers.role=replica"]}
    return docker_client.containers.list(all=True, filters=selector)


def test_bad_usage_exits_2_without_a_traceback(tmp_path: Path) -> None:
    for args in (["launch"], ["up", "--dir", str(tmp_path)], ["up", "--stack"]):
        result = containers(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
    assert "no Pulumi.yaml in" in containers("up", cwd=tmp_path).stderr


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "containers"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert all(
        command in result.stdout for command in ("up", "preview", "refresh", "destroy", "outputs", "logs")
    )


@pytest.mark.sim
def test_up_shows_each_resource_then_the_url_and_brings_back_a_removed_container(
    sim_project, docker_client
) -> None:
    project = sim_project(f"""
        web = Workload("web", {{"image": "{APP}", "port": 8080, "public": True, "readiness": "/healthz"}})
        pulumi.export("url", web.public_url)
    """)
    up = containers("up", "--stack", "test", "--dir", str(project.path))
    assert up.returncode == 0, up.stdout + up.stderr
    for resource in ("web", "web-image", "web-replica-1", "web-ingress"):
        assert re.search(rf"^{resource}\s.*\bcreated\b\s.*\d+\.\ds$", up.stdout, re.MULTILINE), up.stdout
    [url] = URL_LINE.findall(up.stdout)
    assert url == project.outputs()["url"]
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200

    # Removed by hand: `up --no-refresh` trusts the state and sees nothing to do...
    [replica] = replicas(docker_client, project)
    replica.remove(force=True)
    stale = containers("up", "--no-refresh", "--stack", "test", "--dir", str(project.path))
    assert stale.returncode == 0, stale.stdout + stale.stderr
    assert re.search(r"up: \d+ unchanged$", stale.stdout, re.MULTILINE), stale.stdout
    assert replicas(docker_client, project) == []
    # ...while a plain `up` refreshes first and brings the container back, behind the same URL.
    repaired = containers("up", "--stack", "test", "--dir", str(project.path))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "up: 1 created" in repaired.stdout
    assert len(replicas(docker_client, project)) == 1
    assert URL_LINE.findall(repaired.stdout) == [url]
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200

    outputs = containers("outputs", "--json", "--stack", "test", "--dir", str(project.path))
    assert outputs.returncode == 0 and json.loads(outputs.stdout[outputs.stdout.index("{") :]) == {"url": url}
    logs = containers("logs", "--stack", "test", "--dir", str(project.path))
    assert logs.returncode == 0
    assert re.search(r"^web/1 \| listening on 8080$", logs.stdout, re.MULTILINE), logs.stdout

    destroy = containers("destroy", "--stack", "test", "--dir", str(project.path))
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert re.search(r"^destroy: \d+ deleted$", destroy.stdout, re.MULTILINE), destroy.stdout
    assert replicas(docker_client, project) == []


@pytest.mark.sim
def test_a_failed_update_exits_1_with_the_engine_error_once(sim_project) -> None:
    project = sim_project(
        f"""
        Workload("web", {{"image": "{APP}", "port": 8080, "readiness": "/healthz",
                         "env": {{"NEVER_READY": "1"}}}})
    """,
        config={"containers:readinessTimeoutSeconds": "2"},
    )
    up = containers("up", "--stack", "test", "--dir", str(project.path))
    assert up.returncode == 1, up.stdout + up.stderr
    output = up.stdout + up.stderr
    assert "Traceback" not in output
    assert output.count("was not ready after 2s") == 1, output
    assert re.search(r"^web-replica-1\s.*\bfailed\b", up.stdout, re.MULTILINE), up.stdout
    assert "up failed" in up.stdout


@pytest.mark.sim
def test_preview_of_bad_input_exits_1_naming_the_field(sim_project) -> None:
    project = sim_project("""
        Workload("web", {"image": "nginx", "public": True})
    """)
    preview = containers("preview", "--stack", "test", "--dir", str(project.path))
    assert preview.returncode == 1
    assert preview.stdout.count('Workload "web": field "public" got True') == 1, preview.stdout
    assert "Traceback" not in preview.stdout + preview.stderr


@pytest.mark.sim
def test_a_create_whose_answer_the_engine_never_got_leaves_no_container(sim_project, docker_client) -> None:
    """An engine killed between a create's end and its answer leaves a pending `creating` operation
    and a ready container no resource records (made here by editing the state as that engine left
    it: the replica's record back to a pending create). `containers up` removes that container only:
    a task whose replacement's create was interrupted keeps its recorded containers."""
    project = sim_project(f"""
        from components import ContainerWorkload
        web = Workload("web", {{"image": "{APP}", "port": 8080, "public": True, "replicas": 2}})
        ContainerWorkload("shop", {{
            "containers": [
                {{"name": "main", "image": "{APP}"}},
                {{"name": "side", "image": "{APP}", "command": ["sleep", "3600"]}},
            ],
            "resources": {{"cpu": 0.25, "memory": 512}},
        }})
        pulumi.export("url", web.public_url)
    """)
    first = containers("up", "--stack", "test", "--dir", str(project.path))
    assert first.returncode == 0, first.stdout + first.stderr
    replica = forget_created(project, "web-replica-2", pending_too=("shop-task-1",))["web-replica-2"]
    assert len(project.stack.export_stack().deployment["pending_operations"]) == 2
    unrecorded = docker_client.containers.get(replica["id"])
    task_containers = {c.id for c in docker_client.containers.list(filters={"label": "containers.role=task"})}
    assert len(task_containers) == 3, "infra, main and side"

    up = containers("up", "--stack", "test", "--dir", str(project.path))
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"removing {unrecorded.name}" in up.stdout
    assert up.stdout.count("removing ") == 1, up.stdout
    assert unrecorded.id not in {c.id for c in replicas(docker_client, project)}
    assert len(replicas(docker_client, project)) == 2
    assert {
        c.id for c in docker_client.containers.list(filters={"label": "containers.role=task"})
    } == task_containers
    assert not project.stack.export_stack().deployment.get("pending_operations")
    assert requests.get(project.outputs()["url"], timeout=5).status_code == 200


@pytest.mark.sim
def test_logs_follow_prints_lines_as_they_come_also_of_replacements(sim_project) -> None:
    """`containers logs --follow` (`make logs F=1`): the last lines of each replica, then, while an
    `up` replaces them, the first lines of the new ones; Ctrl-C ends it with exit code 0."""
    program = f"""
        Workload("web", {{"image": "{APP}", "port": 8080, "replicas": 2, "env": {{"V": "%s"}}}})
    """
    project = sim_project(program % "1")
    assert containers("up", "--stack", "test", "--dir", str(project.path)).returncode == 0
    follow = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "components",
            "logs",
            "--follow",
            "--tail",
            "5",
            "--stack",
            "test",
            "--dir",
            str(project.path),
            "--workload",
            "web",
        ],
        env=os.environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert follow.stdout is not None
    output = follow.stdout
    printed: list[str] = []
    reader = threading.Thread(target=lambda: printed.extend(iter(output.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while sum("listening" in line for line in printed) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        project.set_program(program % "2")
        assert containers("up", "--stack", "test", "--dir", str(project.path)).returncode == 0
        time.sleep(2)  # more than a follow's look for new containers (1 s)
    finally:
        follow.send_signal(signal.SIGINT)
        follow.wait(timeout=30)
    reader.join(timeout=10)
    assert follow.stderr is not None
    stderr = follow.stderr.read()
    stdout = "".join(printed)
    assert follow.returncode == 0, stderr
    assert "Traceback" not in stderr
    started = re.findall(r"^web/([12]) \| listening on 8080$", stdout, re.MULTILINE)
    # Two replicas before the update and their two replacements, each starting once.
    assert sorted(started) == ["1", "1", "2", "2"], stdout
