"""The sim platform's resource graph, under Pulumi mocks (no Docker, no engine)."""

import base64
import pickle
from pathlib import Path

import dill
import pulumi
import pytest

from components import Cluster, Workload
from tests.support import ROOT
from tests.support.pulumi_mocks import Graph, by_name, refused, run_with_mocks, start_mocks

SIM = "pulumi-python:dynamic/sim:"


def hello() -> None:
    Workload(
        "hello",
        {"image": "hashicorp/http-echo", "port": 5678, "public": True, "args": ["-text=hello, wingnuts!"]},
    )


def test_public_workload_tree_reads_like_the_architecture() -> None:
    resources = run_with_mocks(hello)
    assert resources["hello"].type == "containers:index:Workload"
    assert resources["app"].type == "containers:index:Cluster"
    children = {name for name, r in resources.items() if r.parent == "hello"}
    assert children == {
        "hello-image",
        "hello-volumes",
        "hello-replica-1",
        "hello-ingress",
        "hello-ingress-backends",
    }
    assert resources["app-network"].parent == "app"
    assert resources["app-entry-image"].parent == "app", "one HAProxy image for every entry of the cluster"
    # Each kind its own type in `pulumi stack` (not pulumi-python:dynamic:Resource for all).
    kinds = {name: resources[name].type.removeprefix(SIM) for name in children | {"app-network"}}
    assert kinds == {
        "hello-image": "LocalImage",
        "hello-volumes": "WorkloadVolumes",
        "hello-replica-1": "Replica",
        "hello-ingress": "Ingress",
        "hello-ingress-backends": "IngressBackends",
        "app-network": "DockerNetwork",
    }


def test_replica_runs_the_image_with_args_on_the_stack_network() -> None:
    resources = run_with_mocks(hello)
    replica = resources["hello-replica-1"].inputs
    image = resources["hello-image"].inputs
    assert replica["image_ref"] == image["image_ref"] == "hashicorp/http-echo"
    assert replica["image_id"] == image["image_id"] and image["image_id"].startswith("sha256:")
    assert replica["command"] == ["-text=hello, wingnuts!"]
    assert replica["alias"] == "hello"
    assert replica["port"] == 5678
    assert replica["network"] == resources["app-network"].inputs["name"] == "containers-unit-app"
    assert replica["labels"]["containers.stack"] == "containers/unit"
    assert resources["hello-image"].inputs["reference"] == "hashicorp/http-echo"


def test_private_workload_publishes_nothing() -> None:
    urls = {}

    def program() -> None:
        echo = Workload("echo", {"image": "hashicorp/http-echo", "port": 5678})
        urls["public"], urls["internal"] = echo.public_url, echo.internal_url

    resources = run_with_mocks(program)
    assert not any("ingress" in name for name in resources)
    # Its name on the network belongs to an entry that publishes no port.
    service = resources["echo-service"].inputs
    assert (service["alias"], service["port"], service["public"]) == ("echo", 5678, False)
    assert resources["echo-service"].type == SIM + "Ingress"

    @pulumi.runtime.test
    def check():
        return pulumi.Output.all(urls["public"], urls["internal"]).apply(lambda values: assert_urls(*values))

    def assert_urls(public: str | None, internal: str | None) -> None:
        assert public is None
        assert internal == "http://echo:5678"

    check()


def test_the_entry_holds_the_name_and_forwards_to_every_replica_once_ready() -> None:
    def program() -> None:
        Workload(
            "api", {"image": "nginx", "port": 80, "public": True, "replicas": 3, "readiness": "/healthz"}
        )

    graph = Graph(by_name(start_mocks().run(program)))
    replicas = [graph[f"api-replica-{i}"] for i in (1, 2, 3)]
    assert {r.inputs["labels"]["containers.replica"] for r in replicas} == {"1", "2", "3"}
    assert "api-replica-4" not in graph.resources
    assert graph["api-ingress"].inputs["alias"] == "api"
    # The entry starts beside the replicas (it waits for its network and image only); its backends
    # wait for the replicas' names, which a replica has once its create finished.
    assert set(graph.dependencies_of("api-ingress")) == {"app-network", "app-entry-image"}
    assert {"api-replica-1", "api-replica-2", "api-replica-3"} <= set(
        graph.dependencies_of("api-ingress-backends")
    )
    backends = graph["api-ingress-backends"].inputs
    assert backends["readiness"] == "/healthz"
    assert sorted(backends["backends"]) == sorted(r.inputs["container_name"] for r in replicas)
    assert len(set(backends["backends"])) == 3


def test_scaling_floor_decides_the_replica_count_on_sim() -> None:
    def program() -> None:
        Workload("api", {"image": "nginx", "scaling": {"min_instances": 2, "max_instances": 5}})

    resources = run_with_mocks(program)
    assert {"api-replica-1", "api-replica-2"} <= resources.keys()
    assert "api-replica-3" not in resources


def test_resources_become_docker_limits() -> None:
    def program() -> None:
        Workload("api", {"image": "nginx", "resources": {"cpu": 0.5, "memory": 256}})

    replica = run_with_mocks(program)["api-replica-1"].inputs
    assert replica["nano_cpus"] == 500_000_000
    assert replica["memory_mib"] == 256


def test_build_folder_image_is_tagged_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.chdir(tmp_path)

    def program() -> None:
        Workload("backend", {"image": "./backend", "port": 3000})

    image = run_with_mocks(program)["backend-image"].inputs
    assert "reference" not in image
    assert image["context"] == str((tmp_path / "backend").resolve())
    assert image["repository"] == "containers-unit-backend"
    assert len(image["content_hash"]) == 64


def test_workloads_share_the_default_cluster_or_use_the_one_given() -> None:
    def program() -> None:
        Workload("a", {"image": "nginx"})
        Workload("b", {"image": "nginx"})
        shared = Cluster("shared")
        Workload("c", {"image": "nginx", "cluster": shared})

    resources = run_with_mocks(program)
    clusters = [name for name, r in resources.items() if r.type == "containers:index:Cluster"]
    assert sorted(clusters) == ["app", "shared"]
    assert resources["a-replica-1"].inputs["network"] == resources["b-replica-1"].inputs["network"]
    assert resources["c-replica-1"].inputs["network"] == "containers-unit-shared"


def test_every_dynamic_provider_survives_pickling() -> None:
    """The engine runs providers from their serialized form: an unpicklable one fails only at `up`."""
    resources = run_with_mocks(hello)
    for name, registration in resources.items():
        if not registration.type.startswith(SIM):
            continue
        # The engine stores the provider (base64 of its dill pickle) as a secret.
        assert "__provider" in registration.secret_inputs, name
        provider = dill.loads(base64.b64decode(registration.inputs["__provider"]))
        assert type(provider).__module__.startswith("sim_provider."), name
        pickle.dumps(provider)


def test_unknown_platform_is_refused_before_anything_is_registered() -> None:
    error = refused(hello, config={"containers:platform": "k8s"})
    assert error.field == "containers:platform (stack config)"
    assert "sim, eks, ecs" in str(error)


def test_bad_input_registers_nothing() -> None:
    error = refused(lambda: Workload("bad", {"image": "nginx", "public": True}))
    assert error.field == "public"


SIM_PROGRAM_WITH_EVERY_COMPONENT = """
import sys
from components import ApplicationLoadBalancer, ContainerWorkload, HttpApiGateway, Workload
from tests.support.pulumi_mocks import run_with_mocks

def program():
    edge, api = ApplicationLoadBalancer("edge"), HttpApiGateway("api")
    Workload("web", {"image": "nginx", "port": 80, "public": True})
    ContainerWorkload("shop", {"containers": [{"name": "main", "image": "containers-test/app", "events": [
        {"type": "application-load-balancer", "load_balancer": edge, "container_port": 8080, "priority": 1,
         "paths": ["/shop*"]},
        {"type": "http-api-gateway", "http_api_gateway": api, "container_port": 8080, "path": "/shop",
         "method": "GET"},
    ]}], "resources": {"cpu": 0.25, "memory": 512}})

registered = run_with_mocks(program)
assert "shop-task-1" in registered, sorted(registered)
print(sorted(m for m in sys.modules if m.startswith(CLOUD)))
"""


def test_a_sim_program_never_imports_the_cloud_sdks() -> None:
    """Each cloud SDK costs a program 0.5-2 s to import (pulumi_aws about 2 s): sim `up` must not pay
    for it, with balancers and gateways too (their checks once imported the ecs platform's)."""
    import subprocess
    import sys

    cloud = ("pulumi_aws", "pulumi_eks", "pulumi_kubernetes", "pulumi_docker_build")
    probe = f"CLOUD = {cloud!r}\n" + SIM_PROGRAM_WITH_EVERY_COMPONENT
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert loaded.strip().splitlines()[-1] == "[]"


SIM_PROGRAM_OF_WORKLOADS = """
import sys
from components import Workload
from tests.support.pulumi_mocks import run_with_mocks

registered = run_with_mocks(lambda: Workload("web", {"image": "nginx", "port": 80, "public": True}))
assert "web-replica-1" in registered, sorted(registered)
print(sorted(m for m in sys.modules if m in LAZY))
"""


def test_a_program_of_workloads_loads_no_task_balancer_or_gateway_module() -> None:
    """The sim platform imports ContainerWorkload's, the balancers' and the gateway's modules (and
    the task and proxy providers) on first use: a program of Workloads alone started 57 ms slower."""
    import subprocess
    import sys

    lazy = (
        "components.platforms.sim.container_workload",
        "components.platforms.sim.http_api_gateway",
        "components.platforms.sim.load_balancers",
        "sim_provider.task",
        "sim_provider.proxy",
    )
    probe = f"LAZY = {lazy!r}\n" + SIM_PROGRAM_OF_WORKLOADS
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert loaded.strip().splitlines()[-1] == "[]"


def test_an_unknown_probe_mode_is_refused_before_anything_registers() -> None:
    error = refused(hello, config={"containers:simProbeFrom": "sideways"})
    assert error.field == "containers:simProbeFrom (stack config)"
    assert error.allowed == "one of auto, host, network"


def test_replicas_carry_the_probe_mode_and_prober_image() -> None:
    replica = run_with_mocks(hello, config={"containers:simProbeFrom": "network"})["hello-replica-1"].inputs
    assert (replica["probe_from"], replica["prober_image"]) == ("network", "busybox:1.36")
