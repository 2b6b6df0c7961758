"""The data a replica or a task's container writes to its image's `VOLUME`s, on real Docker with the
real engine (issue 11, item 4): kept across replacements as compose keeps it, per replica (task
instance), and removed by `destroy`."""

import time
from typing import Any

import pytest

from tests.support.docker_state import labelled

pytestmark = pytest.mark.sim

DATABASE = """
db = Workload("db", {"image": "./db", "port": 8080, "replicas": 2, "env": {"VERSION": "%s"}})
"""


def replicas(docker_client, project) -> dict[str, Any]:
    selector = {"label": [f"containers.stack={project.stack_label}", "containers.role=replica"]}
    found = docker_client.containers.list(all=True, filters=selector)
    return {container.labels["containers.replica"]: container for container in found}


def read(container, path: str) -> str:
    result = container.exec_run(["cat", path])
    return result.output.decode() if result.exit_code == 0 else f"(missing: exit {result.exit_code})"


def test_volume_data_survives_a_replacement_per_replica_and_destroy_removes_it(
    sim_project, docker_client
) -> None:
    project = sim_project(DATABASE % "one")
    project.write("db/Dockerfile", "FROM containers-test/app\nVOLUME /data\n")
    anonymous_before = {v.name for v in docker_client.volumes.list()}
    project.up()
    before = replicas(docker_client, project)
    assert sorted(before) == ["1", "2"]
    for index, container in before.items():
        assert container.exec_run(["sh", "-c", f"echo written-by-{index} > /data/note"]).exit_code == 0

    project.set_program(DATABASE % "two")  # a changed env value replaces both replicas
    since = time.time() - 1
    project.up()
    after = replicas(docker_client, project)
    # Stop-first, as compose recreates: two processes never share one data folder.
    events = docker_client.events(
        since=since, until=time.time() + 1, filters={"type": "container"}, decode=True
    )
    order = [(event["Action"], event["id"]) for event in events if event["Action"] in ("start", "destroy")]
    for index, old in before.items():
        new = after[index]
        assert order.index(("destroy", old.id)) < order.index(("start", new.id)), f"replica {index}"
    assert {c.id for c in after.values()}.isdisjoint(c.id for c in before.values()), "both replaced"
    # Each replica finds what its predecessor in that place wrote, not the other one's.
    assert {index: read(c, "/data/note") for index, c in after.items()} == {
        "1": "written-by-1\n",
        "2": "written-by-2\n",
    }
    volumes = labelled(docker_client, project.stack_label)["volumes"]
    assert len(volumes) == 2, f"one volume per replica for /data, no more: {volumes}"
    # No anonymous volume was made for /data (it would be orphaned at every replacement).
    assert {v.name for v in docker_client.volumes.list()} - anonymous_before == set(volumes)

    project.stack.destroy()
    assert labelled(docker_client, project.stack_label)["volumes"] == []


TASKS = """
from components import ContainerWorkload
ContainerWorkload("store", {"containers": [
    {"name": "db", "build": {"context": "./db"}, "environment": {"VERSION": "%s"}},
    {"name": "sidecar", "image": "containers-test/app", "environment": {"PORT": "8081"}},
], "resources": {"cpu": 0.25, "memory": 512}})
"""


def test_a_task_containers_volume_data_survives_its_replacement(sim_project, docker_client) -> None:
    project = sim_project(TASKS % "one")
    project.write("db/Dockerfile", "FROM containers-test/app\nVOLUME /data\n")

    def db() -> Any:
        selector = [f"containers.stack={project.stack_label}", "containers.container=db"]
        [container] = docker_client.containers.list(all=True, filters={"label": selector})
        return container

    project.up()
    before = db()
    assert before.exec_run(["sh", "-c", "echo kept > /data/note"]).exit_code == 0
    project.set_program(TASKS % "two")
    project.up()
    after = db()
    assert after.id != before.id
    assert read(after, "/data/note") == "kept\n"
    assert len(labelled(docker_client, project.stack_label)["volumes"]) == 1  # the sidecar has none
    project.stack.destroy()
    assert labelled(docker_client, project.stack_label)["volumes"] == []
