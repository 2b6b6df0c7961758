"""`Workload` on the ecs platform, under mocks: one container on Fargate through the ContainerWorkload
machinery; public -> an Application Load Balancer probing `readiness`; `internal_url` through
service connect, the same URL as on sim.
"""

import json
import runpy
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import InvalidArgumentError, Workload
from components.platforms import validate_workload_on
from components.platforms.ecs.workload import validate_workload
from components.spec.platform import Platform
from components.spec.stack_config import StackConfig
from components.spec.workload import parse_workload
from tests.support import ROOT
from tests.support.aws_models import strict
from tests.support.ecs_mocks import (
    of_type,
    only,
    register_task_definition_params,
    registered_before_error,
    run_ecs,
)

ECS = StackConfig(Platform.ECS)
SERVICE = "aws:ecs/service:Service"


def outputs_of(workload: Workload, seen: dict[str, Any]) -> None:
    pulumi.Output.all(workload.public_url, workload.internal_url, workload.image_ref).apply(
        lambda values: seen.update(zip(("public_url", "internal_url", "image_ref"), values, strict=True))
    )


def test_a_public_workload_is_a_fargate_service_behind_its_own_alb() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        hello = Workload(
            "hello",
            {
                "image": "hashicorp/http-echo",
                "port": 5678,
                "public": True,
                "readiness": "/healthz",
                "args": ["-text=hello, wingnuts!"],
            },
        )
        outputs_of(hello, seen)

    resources = run_ecs(program)
    assert resources["hello-alb"].type == "containers:index:ApplicationLoadBalancer"
    assert resources["hello-alb"].parent == "hello"
    group = only(resources, "aws:lb/targetGroup:TargetGroup").inputs
    assert (group["port"], group["healthCheck"]["path"]) == (5678, "/healthz")
    (rule,) = of_type(resources, "aws:lb/listenerRule:ListenerRule").values()
    assert rule.inputs["listenerArn"] == resources["hello-alb-80"].inputs["arn"]
    params = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))
    strict("ecs", "RegisterTaskDefinition", params)
    (container,) = params["containerDefinitions"]
    assert (container["name"], container["image"], container["command"]) == (
        "hello",
        "hashicorp/http-echo",
        ["-text=hello, wingnuts!"],
    )
    assert (params["cpu"], params["memory"]) == ("256", "512")  # the smallest Fargate size
    service = only(resources, SERVICE).inputs
    assert service["launchType"] == "FARGATE" and service["desiredCount"] == 1
    assert service["serviceConnectConfiguration"]["services"] == [
        {
            "portName": "hello-5678",
            "discoveryName": "hello",
            "clientAlias": [{"port": 5678, "dnsName": "hello"}],
        }
    ]
    assert seen == {
        "public_url": "http://hello-alb-lb.elb.amazonaws.com",
        "internal_url": "http://hello:5678",  # as on sim
        "image_ref": "hashicorp/http-echo",
    }


def test_a_private_workload_has_no_balancer_and_secret_env_goes_through_ssm() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        backend = Workload(
            "backend",
            {
                "image": "ghcr.io/shop/backend:1",
                "port": 3000,
                "replicas": 3,
                "env": {"TOKEN": pulumi.Output.secret("s3cr3t"), "MODE": "prod"},
                "resources": {"cpu": 0.3, "memory": 600},
            },
        )
        outputs_of(backend, seen)

    resources = run_ecs(program)
    assert not of_type(resources, "containers:index:ApplicationLoadBalancer")
    assert seen["public_url"] is None and seen["internal_url"] == "http://backend:3000"
    params = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))
    assert (params["cpu"], params["memory"]) == (
        "512",
        "1024",
    )  # the cheapest size that fits 0.3 vCPU, 600 MiB
    (container,) = params["containerDefinitions"]
    assert "s3cr3t" not in json.dumps(container)
    assert container["secrets"] == [
        {"name": "TOKEN", "valueFrom": resources["backend-backend-TOKEN"].inputs["arn"]}
    ]
    assert only(resources, SERVICE).inputs["desiredCount"] == 3
    scaling = resources["backend-scaling"].inputs
    assert scaling["minCapacity"] == scaling["maxCapacity"] == 3


def test_a_private_workload_probes_its_readiness_from_inside_the_container() -> None:
    def program() -> None:
        Workload("api", {"image": "nginx:1.27", "port": 8080, "readiness": "/healthz"})

    resources = run_ecs(program)
    assert not of_type(resources, "containers:index:ApplicationLoadBalancer")
    params = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))
    (container,) = params["containerDefinitions"]
    kind, probe = container["healthCheck"]["command"]
    assert kind == "CMD-SHELL" and "http://localhost:8080/healthz" in probe and probe.endswith("|| exit 1")


def test_a_public_workload_leaves_readiness_to_its_balancer() -> None:
    def program() -> None:
        Workload("web", {"image": "nginx:1.27", "port": 80, "public": True, "readiness": "/healthz"})

    resources = run_ecs(program)
    (container,) = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))[
        "containerDefinitions"
    ]
    assert "healthCheck" not in container
    (group,) = of_type(resources, "aws:lb/targetGroup:TargetGroup").values()
    assert group.inputs["healthCheck"]["path"] == "/healthz"


def test_scaling_and_a_domain_with_tls() -> None:
    def program() -> None:
        Workload(
            "web",
            {
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "domain": {
                    "host": "www.example.com",
                    "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
                },
                "scaling": {
                    "min_instances": 2,
                    "max_instances": 6,
                    "scaling_policy": {"keep_avg_cpu_utilization_under": 50},
                },
            },
        )

    resources = run_ecs(program)
    assert resources["web-alb-443"].inputs["protocol"] == "HTTPS"
    assert resources["web-alb-80"].inputs["defaultActions"][0]["type"] == "redirect"
    target = resources["web-scaling"].inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 6)
    tracking = resources["web-scale-cpu"].inputs["targetTrackingScalingPolicyConfiguration"]
    assert tracking["targetValue"] == 50


def test_a_workload_is_refused_a_size_fargate_does_not_have() -> None:
    error, registered = registered_before_error(
        lambda: Workload("huge", {"image": "nginx:1.27", "resources": {"cpu": 32}})
    )
    assert isinstance(error, InvalidArgumentError) and (error.component, error.field) == (
        "Workload",
        "resources",
    )
    assert "16 vCPU" in error.allowed
    assert not any(name.startswith("huge-") for name in registered)


@pytest.mark.parametrize(
    ("resources", "got", "memory_listed"),
    [
        (
            {"cpu": 32},
            "{'cpu': 32.0, 'memory': None}",
            "memory for 16 vCPU on Fargate: 32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112,"
            " 98304, 106496, 114688, 122880 MiB.",
        ),
        (
            {"cpu": 1, "memory": 200000},
            "{'cpu': 1.0, 'memory': 200000}",
            "memory for 1 vCPU on Fargate: 2048, 3072, 4096, 5120, 6144, 7168, 8192 MiB;"
            " more memory rounds up to more vCPU.",
        ),
        (
            {"cpu": 0.3, "memory": 130000},
            "{'cpu': 0.3, 'memory': 130000}",
            "memory for 0.5 vCPU on Fargate: 1024, 2048, 3072, 4096 MiB; more memory rounds up to more vCPU.",
        ),
    ],
)
def test_validate_workload_lists_the_fargate_memory_for_the_cpu(
    resources: dict[str, Any], got: str, memory_listed: str
) -> None:
    spec = parse_workload("huge", {"image": "nginx:1.27", "resources": resources})
    with pytest.raises(InvalidArgumentError) as raised:
        validate_workload(spec, ECS)
    assert (raised.value.component, raised.value.field) == ("Workload", "resources")
    assert str(raised.value) == (
        f'Workload "huge": field "resources" got {got} (dict); allowed: at most 16 vCPU and 122880 MiB'
        f" on ecs (the largest Fargate task); {memory_listed}"
    )


def test_only_ecs_validates_the_fargate_size() -> None:
    spec = parse_workload("big", {"image": "nginx:1.27", "resources": {"cpu": 32}})
    for platform in (Platform.SIM, Platform.EKS):
        validate_workload_on(StackConfig(platform), spec)  # other platforms have no such limit here
    with pytest.raises(InvalidArgumentError, match="at most 16 vCPU"):
        validate_workload_on(ECS, spec)
    validate_workload(
        parse_workload("fine", {"image": "nginx:1.27", "resources": {"cpu": 16, "memory": 122880}}), ECS
    )


@pytest.mark.parametrize(
    ("cpu", "memory", "expected"),
    [
        (None, None, ("256", "512")),
        (1, None, ("1024", "2048")),
        (None, 5000, ("1024", "5120")),
        (4, 30000, ("4096", "30720")),
    ],
)
def test_workload_sizes_round_up_to_fargate_sizes(
    cpu: float | None, memory: int | None, expected: tuple[str, str]
) -> None:
    resources_arg = {k: v for k, v in {"cpu": cpu, "memory": memory}.items() if v is not None}
    resources = run_ecs(lambda: Workload("w", {"image": "nginx:1.27", "resources": resources_arg}))
    params = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))
    assert (params["cpu"], params["memory"]) == expected


def test_the_microservices_example_runs_unchanged_on_ecs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program `make up` deploys on sim is the one the `prod` stack deploys on ECS."""
    app = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "microservices", app)
    monkeypatch.chdir(app)  # `./backend` is relative to the program's folder, as in `pulumi up`

    resources = run_ecs(lambda: runpy.run_path("__main__.py"))

    services = {name: r for name, r in of_type(resources, SERVICE).items()}
    assert len(services) == 2
    assert "backend-alb" in resources and "echo-alb" not in resources  # only the public one
    assert resources["backend-backend-image"].type == "docker-build:index:Image"  # ./backend: built, pushed
    definitions = [
        register_task_definition_params(definition)
        for definition in of_type(resources, "aws:ecs/taskDefinition:TaskDefinition").values()
    ]
    for params in definitions:
        strict("ecs", "RegisterTaskDefinition", params)
    (echo,) = [d for p in definitions for d in p["containerDefinitions"] if d["name"] == "echo"]
    assert echo["command"] == ["-text=hello, wingnuts!"]
    (backend,) = [d for p in definitions for d in p["containerDefinitions"] if d["name"] == "backend"]
    # ECHO_URL is an Output, so it reaches the container through `secrets`, never plain environment.
    assert [s["name"] for s in backend.get("secrets", [])] == ["ECHO_URL"]
