"""Reliability on sim, on real Docker with the real engine: a change or a fault never leaves the user
worse off (issue 11's findings, each with the test that failed before its fix)."""

import itertools
import subprocess
import time
import uuid

import pytest
import requests
from pulumi import automation as auto

from sim_provider.docker_ops import RESOURCE_LABEL, ROLE_LABEL, STACK_LABEL
from sim_provider.ingress import preferred_port
from tests.support import ROOT
from tests.support.traffic import continuous_traffic, in_network_traffic

pytestmark = pytest.mark.sim

WEB = """
web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                       "readiness": "/healthz", "env": {"VERSION": "%s"%s}})
pulumi.export("url", web.public_url)
"""


def replicas(docker_client, project) -> list:
    selector = {"label": [f"containers.stack={project.stack_label}", "containers.role=replica"]}
    return docker_client.containers.list(all=True, filters=selector)


def test_replacing_a_replica_drops_no_request(sim_project, docker_client) -> None:
    """Finding 1: the new replica's leftover cleanup removed the live one (155-240 failed requests)."""
    project = sim_project(WEB % ("one", ""))
    project.up()
    url = project.outputs()["url"]
    [before] = replicas(docker_client, project)
    project.set_program(WEB % ("two", ""))
    with continuous_traffic(url + "/healthz") as traffic:
        project.up()
    [after] = replicas(docker_client, project)
    assert after.id != before.id
    assert "VERSION=two" in requests.get(url + "/environment", timeout=5).text
    assert traffic.sent > 20
    assert traffic.failed == [], f"{len(traffic.failed)} of {traffic.sent} requests failed"


def test_a_replacement_that_never_gets_ready_leaves_the_old_replica_serving(
    sim_project, docker_client
) -> None:
    """Finding 1: a failed replacement left zero replicas, and the next `up` said "unchanged"."""
    project = sim_project(WEB % ("one", ""), config={"containers:readinessTimeoutSeconds": "3"})
    project.up()
    url = project.outputs()["url"]
    [before] = replicas(docker_client, project)
    project.set_program(WEB % ("two", ', "NEVER_READY": "1"'))
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    assert "was not ready after 3s" in str(caught.value)
    assert [c.id for c in replicas(docker_client, project)] == [before.id], "the old replica stays alone"
    assert "VERSION=one" in requests.get(url + "/environment", timeout=5).text
    project.set_program(WEB % ("three", ""))
    project.up()
    assert "VERSION=three" in requests.get(url + "/environment", timeout=5).text
    assert len(replicas(docker_client, project)) == 1


def test_a_replica_that_never_gets_ready_receives_no_public_request(sim_project) -> None:
    """Finding 7, the public URL: the entry found replicas through the network alias, which a replica
    joins before it is ready, and sent it a request or two before its first check failed. It now
    forwards only to replicas whose create finished."""
    project = sim_project(WEB % ("one", ""), config={"containers:readinessTimeoutSeconds": "3"})
    project.up()
    url = project.outputs()["url"]
    project.set_program(WEB % ("two", ', "NEVER_READY": "1"'))
    with continuous_traffic(url + "/healthz") as traffic, pytest.raises(auto.CommandError):
        project.up()
    assert traffic.failed == [], f"{len(traffic.failed)} of {traffic.sent} requests failed"


def test_two_checkouts_of_one_stack_never_touch_each_other(sim_project, tmp_path) -> None:
    """Finding 2: two clones (same project, same stack, each its own state) removed each other's
    containers and shared one network. The second is refused clearly; the first keeps serving."""
    program = WEB % ("first", "")
    first = sim_project(program, name="twin", backend=tmp_path / "state-1")
    second = sim_project(WEB % ("second", ""), name="twin", backend=tmp_path / "state-2")
    first.up()
    url = first.outputs()["url"]
    with pytest.raises(auto.CommandError) as caught:
        second.up()
    message = str(caught.value)
    assert "already exists and is not this stack's" in message
    assert f"another checkout of the same project and stack runs it ({first.path}" in message
    assert "VERSION=first" in requests.get(url + "/environment", timeout=5).text
    first.stack.destroy()  # the first's destroy works, and then the second may run
    second.up()
    assert "VERSION=second" in requests.get(second.outputs()["url"] + "/environment", timeout=5).text


def test_one_name_in_two_clusters_gives_two_workloads(sim_project) -> None:
    """Finding 3: the two ingresses removed each other and both URLs served one of them."""
    project = sim_project("""
        from components import Cluster
        urls = {}
        for cluster in ("blue", "green"):
            web = Workload(f"web-{cluster}", {"name": "web", "image": "hashicorp/http-echo", "port": 5678,
                                              "public": True, "args": [f"-text={cluster}"],
                                              "cluster": Cluster(cluster)})
            pulumi.export(cluster, web.public_url)
    """)
    project.up()
    outputs = project.outputs()
    assert outputs["blue"] != outputs["green"]
    assert requests.get(outputs["blue"], timeout=5).text == "blue\n"
    assert requests.get(outputs["green"], timeout=5).text == "green\n"


def test_two_public_workloads_whose_ports_collide_deploy_in_parallel(sim_project) -> None:
    """Finding 8: both creates found the derived port free, and the second failed with a raw 500."""
    project_name = f"race{uuid.uuid4().hex[:6]}"
    first, second = _names_deriving_one_port(project_name)
    project = sim_project(
        f"""
        for name in ({first!r}, {second!r}):
            web = Workload(name, {{"image": "hashicorp/http-echo", "port": 5678, "public": True,
                                   "args": [f"-text={{name}}"]}})
            pulumi.export(name, web.public_url)
        """,
        name=project_name,
    )
    project.up()
    outputs = project.outputs()
    assert requests.get(outputs[first], timeout=5).text == f"{first}\n"
    assert requests.get(outputs[second], timeout=5).text == f"{second}\n"


def _names_deriving_one_port(project_name: str) -> tuple[str, str]:
    seen: dict[int, str] = {}
    for index in itertools.count():
        name = f"w{index}"
        port = preferred_port(labels_of(project_name, name, "ingress"))
        if port in seen:
            return seen[port], name
        seen[port] = name
    raise AssertionError("unreachable")


def labels_of(project_name: str, resource: str, role: str) -> dict[str, str]:
    """The labels `components.platforms.sim.labels` gives, for a stack `test` of `project_name`."""
    return {STACK_LABEL: f"{project_name}/test", RESOURCE_LABEL: resource, ROLE_LABEL: role}


REPLICATED = """
web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                       "readiness": "/healthz", "replicas": %d})
pulumi.export("url", web.public_url)
"""


def ingresses(docker_client, project) -> list:
    selector = {"label": [f"containers.stack={project.stack_label}", "containers.role=ingress"]}
    return docker_client.containers.list(all=True, filters=selector)


def test_scaling_from_four_to_five_replicas_keeps_the_public_entry(sim_project, docker_client) -> None:
    """Finding 12: a fifth replica replaced the ingress (its slots were part of its identity), and
    the URL was down meanwhile."""
    project = sim_project(REPLICATED % 4)
    project.up()
    url = project.outputs()["url"]
    [entry] = ingresses(docker_client, project)
    project.set_program(REPLICATED % 5)
    with continuous_traffic(url + "/healthz") as traffic:
        result = project.up()
    changes = result.summary.resource_changes or {}
    assert (changes.get("create"), changes.get("update"), set(changes)) == (
        1,
        1,
        {"same", "create", "update"},
    )
    assert [c.id for c in ingresses(docker_client, project)] == [entry.id]
    assert len(replicas(docker_client, project)) == 5
    assert traffic.failed == [], f"{len(traffic.failed)} of {traffic.sent} requests failed"


# The last version whose sim resources all had the type `pulumi-python:dynamic:Resource`.
FORMER_VERSION = "9cdcbc256d9022b09ec931a9cd887348f1da4cd5"


def test_a_stack_deployed_by_the_former_version_upgrades_keeping_its_network_and_url(
    sim_project, docker_client, tmp_path
) -> None:
    """Finding 12 (each kind its own type name) without breaking deployed stacks: the new types alias
    the former one, so no resource is deleted outright (but the workload's record of the HAProxy image,
    which one resource per cluster replaces) and none is created again under a new name;
    the network and the image stay the same Docker objects; the same URL serves, and the new version
    destroys what the former one made (its providers' import paths are kept).

    Containers are made anew where the provider code that made them changed (issue 11, item 5): the
    former state carries no `provider_behaviour`, so the replica is replaced (created and ready
    before the old one goes), and so is the entry, whose former HAProxy ran without the
    master-worker mode a reload needs (the old entry goes first: its URL's port is derived, so kept).
    This test said "nothing deleted or created" before; it passed only because the engine counts a
    replacement apart from a create and a delete."""
    former = tmp_path / "former"
    former.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", FORMER_VERSION, "components", "sim_provider"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(former)], input=archive.stdout, check=True)
    project = sim_project(WEB % ("one", ""))
    workspace = project.stack.workspace
    workspace.env_vars["PYTHONPATH"] = str(former)  # the program and its providers: the former code
    project.up()
    url = project.outputs()["url"]
    before = {r["urn"].rsplit("::", 1)[1]: r for r in project.stack.export_stack().deployment["resources"]}
    assert "pulumi-python:dynamic:Resource" in {r["type"] for r in before.values()}
    stack = f"containers.stack={project.stack_label}"
    [network] = docker_client.networks.list(filters={"label": stack})
    [replica] = replicas(docker_client, project)
    [entry] = ingresses(docker_client, project)

    del workspace.env_vars["PYTHONPATH"]
    result = project.up()
    changes = result.summary.resource_changes or {}
    after = {r["urn"].rsplit("::", 1)[1]: r for r in project.stack.export_stack().deployment["resources"]}
    # One HAProxy image resource per cluster now serves every entry: the workload's own record of
    # that image goes (its delete leaves the pulled image, which is the user's cache), nothing else.
    assert set(before) - set(after) == {"web-ingress-image"}, "every other former resource is still there"
    assert changes.get("delete") == 1, changes
    assert docker_client.images.get(before["web-ingress-image"]["outputs"]["image_ref"])
    created = {after[name]["type"] for name in set(after) - set(before)}
    assert changes.get("create", 0) == len(created), "creates only of kinds the former version lacked"
    assert "pulumi-python:dynamic:Resource" not in {r["type"] for r in after.values()}
    assert [n.id for n in docker_client.networks.list(filters={"label": stack})] == [network.id]
    assert after["web-image"]["outputs"]["image_id"] == before["web-image"]["outputs"]["image_id"]
    [new_replica] = replicas(docker_client, project)
    [new_entry] = ingresses(docker_client, project)
    assert new_replica.id != replica.id and new_entry.id != entry.id, "made by the new provider code"
    assert project.outputs()["url"] == url
    assert "VERSION=one" in requests.get(url + "/environment", timeout=5).text


def test_internal_url_callers_meet_only_ready_replicas(sim_project, docker_client) -> None:
    """Finding 7, `internal_url`: a replica joined the workload's network alias before it was ready;
    during a replacement whose replica answers after 3 s, 14% of in-network calls failed. The name
    now belongs to the workload's entry, which forwards only to replicas whose create finished."""
    program = """
web = Workload("web", {"image": "containers-test/app", "port": 8080, "readiness": "/healthz",
                       "env": {"VERSION": "%s", "READY_AFTER": "3"}})
pulumi.export("internal", web.internal_url)
"""
    project = sim_project(program % "one")
    project.up()
    assert project.outputs()["internal"] == "http://web:8080"
    [network] = docker_client.networks.list(filters={"label": f"containers.stack={project.stack_label}"})
    project.set_program(program % "two")
    with in_network_traffic(docker_client, network.name, "web", 8080, "/healthz") as traffic:
        project.up()
    assert traffic.sent > 20
    assert traffic.failed == [], (
        f"{len(traffic.failed)} of {traffic.sent} requests failed: {traffic.failed[:3]}"
    )
    with in_network_traffic(docker_client, network.name, "web", 8080, "/environment") as served:
        time.sleep(1)
    assert served.failed == [] and served.sent > 0


def test_an_entry_no_state_records_is_removed_by_the_next_create(sim_project, docker_client) -> None:
    """An engine killed (or told to terminate) between an entry's rename and its answer leaves a
    ready entry that no state records: it kept the URL's port, so the next `up` gave the workload
    another URL, and `destroy` left it behind (seen once in `test_interrupted_up_converges_on_the_next_one`).
    Here the state forgets the entry, as the killed engine did."""
    project = sim_project(WEB % ("one", ""))
    project.up()
    url = project.outputs()["url"]
    [orphan] = ingresses(docker_client, project)
    state = project.stack.export_stack()
    forgotten = ("::web-ingress", "::web-ingress-backends")
    state.deployment["resources"] = [
        r for r in state.deployment["resources"] if not r["urn"].endswith(forgotten)
    ]
    project.stack.import_stack(state)

    project.up()
    assert project.outputs()["url"] == url, "the URL's port was freed for the new entry"
    assert [c.id for c in ingresses(docker_client, project)] != [orphan.id]
    assert len(ingresses(docker_client, project)) == 1
    assert requests.get(url + "/healthz", timeout=5).status_code == 200
