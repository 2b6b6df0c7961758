"""What sim's providers are, as the engine sees them (issue 11, items 5 and 6): a change of their code
rolls out, a path a deployed stack's state names keeps resolving, and `pulumi refresh` reads back
what each container really is (not only that it exists and runs)."""

import base64
import json
import pickletools
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dill
import pytest
import requests
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from tests.support import ROOT
from tests.support.traffic import continuous_traffic

PROVIDER_PACKAGES = ("sim_provider", "aws_provider")


def providers_in_history() -> set[tuple[str, str]]:
    """(module, class) of every provider class any commit defined: what a state's `__provider` may name."""
    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-p", "--format=", "--", *PROVIDER_PACKAGES],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: set[tuple[str, str]] = set()
    module = None
    for line in log.splitlines():
        if line.startswith("+++ "):
            path = line.removeprefix("+++ ").removeprefix("b/")
            module = path.removesuffix(".py").replace("/", ".") if path.endswith(".py") else None
        elif module and (defined := re.match(r"\+class (\w+Provider)\b", line)):
            found.add((module, defined.group(1)))
    return found


def pickled_by_reference(module: str, qualname: str) -> bytes:
    """The pickle Pulumi's dynamic provider stores for a provider without state (`dill.dumps` of an
    importable class's instance): a reference to `module.qualname`, instantiated without arguments."""

    def text(value: str) -> bytes:
        return b"\x8c" + bytes([len(value)]) + value.encode()

    return b"\x80\x04" + text(module) + text(qualname) + b"\x93)\x81."


def test_every_provider_path_a_stack_state_may_hold_still_resolves() -> None:
    """A state names its provider by module and class (checked: pulumi/dynamic serialises with
    `dill.dumps(provider, recurse=True)`, and an importable class is pickled by reference), and
    `refresh` and `destroy` load it from today's code: a class moved without a shim at its former
    path would make them fail for every stack deployed before."""
    from sim_provider.replica import ReplicaProvider

    # What a state holds for a replica: its class's path and nothing else.
    stored = base64.b64decode(serialize_provider(ReplicaProvider()))
    names = [arg for op, arg, _ in pickletools.genops(stored) if op.name == "SHORT_BINUNICODE"]
    assert names == ["sim_provider.replica", "ReplicaProvider"]
    assert type(dill.loads(pickled_by_reference(*names))) is ReplicaProvider

    history = providers_in_history()
    assert {("sim_provider.replica", "ReplicaProvider"), ("sim_provider.task", "TaskProvider")} <= history, (
        "the git history of the provider packages is needed (not a shallow clone)"
    )
    unresolved = []
    for module, qualname in sorted(history):
        try:
            provider = dill.loads(pickled_by_reference(module, qualname))
        except (ImportError, AttributeError) as error:
            unresolved.append(f"{module}.{qualname}: {error}")
            continue
        assert isinstance(provider, ResourceProvider), f"{module}.{qualname} is not a provider"
    assert unresolved == [], "paths a deployed stack's state may name no longer resolve"


def behaviours(package_parent: Path) -> dict[str, str]:
    """`behaviour()` of the replica's and the entry's modules, for the sim_provider under `package_parent`."""
    script = (
        "import json\nfrom sim_provider.resource_type import behaviour\n"
        "print(json.dumps({m: behaviour(f'sim_provider.{m}') for m in ('replica', 'ingress')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=package_parent,  # `python -c` imports from its working directory first
        env={"PYTHONPATH": str(package_parent), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_provider_behaviour_follows_code_not_comments(tmp_path: Path) -> None:
    """The behaviour input changes with what a provider's code does (its module and the package
    modules it imports), not with a comment or a docstring: a reworded comment must not replace
    every replica of every stack, and a change of the entry's HAProxy configuration none."""
    copy = tmp_path / "code"
    shutil.copytree(ROOT / "sim_provider", copy / "sim_provider")
    before = behaviours(copy)
    assert before["replica"] != before["ingress"]

    ops = copy / "sim_provider" / "docker_ops.py"
    edit(ops, '"""The small set of Docker operations', '"""The few Docker operations')
    edit(ops, "# Every container sim starts", "# Each container sim starts")
    assert behaviours(copy) == before, "a docstring and a comment are no behaviour"

    edit(copy / "sim_provider" / "ingress.py", '"    log stdout format raw local0\\n"', '"    log stdout\\n"')
    after_ingress = behaviours(copy)
    assert after_ingress["replica"] == before["replica"], "replica.py does not import ingress.py"
    assert after_ingress["ingress"] != before["ingress"]

    edit(ops, 'SECURITY_OPT = ["no-new-privileges"]', 'SECURITY_OPT = ["no-new-privileges:true"]')
    after_ops = behaviours(copy)
    assert after_ops["replica"] != before["replica"] and after_ops["ingress"] != after_ingress["ingress"], (
        "both import docker_ops"
    )


# ---------------------------------------------------------------- real Docker, real engine

WEB = """
web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                       "readiness": "/healthz", "replicas": 3, "resources": {"cpu": 0.5, "memory": 128}})
pulumi.export("url", web.public_url)
"""


def containers(docker_client: Any, project: Any, role: str) -> dict[str, Any]:
    """This stack's containers of `role`, by the resource label they carry (replicas by number)."""
    selector = {"label": [f"containers.stack={project.stack_label}", f"containers.role={role}"]}
    found = docker_client.containers.list(all=True, filters=selector)
    return {
        c.labels.get("containers.replica") or c.labels.get("containers.instance") or c.name: c for c in found
    }


def task_infra(docker_client: Any, project: Any) -> Any:
    """The infra container of the stack's one task instance (it holds the instance's aliases)."""
    selector = {"label": [f"containers.stack={project.stack_label}", "containers.container=infra"]}
    [infra] = docker_client.containers.list(all=True, filters=selector)
    return infra


def state_of(project: Any, type_suffix: str) -> dict[str, dict[str, Any]]:
    """The outputs of each resource whose type ends with `type_suffix`, by resource name."""
    resources = project.stack.export_stack().deployment["resources"]
    return {
        r["urn"].rsplit("::", 1)[1]: r.get("outputs", {})
        for r in resources
        if r["type"].endswith(type_suffix)
    }


def changes(result: Any) -> dict[str, int]:
    return {kind: count for kind, count in (result.summary.resource_changes or {}).items() if kind != "same"}


@pytest.mark.sim
def test_refresh_reads_a_replica_disconnected_or_updated_and_up_replaces_only_those(
    sim_project, docker_client
) -> None:
    """Item 6: refresh saw only 'exists / running', so a replica disconnected from the network (the
    entry cannot reach it) or given other limits by `docker update` read as unchanged and stayed."""
    project = sim_project(WEB)
    project.up()
    url = project.outputs()["url"]
    assert changes(project.stack.refresh()) == {}, "a refresh of an untouched stack changes nothing"

    before = containers(docker_client, project, "replica")
    [network] = before["1"].attrs["NetworkSettings"]["Networks"]
    docker_client.networks.get(network).disconnect(before["1"])
    subprocess.run(
        ["docker", "update", "--cpus", "1", "--memory", "256m", "--memory-swap", "512m", before["2"].id],
        check=True,
        capture_output=True,
    )
    assert changes(project.stack.refresh()) == {"update": 2}
    drift = {name: outputs.get("drift") for name, outputs in state_of(project, ":Replica").items()}
    assert drift == {
        "web-replica-1": {"network": []},
        "web-replica-2": {"nano_cpus": 1_000_000_000, "memory_mib": 256},
        "web-replica-3": None,
    }

    with continuous_traffic(url + "/healthz") as traffic:
        result = project.up()
    assert changes(result).get("replace") == 2, changes(result)
    after = containers(docker_client, project, "replica")
    assert after["3"].id == before["3"].id, "the replica nobody touched stays"
    for number in ("1", "2"):
        assert after[number].id != before[number].id
        assert network in after[number].attrs["NetworkSettings"]["Networks"]
        host = after[number].attrs["HostConfig"]
        assert (host["NanoCpus"], host["Memory"]) == (500_000_000, 128 * 1024 * 1024)
    assert traffic.failed == [], f"{len(traffic.failed)} of {traffic.sent} requests failed"
    assert changes(project.stack.refresh()) == {}, "what was replaced is what the inputs say"


BOTH = """
from components import ContainerWorkload

web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True, "readiness": "/healthz"})
ContainerWorkload("shop", {
    "containers": [{"name": "main", "image": "containers-test/app",
                    "events": [{"type": "service-connect", "container_port": 8080}]}],
    "resources": {"cpu": 0.25, "memory": 512},
})
pulumi.export("url", web.public_url)
"""


@pytest.mark.sim
def test_refresh_reads_an_entry_and_a_task_off_their_network_and_up_replaces_them(
    sim_project, docker_client
) -> None:
    """Item 6 for the other containers: the entry's HAProxy disconnected from the stack's network,
    and a task instance's infra container (the namespace holding its service-connect alias)
    connected again without its alias."""
    project = sim_project(BOTH)
    project.up()
    url = project.outputs()["url"]
    assert changes(project.stack.refresh()) == {}

    [entry] = containers(docker_client, project, "ingress").values()
    infra = task_infra(docker_client, project)
    [network] = entry.attrs["NetworkSettings"]["Networks"]
    stack_network = docker_client.networks.get(network)
    stack_network.disconnect(entry)
    # Back on the network without its aliases: callers of `http://shop-main:8080` reach nothing.
    stack_network.disconnect(infra)
    stack_network.connect(infra)
    assert changes(project.stack.refresh()) == {"update": 2}
    # Off its only network, the entry publishes nothing either: the URL's port is gone with it.
    expected: dict[str, list[int]] = {"network": [], "host_port": []}
    assert [outputs["drift"] for outputs in state_of(project, ":Ingress").values()] == [expected]
    [task] = state_of(project, ":Task").values()
    assert task["drift"] == {"aliases": f"no longer answers to {', '.join(task['aliases'])}"}

    result = project.up()
    assert changes(result).get("replace") == 2, changes(result)
    assert project.outputs()["url"] == url, "the entry's port is derived: the URL stays"
    assert requests.get(url + "/healthz", timeout=5).status_code == 200
    endpoint = task_infra(docker_client, project).attrs["NetworkSettings"]["Networks"][network]
    [task] = state_of(project, ":Task").values()
    assert task["aliases"] and set(task["aliases"]) <= set(endpoint["Aliases"]), "its aliases are back"
    assert changes(project.stack.refresh()) == {}


@pytest.mark.sim
def test_refresh_reads_a_restart_policy_changed_by_hand_and_up_restores_it(
    sim_project, docker_client
) -> None:
    """Item 6 for `docker update --restart=no`: a replica, an entry or an essential member of a task
    that crashes after it would stay down, yet refresh read it as unchanged."""
    project = sim_project(BOTH)
    project.up()
    [replica] = containers(docker_client, project, "replica").values()
    [entry] = containers(docker_client, project, "ingress").values()
    [task] = state_of(project, ":Task").values()
    member = docker_client.containers.get(task["container_names"]["main"])
    for container in (replica, entry, member):
        subprocess.run(["docker", "update", "--restart", "no", container.id], check=True, capture_output=True)
    assert changes(project.stack.refresh()) == {"update": 3}
    [replica_state] = state_of(project, ":Replica").values()
    [entry_state] = state_of(project, ":Ingress").values()
    [task] = state_of(project, ":Task").values()
    assert replica_state["drift"] == entry_state["drift"] == {"restart_policy": "no"}
    assert task["drift"] == {"member_restart_policy": [member.name]}

    assert changes(project.up()).get("replace") == 3
    [task] = state_of(project, ":Task").values()
    renewed = [
        *containers(docker_client, project, "replica").values(),
        *containers(docker_client, project, "ingress").values(),
        docker_client.containers.get(task["container_names"]["main"]),
    ]
    assert {c.attrs["HostConfig"]["RestartPolicy"]["Name"] for c in renewed} == {"unless-stopped"}
    assert not {c.id for c in renewed} & {replica.id, entry.id, member.id}
    assert changes(project.stack.refresh()) == {}


ONE = """
web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True, "readiness": "/healthz"})
pulumi.export("url", web.public_url)
"""
MARKER = "# configuration of the new provider code"


@pytest.mark.sim
def test_new_provider_code_rolls_out_without_dropping_a_request(sim_project, docker_client, tmp_path) -> None:
    """Item 5: the state names providers by path only, so a change of their code (the HAProxy
    configuration, how a replica is made) never reached a deployed stack. Now a new entry
    configuration is reloaded into the same entry, a new replica provider replaces the replica
    (ready before the old one goes), and code that did not change touches nothing."""
    project = sim_project(ONE)
    project.up()
    url = project.outputs()["url"]
    [entry] = containers(docker_client, project, "ingress").values()
    [replica] = containers(docker_client, project, "replica").values()

    new = tmp_path / "new"
    for package in ("components", "sim_provider"):
        shutil.copytree(ROOT / package, new / package, ignore=shutil.ignore_patterns("__pycache__"))
    project.stack.workspace.env_vars["PYTHONPATH"] = str(new)  # the program and its providers
    edit(new / "sim_provider" / "ingress.py", '"global\\n"', f'"{MARKER}\\n" "global\\n"')
    with continuous_traffic(url + "/healthz") as traffic:
        result = project.up()
    assert changes(result) == {"update": 1}, "only the entry's configuration changed"
    assert [c.id for c in containers(docker_client, project, "ingress").values()] == [entry.id]
    assert [c.id for c in containers(docker_client, project, "replica").values()] == [replica.id]
    config = entry.exec_run(["cat", "/tmp/haproxy.cfg"]).output.decode()
    assert config.startswith(MARKER), "the entry runs the new configuration"

    edit(new / "sim_provider" / "replica.py", "init=True,", "init=True,  # new code\n oom_score_adj=1,")
    with continuous_traffic(url + "/healthz") as replacing:
        result = project.up()
    assert changes(result).get("replace") == 1, changes(result)
    [new_replica] = containers(docker_client, project, "replica").values()
    assert new_replica.id != replica.id and new_replica.attrs["HostConfig"]["OomScoreAdj"] == 1
    assert [c.id for c in containers(docker_client, project, "ingress").values()] == [entry.id]
    assert project.outputs()["url"] == url
    for sent in (traffic, replacing):
        assert sent.failed == [], f"{len(sent.failed)} of {sent.sent} requests failed"

    assert changes(project.up()) == {}, "the same code again: nothing to do"
