"""A ContainerWorkload on sim with real Docker and the real engine: an instance is a task (siblings on
localhost), depends_on order, health checks, service connect across workloads, essential exits."""

import time
from datetime import datetime
from typing import Any

import pytest
import requests
from pulumi import automation as auto

pytestmark = pytest.mark.sim
HEADER = "import pulumi\nfrom components import ContainerWorkload, Workload\n"
HEALTH = {
    "health_check_command": ["CMD-SHELL", "wget -q -O - http://localhost:8081/ >/dev/null"],
    "interval_seconds": 5,
    "timeout_seconds": 2,
    "retries": 2,
}


def task_containers(docker_client: Any, project: Any, workload: str) -> dict[str, Any]:
    """Container name in the workload (or 'infra') -> the Docker container, for every instance."""
    selector = {
        "label": [
            f"containers.stack={project.stack_label}",
            f"containers.resource={workload}",
            "containers.role=task",
        ]
    }
    found = docker_client.containers.list(all=True, filters=selector)
    return {f"{c.labels['containers.instance']}/{c.labels['containers.container']}": c for c in found}


def started_at(container: Any) -> datetime:
    # Docker reports nanoseconds, which datetime does not parse: microseconds are enough here.
    stamp = container.attrs["State"]["StartedAt"].rstrip("Z")
    whole, _, fraction = stamp.partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction + '000000')[:6]}")


def write(project: Any, body: str) -> None:
    project.write("__main__.py", HEADER + body)


def test_siblings_share_localhost_and_start_in_dependency_order(sim_project, docker_client) -> None:
    project = sim_project()
    write(
        project,
        f"""
shop = ContainerWorkload("shop", {{
    "containers": [
        {{"name": "frontend", "image": "containers-test/app",
          "environment": {{"PORT": "8080", "TARGET_URL": "http://localhost:8081/"}},
          "depends_on": [{{"container_name": "backend", "condition": "HEALTHY"}}],
          "events": [{{"type": "service-connect", "container_port": 8080}}]}},
        {{"name": "backend", "image": "containers-test/app", "environment": {{"PORT": "8081"}},
          "internal_health_check": {HEALTH!r},
          "events": [{{"type": "workload-internal", "container_port": 8081}}]}},
    ],
    "resources": {{"cpu": 0.25, "memory": 512}},
    "scaling": {{"min_instances": 2, "max_instances": 2}},
}})
# A Workload of the same stack calls the ContainerWorkload through its service-connect alias.
caller = Workload("caller", {{"image": "containers-test/app", "port": 8080, "public": True,
                             "env": {{"TARGET_URL": "http://shop-frontend:8080/cgi-bin/fetch"}}}})
pulumi.export("internal_urls", shop.internal_urls)
pulumi.export("url", caller.public_url)
""",
    )
    project.up()
    assert project.outputs()["internal_urls"] == {"shop-frontend": "http://shop-frontend:8080"}
    # caller -> shop-frontend:8080 (alias) -> frontend's /cgi-bin/fetch -> localhost:8081 (backend) -> "ok"
    answer = requests.get(project.outputs()["url"] + "/cgi-bin/fetch", timeout=10)
    assert answer.status_code == 200 and answer.text.strip() == "ok"
    containers = task_containers(docker_client, project, "shop")
    assert sorted(containers) == ["1/backend", "1/frontend", "1/infra", "2/backend", "2/frontend", "2/infra"]
    for instance in ("1", "2"):
        backend, frontend = containers[f"{instance}/backend"], containers[f"{instance}/frontend"]
        infra = containers[f"{instance}/infra"]
        assert frontend.attrs["HostConfig"]["NetworkMode"] == f"container:{infra.id}"
        assert backend.attrs["State"]["Health"]["Status"] == "healthy"
        assert backend.attrs["Config"]["Healthcheck"]["Interval"] == 5_000_000_000
        # Docker runs the first check one interval after the start: HEALTHY cannot come sooner.
        waited = started_at(frontend) - started_at(backend)
        assert waited.total_seconds() >= 5, "frontend waited for a healthy backend"
        result = frontend.exec_run(["wget", "-q", "-O", "-", "http://localhost:8080/cgi-bin/fetch"])
        assert result.output.decode().strip() == "ok", "a sibling answers on localhost"
    project.up()  # no-op: nothing replaced
    assert task_containers(docker_client, project, "shop").keys() == containers.keys()
    assert all(c.id == containers[k].id for k, c in task_containers(docker_client, project, "shop").items())


def test_a_failed_success_dependency_fails_the_update_and_leaves_nothing(sim_project, docker_client) -> None:
    project = sim_project(config={"containers:readinessTimeoutSeconds": "10"})
    write(
        project,
        """
ContainerWorkload("jobs", {
    "containers": [
        {"name": "migrate", "image": "containers-test/app", "essential": False,
         "command": ["sh", "-c", "echo migrating; exit 3"]},
        {"name": "main", "image": "containers-test/app",
         "depends_on": [{"container_name": "migrate", "condition": "SUCCESS"}]},
    ],
    "resources": {"cpu": 0.25, "memory": 512},
})
""",
    )
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    message = str(caught.value)
    assert "'migrate', which 'main' depends on (SUCCESS), exited with code 3" in message
    assert "migrating" in message, "the dependency's last log lines are in the error"
    assert task_containers(docker_client, project, "jobs") == {}


def test_an_essential_container_that_exits_comes_back_and_the_instance_is_replaced(
    sim_project, docker_client
) -> None:
    """ECS replaces the task when an essential container exits: Docker starts it again at once, the
    next refresh records the restart, and the next `up` replaces the whole instance."""
    project = sim_project()
    write(
        project,
        """
ContainerWorkload("worker", {
    "containers": [
        {"name": "main", "image": "containers-test/app"},
        {"name": "side", "image": "containers-test/app", "essential": False, "environment": {"PORT": "9090"}},
    ],
    "resources": {"cpu": 0.25, "memory": 512},
})
""",
    )
    project.up()
    before = task_containers(docker_client, project, "worker")
    # The server dies on its own (not `docker stop`): the container exits, as a crash would.
    before["1/main"].exec_run(["sh", "-c", "kill $(pidof httpd)"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        before["1/main"].reload()
        if before["1/main"].attrs["RestartCount"] == 1 and before["1/main"].status == "running":
            break
        time.sleep(0.2)
    assert (before["1/main"].attrs["RestartCount"], before["1/main"].status) == (1, "running")
    # A non-essential container is never restarted: it exits for good.
    before["1/side"].exec_run(["sh", "-c", "kill $(pidof httpd)"])
    time.sleep(2)
    before["1/side"].reload()
    assert before["1/side"].status == "exited" and before["1/side"].attrs["RestartCount"] == 0

    project.stack.refresh()
    task = next(
        r for r in project.stack.export_stack().deployment["resources"] if r["urn"].endswith("worker-task-1")
    )
    assert task["outputs"]["restarts"] == {"main": 1}, "refresh records the restart"
    assert project.stack.preview().change_summary.get("replace") == 1
    project.up()
    after = task_containers(docker_client, project, "worker")
    assert {after[key].id for key in after}.isdisjoint({before[key].id for key in before}), (
        "every container new"
    )
    assert all(after[key].status == "running" for key in ("1/main", "1/side", "1/infra"))


def test_an_essential_container_stopped_by_hand_is_noticed_and_the_instance_replaced(
    sim_project, docker_client
) -> None:
    project = sim_project()
    write(
        project,
        """
ContainerWorkload("worker", {
    "containers": [
        {"name": "main", "image": "containers-test/app"},
        {"name": "setup", "image": "containers-test/app", "essential": False, "command": ["true"]},
    ],
    "resources": {"cpu": 0.25, "memory": 512},
})
""",
    )
    project.up()  # the non-essential container exited: the instance still counts as running
    before = task_containers(docker_client, project, "worker")
    assert before["1/setup"].status == "exited"
    before["1/main"].kill()
    project.stack.refresh()
    assert project.stack.preview().change_summary.get("replace") == 1, "refresh noticed the exit"
    project.up()
    after = task_containers(docker_client, project, "worker")
    assert after["1/main"].status == "running" and after["1/main"].id != before["1/main"].id
