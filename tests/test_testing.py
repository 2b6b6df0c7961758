"""`components.testing`: every output of every component resolves to a value of the real shape on
every platform, registrations are listed, and the calls we make answer."""

import re
import subprocess
import sys
from typing import Any

import pulumi
import pytest
from pulumi.runtime.sync_await import _sync_await

from components import (
    ApplicationLoadBalancer,
    Cluster,
    ContainerWorkload,
    HttpApiGateway,
    InvalidArgumentError,
    NetworkLoadBalancer,
    Workload,
    testing,
)
from tests.support import ROOT

ALB_DNS = r"http://[a-z0-9-]+\.elb\.amazonaws\.com(:\d+)?"


def value(output: Any) -> Any:
    return _sync_await(pulumi.Output.from_input(output).future())


def test_a_public_workload_on_eks_gets_the_url_of_its_ingress(tmp_path: Any, monkeypatch: Any) -> None:
    # Stock echo mocks fail here: "the chart of a public workload rendered no Ingress".
    monkeypatch.chdir(tmp_path)
    mocks = testing.use_mocks("eks")
    found: dict[str, Any] = {}

    def program() -> None:
        found["cluster"] = Cluster("main")
        found["web"] = Workload(
            "web", {"image": "nginx", "port": 80, "public": True, "cluster": found["cluster"]}
        )

    mocks.run(program)
    assert value(found["web"].public_url) == f"http://{testing.ALB_HOSTNAME}"
    assert value(found["web"].internal_url) == "http://web.test-test.svc.cluster.local:80"
    assert value(found["cluster"].endpoint) == testing.EKS_ENDPOINT
    assert value(found["cluster"].cluster_name) == "main-eks-0a1b2c3"
    [chart] = mocks.registered("kubernetes:helm.sh/v4:Chart")
    assert (chart.name, chart.parent, chart.provider) == ("web-chart", "web", "main-kubernetes")
    kinds = {item["urn"].split("::")[2].split("$")[-1] for item in chart.outputs["resources"]}
    assert kinds == {
        "kubernetes:apps/v1:Deployment",
        "kubernetes:core/v1:Service",
        "kubernetes:networking.k8s.io/v1:Ingress",
    }


def test_every_ecs_component_output_has_its_real_shape() -> None:
    # Stock echo mocks fail here inside awsx: "expected a value of type Sequence[NatGateway]".
    mocks = testing.use_mocks("ecs")
    found: dict[str, Any] = {}

    def program() -> None:
        alb = ApplicationLoadBalancer("edge")
        nlb = NetworkLoadBalancer("tcp", {"listeners": [{"port": 6379, "protocol": "TCP"}]})
        api = HttpApiGateway("api")
        events = [
            {"type": "application-load-balancer", "load_balancer": alb, "container_port": 80, "priority": 1},
            {
                "type": "network-load-balancer",
                "load_balancer": nlb,
                "container_port": 6379,
                "listener_port": 6379,
            },
            {
                "type": "http-api-gateway",
                "http_api_gateway": api,
                "container_port": 80,
                "method": "GET",
                "path": "/x",
            },
        ]
        found["shop"] = ContainerWorkload(
            "shop",
            {
                "containers": [{"name": "web", "image": "nginx:1.27", "events": events}],
                "resources": {"cpu": 0.25, "memory": 512},
            },
        )
        found.update({"alb": alb, "nlb": nlb, "api": api})

    mocks.run(program)
    shop = found["shop"]
    assert re.fullmatch(ALB_DNS, value(found["alb"].url))
    assert re.fullmatch(r"tcp://[a-z0-9-]+\.elb\.amazonaws\.com:6379", value(found["nlb"].url))
    assert re.fullmatch(
        r"https://[a-z0-9-]+\.execute-api\.us-east-1\.amazonaws\.com", value(found["api"].url)
    )
    assert re.fullmatch(r"arn:aws:ecs:us-east-1:123456789012:[\w-]+", value(shop.task_definition_arn))
    assert value(shop.service_name) == "shop-service-name"
    assert value(shop.cluster_name) == "app-ecs-name"
    assert value(shop.log_group_names) == {"web": "shop-web-logs-name"}
    assert [r.name for r in mocks.registered("awsx:ec2:Vpc")] == ["app-vpc"]
    [vpc] = mocks.registered("awsx:ec2:Vpc")
    assert vpc.outputs["vpcId"] == "vpc-app-vpc" and not vpc.custom


def test_sim_outputs_are_the_urls_and_refs_sim_gives() -> None:
    mocks = testing.use_mocks("sim", project="shop", stack="dev")
    found: dict[str, Any] = {}
    mocks.run(
        lambda: found.setdefault("web", Workload("web", {"image": "nginx:1.27", "port": 80, "public": True}))
    )
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", value(found["web"].public_url))
    assert value(found["web"].image_ref) == "nginx:1.27"
    assert value(found["web"].internal_url) == "http://web:80"
    [network] = [r for r in mocks.registered() if r.name == "app-network"]
    assert network.inputs["name"] == "shop-dev-app"
    assert network.parent == "app"


def test_registered_filters_by_type_and_keeps_the_tree() -> None:
    mocks = testing.use_mocks("sim")
    mocks.run(lambda: Workload("a", {"image": "busybox"}))
    every = mocks.registered()
    names = [r.name for r in every]
    assert sorted(names) == ["a", "a-image", "a-replica-1", "a-volumes", "app", "app-network"]
    # In registration order: a parent before its children (siblings register concurrently).
    assert all(names.index(r.parent) < names.index(r.name) for r in every if r.parent in names)
    assert [r.name for r in mocks.registered("containers:index:Workload")] == ["a"]
    assert [r.name for r in mocks.registered("containers:index:Cluster")] == ["app"]
    assert {r.name for r in every if r.parent == "a"} == {"a-image", "a-replica-1", "a-volumes"}


@pytest.mark.parametrize(
    ("token", "args", "expected"),
    [
        ("aws:index/getRegion:getRegion", {}, {"name": "eu-west-1"}),
        ("aws:index/getCallerIdentity:getCallerIdentity", {}, {"accountId": testing.ACCOUNT}),
        ("aws:ecr/getAuthorizationToken:getAuthorizationToken", {}, {"userName": "AWS"}),
        ("aws:ec2/getInstanceType:getInstanceType", {"instanceType": "c5.large"}, {"memorySize": 4096}),
    ],
)
def test_the_calls_we_make_answer(token: str, args: dict[str, Any], expected: dict[str, Any]) -> None:
    mocks = testing.use_mocks("ecs", {"aws:region": "eu-west-1"})
    answered = pulumi.runtime.invoke(token, args).value
    assert expected.items() <= answered.items()
    assert mocks.region == "eu-west-1"


def test_the_users_example_passes_its_own_tests() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:warnings"],
        cwd=ROOT / "examples" / "testing",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_an_output_a_failed_run_left_pending_never_fails_the_next_run(
    tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    failing = testing.use_mocks("sim")

    def refused() -> None:
        worker = Workload("worker", {"image": "busybox"})  # no port: its internal_url resolves to None
        Workload("web", {"image": "busybox", "port": 80, "env": {"WORKER_URL": worker.internal_url}})

    with pytest.raises(InvalidArgumentError):
        failing.run(refused)
    mocks = testing.use_mocks("eks")
    found: dict[str, Any] = {}
    mocks.run(
        lambda: found.setdefault("web", Workload("web", {"image": "nginx", "port": 80, "public": True}))
    )
    assert value(found["web"].public_url) == f"http://{testing.ALB_HOSTNAME}"
