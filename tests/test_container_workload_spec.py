"""ContainerWorkload argument validation (Stacktape's multi-container-workload in snake_case).

Bad input: one InvalidArgumentError naming the component, the exact field and what is allowed, with
the allowed values written out here by hand (from AWS's and Stacktape's documentation), not copied
from the code. Good input: every snippet of the Stacktape page, translated, parses to what it says.
"""

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.spec.container_workload.compute import Ec2Resources, FargateResources
from components.spec.container_workload.events import (
    ApplicationLoadBalancerEvent,
    CognitoAuthorizer,
    HttpApiGatewayEvent,
    LambdaAuthorizer,
    NetworkLoadBalancerEvent,
    ServiceConnectEvent,
    WorkloadInternalEvent,
)
from components.spec.container_workload.workload import parse_container_workload
from components.spec.errors import InvalidArgumentError


class Component:
    """Stands in for a load balancer, gateway, bucket, function or cluster object."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Component({self.name!r})"


ALB = Component("myLoadBalancer")
ALB2 = Component("otherLoadBalancer")
NLB = Component("myNetworkLoadBalancer")
GATEWAY = Component("myApiGateway")
BUCKET = Component("photosBucket")
EFS = Component("myEfs")
FUNCTION = Component("validateDeployment")

FARGATE_CPU_LIST = "0.25, 0.5, 1, 2, 4, 8, 16"


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Pulumi program folder with a build context at ./app (Dockerfile + sources), as cwd."""
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "Dockerfile").write_text("FROM node:22\nCOPY . .\n")
    (app / "src" / "index.ts").write_text("console.log('hi')\n")
    (app / "README.md").write_text("docs\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "web", "image": "nginx:1.27", **fields}


def alb_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "application-load-balancer",
        "load_balancer": ALB,
        "container_port": 80,
        "priority": 1,
        **fields,
    }


def http_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "http-api-gateway",
        "http_api_gateway": GATEWAY,
        "container_port": 80,
        "method": "GET",
        "path": "/x",
        **fields,
    }


def nlb_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "network-load-balancer",
        "load_balancer": NLB,
        "listener_port": 8080,
        "container_port": 80,
        **fields,
    }


def workload(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "containers": list(containers or [container()]),
        "resources": {"cpu": 0.5, "memory": 1024},
        **fields,
    }


def parse(args: dict[str, Any], name: str = "api") -> Any:
    return parse_container_workload(name, args)


# ------------------------------------------------------------------------------------ bad input

HEALTH = {"health_check_command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}

BAD: list[tuple[str, Callable[[], dict[str, Any]], str, tuple[str, ...]]] = [
    # (case, args, field named in the message, fragments of what is allowed)
    ("args not a dict", lambda: ["web"], "args", ("dict",)),
    ("no containers", lambda: workload() | {"containers": []}, "containers", ("non-empty list",)),
    ("containers missing", lambda: {"resources": {"cpu": 1, "memory": 2048}}, "containers", ("required",)),
    ("resources missing", lambda: {"containers": [container()]}, "resources", ("required",)),
    (
        "unknown top-level field",
        lambda: workload(overrides={}),
        "overrides",
        (
            "containers",
            "resources",
            "scaling",
            "deployment",
            "connect_to",
            "iam_role_statements",
            "enable_remote_sessions",
            "use_private_subnets_with_nat",
            "cluster",
        ),
    ),
    (
        "unknown container field",
        lambda: workload(container(ports=[80])),
        "containers[0].ports",
        ("name", "image", "build", "events", "volume_mounts"),
    ),
    (
        "duplicate container names",
        lambda: workload(container(), container(name="WEB", image="redis")),
        "containers[1].name",
        ("no other container",),
    ),
    (
        "container name starting with a digit",
        lambda: workload(container(name="1web")),
        "containers[0].name",
        ("letters, digits", "starting with a letter"),
    ),
    (
        "container without image or build",
        lambda: workload({"name": "web"}),
        "containers[0].image",
        ("exactly one of 'image'", "'build'"),
    ),
    (
        "container with image and build",
        lambda: workload(container(build={"context": "./app"})),
        "containers[0].image",
        ("exactly one of 'image'",),
    ),
    (
        "image that is a local folder",
        lambda: workload(container(image="./app")),
        "containers[0].image",
        ("registry reference", "'build'"),
    ),
    (
        "build context that does not exist",
        lambda: workload({"name": "web", "build": {"context": "./nope"}}),
        "containers[0].build.context",
        ("a folder that exists",),
    ),
    (
        "build without its dockerfile",
        lambda: workload({"name": "web", "build": {"context": "./app", "dockerfile": "Dockerfile.prod"}}),
        "containers[0].build.dockerfile",
        ("a file inside",),
    ),
    (
        "build sources matching nothing",
        lambda: workload({"name": "web", "build": {"context": "./app", "sources": ["src/**/*.py"]}}),
        "containers[0].build.sources[0]",
        ("matching at least one file",),
    ),
    (
        "Fargate pair 1 vCPU / 1024",
        lambda: workload(resources={"cpu": 1, "memory": 1024}),
        "resources.memory",
        ("1 vCPU", "2048, 3072, 4096, 5120, 6144, 7168, 8192"),
    ),
    (
        "Fargate pair 0.25 vCPU / 4096",
        lambda: workload(resources={"cpu": 0.25, "memory": 4096}),
        "resources.memory",
        ("0.25 vCPU", "512, 1024, 2048"),
    ),
    (
        "Fargate pair 16 vCPU / 16384",
        lambda: workload(resources={"cpu": 16, "memory": 16384}),
        "resources.memory",
        ("16 vCPU", "32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880"),
    ),
    (
        "Fargate pair 8 vCPU / 18432",
        lambda: workload(resources={"cpu": 8, "memory": 18432}),
        "resources.memory",
        ("16384, 20480, 24576",),
    ),
    (
        "Fargate without memory",
        lambda: workload(resources={"cpu": 2}),
        "resources.memory",
        ("4096, 5120", "16384"),
    ),
    (
        "Fargate cpu not offered",
        lambda: workload(resources={"cpu": 3, "memory": 8192}),
        "resources.cpu",
        (FARGATE_CPU_LIST, "instance_types"),
    ),
    (
        "no cpu and no instance types",
        lambda: workload(resources={"memory": 2048}),
        "resources.cpu",
        (FARGATE_CPU_LIST, "instance_types"),
    ),
    (
        "warm pool on Fargate",
        lambda: workload(resources={"cpu": 1, "memory": 2048, "enable_warm_pool": True}),
        "resources.enable_warm_pool",
        ("instance_types",),
    ),
    (
        "warm pool with two instance types",
        lambda: workload(resources={"instance_types": ["c5.large", "c5.xlarge"], "enable_warm_pool": True}),
        "resources.enable_warm_pool",
        ("exactly one instance type",),
    ),
    (
        "unknown architecture",
        lambda: workload(resources={"cpu": 1, "memory": 2048, "architecture": "ppc64"}),
        "resources.architecture",
        ("x86_64", "arm64"),
    ),
    (
        "arm64 on an x86 instance type",
        lambda: workload(resources={"instance_types": ["c5.large"], "architecture": "arm64"}),
        "resources.architecture",
        ("'x86_64'",),
    ),
    (
        "instance types of two architectures",
        lambda: workload(resources={"instance_types": ["c5.large", "m7g.large"]}),
        "resources.instance_types",
        ("one architecture",),
    ),
    (
        "malformed instance type",
        lambda: workload(resources={"instance_types": ["large"]}),
        "resources.instance_types[0]",
        ("EC2 instance type",),
    ),
    (
        "cpu on EC2 not a Stacktape size",
        lambda: workload(resources={"instance_types": ["c5.large"], "cpu": 3}),
        "resources.cpu",
        (FARGATE_CPU_LIST,),
    ),
    (
        "unknown resources key",
        lambda: workload(resources={"cpu": 1, "memory": 2048, "gpu": 1}),
        "resources.gpu",
        ("cpu", "memory", "instance_types", "enable_warm_pool", "architecture"),
    ),
    (
        "depends_on an unknown container",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "START"}]),
            container(name="worker", image="busybox"),
        ),
        "containers[0].depends_on[0].container_name",
        ("worker",),
    ),
    (
        "depends_on itself",
        lambda: workload(container(depends_on=[{"container_name": "web", "condition": "START"}])),
        "containers[0].depends_on[0].container_name",
        ("another container",),
    ),
    (
        "bad depends_on condition",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "READY"}]),
            container(name="db", image="postgres"),
        ),
        "containers[0].depends_on[0].condition",
        ("START", "HEALTHY", "COMPLETE", "SUCCESS"),
    ),
    (
        "HEALTHY on a container without a health check",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "HEALTHY"}]),
            container(name="db", image="postgres"),
        ),
        "containers[0].depends_on[0].condition",
        ("internal_health_check",),
    ),
    (
        "dependency cycle",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "START"}]),
            container(
                name="db", image="postgres", depends_on=[{"container_name": "web", "condition": "START"}]
            ),
        ),
        "containers[0].depends_on",
        ("without a cycle",),
    ),
    (
        "duplicate ALB priority on one balancer and listener",
        lambda: workload(
            container(events=[alb_event(paths=["/a"]), alb_event(paths=["/b"], container_port=80)])
        ),
        "containers[0].events[1].priority",
        ("no other event uses", "same load balancer and listener"),
    ),
    (
        "duplicate ALB priority across containers",
        lambda: workload(
            container(events=[alb_event(listener_port=443)]),
            container(name="api", image="api:1", events=[alb_event(container_port=3000, listener_port=443)]),
        ),
        "containers[1].events[0].priority",
        ("no other event uses",),
    ),
    (
        "ALB priority 0",
        lambda: workload(container(events=[alb_event(priority=0)])),
        "containers[0].events[0].priority",
        ("from 1 to 50000",),
    ),
    (
        "ALB priority 50001",
        lambda: workload(container(events=[alb_event(priority=50001)])),
        "containers[0].events[0].priority",
        ("from 1 to 50000",),
    ),
    (
        "ALB event without load_balancer",
        lambda: workload(
            container(events=[{"type": "application-load-balancer", "container_port": 80, "priority": 1}])
        ),
        "containers[0].events[0].load_balancer",
        ("required",),
    ),
    (
        "ALB event without priority",
        lambda: workload(
            container(
                events=[{"type": "application-load-balancer", "load_balancer": ALB, "container_port": 80}]
            )
        ),
        "containers[0].events[0].priority",
        ("required",),
    ),
    (
        "container_port 0",
        lambda: workload(container(events=[{"type": "workload-internal", "container_port": 0}])),
        "containers[0].events[0].container_port",
        ("from 1 to 65535",),
    ),
    (
        "container_port 70000",
        lambda: workload(container(events=[alb_event(container_port=70000)])),
        "containers[0].events[0].container_port",
        ("from 1 to 65535",),
    ),
    (
        "container_port as a string",
        lambda: workload(container(events=[alb_event(container_port="80")])),
        "containers[0].events[0].container_port",
        ("integer",),
    ),
    (
        "unknown event type",
        lambda: workload(container(events=[{"type": "sqs", "container_port": 80}])),
        "containers[0].events[0].type",
        (
            "http-api-gateway",
            "application-load-balancer",
            "network-load-balancer",
            "workload-internal",
            "service-connect",
        ),
    ),
    (
        "unknown ALB event key",
        lambda: workload(container(events=[alb_event(path="/x")])),
        "containers[0].events[0].path",
        ("paths", "methods", "hosts", "headers", "query_params", "source_ips"),
    ),
    (
        "bad ALB method",
        lambda: workload(container(events=[alb_event(methods=["FETCH"])])),
        "containers[0].events[0].methods[0]",
        ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
    ),
    (
        "four paths in one ALB condition",
        lambda: workload(container(events=[alb_event(paths=["/a", "/b", "/c", "/d"])])),
        "containers[0].events[0].paths",
        ("at most 3 values per condition",),
    ),
    (
        "six values in one ALB rule",
        lambda: workload(
            container(
                events=[alb_event(paths=["/a", "/b", "/c"], methods=["GET", "POST"], hosts=["x.example.com"])]
            )
        ),
        "containers[0].events[0]",
        ("at most 5 values",),
    ),
    (
        "source ip that is not a CIDR",
        lambda: workload(container(events=[alb_event(source_ips=["10.0.0.1"])])),
        "containers[0].events[0].source_ips[0]",
        ("CIDR",),
    ),
    (
        "header condition without values",
        lambda: workload(container(events=[alb_event(headers=[{"header_name": "X-Env"}])])),
        "containers[0].events[0].headers[0].values",
        ("required",),
    ),
    (
        "bad HTTP API method",
        lambda: workload(container(events=[http_event(method="ANY")])),
        "containers[0].events[0].method",
        ("*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
    ),
    (
        "HTTP API path without a slash",
        lambda: workload(container(events=[http_event(path="users")])),
        "containers[0].events[0].path",
        ("'*'", "starting with '/'"),
    ),
    (
        "payload_format 3.0",
        lambda: workload(container(events=[http_event(payload_format="3.0")])),
        "containers[0].events[0].payload_format",
        ("'1.0'",),
    ),
    (
        "payload_format 2.0 (Lambda only)",
        lambda: workload(container(events=[http_event(payload_format="2.0")])),
        "containers[0].events[0].payload_format",
        ("'1.0'", "Lambda"),
    ),
    (
        "duplicate HTTP API route",
        lambda: workload(
            container(events=[http_event()]),
            container(
                name="api",
                image="api:1",
                events=[http_event(container_port=3000)],
            ),
        ),
        "containers[1].events[0].path",
        ("no other event uses on the same gateway",),
    ),
    (
        "unknown authorizer type",
        lambda: workload(container(events=[http_event(authorizer={"type": "jwt"})])),
        "containers[0].events[0].authorizer.type",
        ("cognito", "lambda"),
    ),
    (
        "authorizer identity source without $request",
        lambda: workload(
            container(
                events=[
                    http_event(
                        authorizer={
                            "type": "lambda",
                            "function": FUNCTION,
                            "identity_sources": ["Authorization"],
                        }
                    )
                ]
            )
        ),
        "containers[0].events[0].authorizer.identity_sources[0]",
        ("$request.",),
    ),
    (
        "authorizer cache over an hour",
        lambda: workload(
            container(
                events=[
                    http_event(
                        authorizer={"type": "lambda", "function": FUNCTION, "cache_result_seconds": 3601}
                    )
                ]
            )
        ),
        "containers[0].events[0].authorizer.cache_result_seconds",
        ("from 0 to 3600",),
    ),
    (
        "NLB event without listener_port",
        lambda: workload(
            container(events=[{"type": "network-load-balancer", "load_balancer": NLB, "container_port": 80}])
        ),
        "containers[0].events[0].listener_port",
        ("required",),
    ),
    (
        "duplicate NLB listener",
        lambda: workload(
            container(events=[nlb_event()]),
            container(
                name="api",
                image="api:1",
                events=[nlb_event(container_port=3000)],
            ),
        ),
        "containers[1].events[0].listener_port",
        ("no other event uses",),
    ),
    (
        "service-connect protocol tcp",
        lambda: workload(
            container(events=[{"type": "service-connect", "container_port": 80, "protocol": "tcp"}])
        ),
        "containers[0].events[0].protocol",
        ("http", "http2", "grpc"),
    ),
    (
        "service-connect alias with underscores",
        lambda: workload(
            container(events=[{"type": "service-connect", "container_port": 80, "alias": "my_api"}])
        ),
        "containers[0].events[0].alias",
        ("lowercase letters, digits and '-'",),
    ),
    (
        "duplicate service-connect alias",
        lambda: workload(
            container(events=[{"type": "service-connect", "container_port": 80, "alias": "api"}]),
            container(
                name="api",
                image="api:1",
                events=[{"type": "service-connect", "container_port": 3000, "alias": "api"}],
            ),
        ),
        "containers[1].events[0].alias",
        ("no other service-connect event",),
    ),
    (
        "two containers on one port",
        lambda: workload(
            container(events=[{"type": "workload-internal", "container_port": 3000}]),
            container(
                name="api", image="api:1", events=[{"type": "workload-internal", "container_port": 3000}]
            ),
        ),
        "containers[1].events[0].container_port",
        ("'web' does not use",),
    ),
    (
        "min_instances above max_instances",
        lambda: workload(scaling={"min_instances": 3, "max_instances": 2}),
        "scaling.min_instances",
        ("at most max_instances (2)",),
    ),
    (
        "min_instances 0",
        lambda: workload(scaling={"min_instances": 0, "max_instances": 2}),
        "scaling.min_instances",
        ("from 1 to",),
    ),
    (
        "cpu target 0 percent",
        lambda: workload(
            scaling={"max_instances": 3, "scaling_policy": {"keep_avg_cpu_utilization_under": 0}}
        ),
        "scaling.scaling_policy.keep_avg_cpu_utilization_under",
        ("from 1 to 100",),
    ),
    (
        "memory target 120 percent",
        lambda: workload(
            scaling={"max_instances": 3, "scaling_policy": {"keep_avg_memory_utilization_under": 120}}
        ),
        "scaling.scaling_policy.keep_avg_memory_utilization_under",
        ("from 1 to 100",),
    ),
    (
        "unknown deployment strategy",
        lambda: workload(container(events=[alb_event()]), deployment={"strategy": "Canary50Percent"}),
        "deployment.strategy",
        (
            "Canary10Percent5Minutes",
            "Canary10Percent15Minutes",
            "Linear10PercentEvery1Minutes",
            "Linear10PercentEvery3Minutes",
            "AllAtOnce",
        ),
    ),
    (
        "deployment without an ALB event",
        lambda: workload(deployment={"strategy": "AllAtOnce"}),
        "deployment",
        ("application-load-balancer event",),
    ),
    (
        "deployment over two container ports",
        lambda: workload(
            container(events=[alb_event()]),
            container(name="api", image="api:1", events=[alb_event(container_port=3000, priority=2)]),
            deployment={"strategy": "AllAtOnce"},
        ),
        "deployment",
        ("one container port through one Application Load Balancer",),
    ),
    (
        "test listener on the production listener port",
        lambda: workload(
            container(events=[alb_event(listener_port=443)]),
            deployment={"strategy": "AllAtOnce", "test_listener_port": 443},
        ),
        "deployment.test_listener_port",
        ("other than the production listener ports 443",),
    ),
    (
        "test listener on a default listener port",
        lambda: workload(
            container(events=[alb_event()]), deployment={"strategy": "AllAtOnce", "test_listener_port": 80}
        ),
        "deployment.test_listener_port",
        ("80, 443",),
    ),
    (
        "log retention CloudWatch does not offer",
        lambda: workload(container(logging={"retention_days": 45})),
        "containers[0].logging.retention_days",
        (
            "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, "
            "1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ),
    ),
    (
        "no essential container",
        lambda: workload(container(essential=False), container(name="api", image="api:1", essential=False)),
        "containers",
        ("at least one container with essential: true",),
    ),
    (
        "stop_timeout 1",
        lambda: workload(container(stop_timeout=1)),
        "containers[0].stop_timeout",
        ("from 2 to 120",),
    ),
    (
        "stop_timeout 121",
        lambda: workload(container(stop_timeout=121)),
        "containers[0].stop_timeout",
        ("from 2 to 120",),
    ),
    (
        "health check command without CMD",
        lambda: workload(container(internal_health_check={"health_check_command": ["curl", "localhost"]})),
        "containers[0].internal_health_check.health_check_command",
        ("'CMD'", "'CMD-SHELL'"),
    ),
    (
        "health check interval 4 s",
        lambda: workload(container(internal_health_check={**HEALTH, "interval_seconds": 4})),
        "containers[0].internal_health_check.interval_seconds",
        ("from 5 to 300",),
    ),
    (
        "health check retries 11",
        lambda: workload(container(internal_health_check={**HEALTH, "retries": 11})),
        "containers[0].internal_health_check.retries",
        ("from 1 to 10",),
    ),
    (
        "health check start period 301 s",
        lambda: workload(container(internal_health_check={**HEALTH, "start_period_seconds": 301})),
        "containers[0].internal_health_check.start_period_seconds",
        ("from 0 to 300",),
    ),
    (
        "load balancer health check without a load balancer",
        lambda: workload(container(load_balancer_health_check={"path": "/health"})),
        "containers[0].load_balancer_health_check",
        ("application-load-balancer", "network-load-balancer"),
    ),
    (
        "TCP health check behind an ALB",
        lambda: workload(container(events=[alb_event()], load_balancer_health_check={"protocol": "TCP"})),
        "containers[0].load_balancer_health_check.protocol",
        ("HTTP",),
    ),
    (
        "health check timeout not below interval",
        lambda: workload(
            container(
                events=[alb_event()], load_balancer_health_check={"interval_seconds": 5, "timeout_seconds": 5}
            )
        ),
        "containers[0].load_balancer_health_check.timeout_seconds",
        ("less than interval_seconds (5)",),
    ),
    (
        "health check path behind an NLB without protocol",
        lambda: workload(
            container(
                events=[nlb_event(listener_port=80)],
                load_balancer_health_check={"path": "/health"},
            )
        ),
        "containers[0].load_balancer_health_check.protocol",
        ("'HTTP'", "default is TCP"),
    ),
    (
        "health check path without a slash",
        lambda: workload(container(events=[alb_event()], load_balancer_health_check={"path": "health"})),
        "containers[0].load_balancer_health_check.path",
        ("starting with '/'",),
    ),
    (
        "environment value that is a list",
        lambda: workload(container(environment={"HOSTS": ["a", "b"]})),
        "containers[0].environment.HOSTS",
        ("string, number, boolean or an Output",),
    ),
    (
        "environment name with a dash",
        lambda: workload(container(environment={"MY-VAR": "x"})),
        "containers[0].environment",
        ("letters, digits and '_'",),
    ),
    (
        "Output as a container port",
        lambda: workload(container(events=[alb_event(container_port=pulumi.Output.from_input(80))])),
        "containers[0].events[0].container_port",
        ("not an Output",),
    ),
    (
        "Output as resources.cpu",
        lambda: workload(resources={"cpu": pulumi.Output.from_input(1), "memory": 2048}),
        "resources.cpu",
        ("not an Output",),
    ),
    (
        "Output as a load balancer",
        lambda: workload(container(events=[alb_event(load_balancer=pulumi.Output.from_input("arn:lb"))])),
        "containers[0].events[0].load_balancer",
        ("not an Output",),
    ),
    (
        "Output as the containers list",
        lambda: workload() | {"containers": pulumi.Output.from_input([])},
        "containers",
        ("not an Output",),
    ),
    (
        "Output as the cluster",
        lambda: workload(cluster=pulumi.Output.from_input("c")),
        "cluster",
        ("not an Output",),
    ),
    (
        "enable_remote_sessions 'yes'",
        lambda: workload(enable_remote_sessions="yes"),
        "enable_remote_sessions",
        ("true or false",),
    ),
    (
        "IAM action without a service",
        lambda: workload(iam_role_statements=[{"action": ["Publish"], "resource": ["*"]}]),
        "iam_role_statements[0].action[0]",
        ("'service:Action'",),
    ),
    (
        "IAM effect Maybe",
        lambda: workload(
            iam_role_statements=[{"action": ["sns:Publish"], "resource": ["*"], "effect": "Maybe"}]
        ),
        "iam_role_statements[0].effect",
        ("Allow", "Deny"),
    ),
    (
        "IAM statement without resource",
        lambda: workload(iam_role_statements=[{"action": ["sns:Publish"]}]),
        "iam_role_statements[0].resource",
        ("required",),
    ),
    (
        "connect_to an unknown AWS service",
        lambda: workload(connect_to=["aws:s3"]),
        "connect_to[0]",
        ("aws:ses",),
    ),
    (
        "connect_to the same bucket twice",
        lambda: workload(connect_to=[BUCKET, BUCKET]),
        "connect_to[1]",
        ("each target once",),
    ),
    (
        "volume mount of type ebs",
        lambda: workload(
            container(volume_mounts=[{"type": "ebs", "efs_filesystem": EFS, "mount_path": "/data"}])
        ),
        "containers[0].volume_mounts[0].type",
        ("efs",),
    ),
    (
        "volume mount at a relative path",
        lambda: workload(
            container(volume_mounts=[{"type": "efs", "efs_filesystem": EFS, "mount_path": "data"}])
        ),
        "containers[0].volume_mounts[0].mount_path",
        ("absolute path",),
    ),
    (
        "two volumes at one path",
        lambda: workload(
            container(
                volume_mounts=[
                    {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"},
                    {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"},
                ]
            )
        ),
        "containers[0].volume_mounts[1].mount_path",
        ("no other volume",),
    ),
]


@pytest.mark.parametrize(
    ("args", "field", "fragments"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_bad_configuration_is_one_clear_error(
    args: Callable[[], dict[str, Any]], field: str, fragments: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse(args())
    error = caught.value
    assert (error.component, error.resource, error.field) == ("ContainerWorkload", "api", field)
    for fragment in fragments:
        assert fragment in error.allowed
    message = str(error)
    assert message.startswith(f'ContainerWorkload "api": field "{field}" got ')
    assert message.endswith(f"allowed: {error.allowed}.")


def test_there_are_at_least_25_distinct_bad_configurations() -> None:
    assert len({case[0] for case in BAD}) == len(BAD) >= 25
    assert len({case[2] for case in BAD}) >= 25  # distinct fields, not one field many times


def test_the_args_are_not_mutated() -> None:
    args = workload(container(events=[alb_event()], environment={"PORT": 80}))
    before = copy.deepcopy(args)
    parse(args)
    assert repr(args) == repr(before)  # Component objects compare by identity, so compare their text


# ------------------------------------------------------------------ the Stacktape page, snippet by snippet


# Most snippets on the page ask for `cpu: 2, memory: 2048`, which Fargate does not offer (2 vCPU
# take 4096..16384 MiB, as Stacktape's own reference for `memory` says); they are translated with
# the smallest valid memory, and `test_the_pages_2_vcpu_2048_mib_is_rejected` covers the literal.
DOC_2_VCPU = {"cpu": 2, "memory": 4096}


def test_the_pages_2_vcpu_2048_mib_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse(workload(resources={"cpu": 2, "memory": 2048}))
    assert caught.value.field == "resources.memory"
    assert "4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384" in (
        caught.value.allowed
    )


def build(entry: str = "src/index.ts") -> dict[str, Any]:
    """Stacktape's `stacktape-image-buildpack` packaging of `entry`: here, a build of ./app."""
    assert (Path("app") / entry).is_file()
    return {"context": "./app"}


def test_basic_usage_container_connected_to_http_api_gateway() -> None:
    main_gateway = Component("mainGateway")
    spec = parse(
        {
            "resources": DOC_2_VCPU,
            "scaling": {"min_instances": 1, "max_instances": 5},
            "containers": [
                {
                    "name": "api-container",
                    "build": build(),
                    "environment": {"PORT": 3000},
                    "events": [
                        http_event(
                            method="*", path="/{proxy+}", container_port=3000, http_api_gateway=main_gateway
                        )
                    ],
                }
            ],
        },
        "apiServer",
    )
    assert spec.resources == FargateResources(cpu=2.0, memory=4096, architecture="x86_64")
    assert (spec.scaling.min_instances, spec.scaling.max_instances) == (1, 5)
    (api,) = spec.containers
    assert api.environment == {"PORT": "3000"}  # Stacktape converts numbers to strings
    (event,) = api.events
    assert isinstance(event, HttpApiGatewayEvent)
    assert (event.http_api_gateway, event.method, event.path, event.container_port) == (
        main_gateway,
        "*",
        "/{proxy+}",
        3000,
    )
    assert event.payload_format == "1.0"  # Stacktape's default
    assert event.authorizer is None
    assert api.build is not None and api.build.path == (Path.cwd() / "app").resolve()
    assert api.image is None


def test_environment_variables_snippet_keeps_outputs_as_secrets() -> None:
    db_host = pulumi.Output.from_input("db.internal")
    db_password = pulumi.Output.secret("hunter2")
    spec = parse(
        workload(
            container(
                environment={
                    "STATIC_ENV_VAR": "my-env-var",
                    "DYNAMICALLY_SET_ENV_VAR": "value-from-my-directive",
                    "DB_HOST": db_host,
                    "DB_PASSWORD": db_password,
                }
            )
        )
    )
    (web,) = spec.containers
    assert web.environment["STATIC_ENV_VAR"] == "my-env-var"
    assert web.environment["DB_HOST"] is db_host
    assert web.environment["DB_PASSWORD"] is db_password
    assert web.secret_env_names == {"DB_HOST", "DB_PASSWORD"}


def dependencies_snippet(frontend_depends_on: str) -> dict[str, Any]:
    return {
        "containers": [
            {
                "name": "frontend-container",
                "build": build("src/index.ts"),
                "depends_on": [{"container_name": frontend_depends_on, "condition": "START"}],
                "environment": {"PORT": 80, "API_COINTAINER_PORT": 3000},
                "events": [http_event(path="*", method="*")],
            },
            {
                "name": "api-container",
                "build": build("src/index.ts"),
                "environment": {"PORT": 3000},
                "events": [{"type": "workload-internal", "container_port": 3000}],
            },
        ],
        "resources": DOC_2_VCPU,
    }


def test_dependencies_between_containers_snippet() -> None:
    spec = parse(dependencies_snippet("api-container"), "myMultiContainerWorkload")
    frontend, api = spec.containers
    assert [(d.container_name, d.condition) for d in frontend.depends_on] == [("api-container", "START")]
    assert api.events == (WorkloadInternalEvent(container_port=3000),)
    assert frontend.environment["API_COINTAINER_PORT"] == "3000"


def test_dependencies_snippet_as_printed_names_a_container_it_does_not_have() -> None:
    # The page's snippet depends on 'backend' but names its containers frontend-container and
    # api-container; we say so before deploying rather than let ECS reject the task definition.
    with pytest.raises(InvalidArgumentError) as caught:
        parse(dependencies_snippet("backend"), "myMultiContainerWorkload")
    assert caught.value.field == "containers[0].depends_on[0].container_name"
    assert "api-container" in caught.value.allowed


def test_healthcheck_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "api-container",
                    "build": build(),
                    "internal_health_check": {
                        "health_check_command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                        "interval_seconds": 20,
                        "timeout_seconds": 5,
                        "start_period_seconds": 150,
                        "retries": 2,
                    },
                }
            ],
            "resources": DOC_2_VCPU,
        },
        "myContainerWorkload",
    )
    check = spec.containers[0].internal_health_check
    assert check is not None
    assert check.health_check_command == ("CMD-SHELL", "curl -f http://localhost/ || exit 1")
    assert (check.interval_seconds, check.timeout_seconds, check.start_period_seconds, check.retries) == (
        20,
        5,
        150,
        2,
    )


def test_shutdown_and_logging_defaults() -> None:
    (web,) = parse(workload()).containers
    assert web.stop_timeout == 2  # "By default, they have 2 seconds before a SIGKILL"
    assert web.essential is True
    assert (web.logging.disabled, web.logging.retention_days) == (False, 90)
    custom = parse(workload(container(stop_timeout=30, logging={"retention_days": 30}))).containers[0]
    assert (custom.stop_timeout, custom.logging.retention_days) == (30, 30)


def test_http_api_event_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "api-container",
                    "build": build(),
                    "events": [http_event(path="/my-path")],
                }
            ],
            "resources": DOC_2_VCPU,
        },
        "myApp",
    )
    (event,) = spec.containers[0].events
    assert (event.method, event.path, event.container_port) == ("GET", "/my-path", 80)
    assert spec.http_api_routes == ((spec.containers[0], event),)


def alb_snippet(**deployment: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "containers": [
            {
                "name": "api-container",
                "build": build(),
                "events": [
                    {
                        "type": "application-load-balancer",
                        "load_balancer": ALB,
                        "container_port": 80,
                        "priority": 1,
                        "paths": ["*"],
                    }
                ],
            }
        ],
        "resources": DOC_2_VCPU,
    }
    if deployment:
        args["deployment"] = deployment
    return args


def test_application_load_balancer_event_snippet() -> None:
    spec = parse(alb_snippet(), "myApp")
    (event,) = spec.containers[0].events
    assert isinstance(event, ApplicationLoadBalancerEvent)
    assert (event.load_balancer, event.container_port, event.priority, event.paths) == (ALB, 80, 1, ("*",))
    assert event.listener_port is None
    (target,) = spec.load_balanced_targets
    assert (target.kind, target.load_balancer, target.container_name, target.container_port) == (
        "application",
        ALB,
        "api-container",
        80,
    )
    # Stacktape's load balancer health check defaults: '/', every 5 s, 4 s timeout, HTTP behind an ALB.
    check = target.health_check
    assert (check.path, check.interval_seconds, check.timeout_seconds, check.protocol, check.port) == (
        "/",
        5,
        4,
        "HTTP",
        None,
    )


def test_alb_event_with_every_condition() -> None:
    spec = parse(
        workload(
            container(
                events=[
                    alb_event(
                        # five values: the most one ALB rule takes
                        listener_port=443,
                        paths=["/api/*"],
                        hosts=["api.example.com"],
                        headers=[{"header_name": "X-Version", "values": ["2"]}],
                        query_params=[{"param_name": "beta", "values": ["true"]}],
                        source_ips=["203.0.113.0/24"],
                    )
                ]
            )
        )
    )
    (event,) = spec.containers[0].events
    assert event.headers[0].header_name == "X-Version" and event.headers[0].values == ("2",)
    assert event.query_params[0].param_name == "beta" and event.query_params[0].values == ("true",)
    assert event.source_ips == ("203.0.113.0/24",) and event.listener_port == 443


def test_network_load_balancer_event_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "container1",
                    "build": build(),
                    "events": [nlb_event(container_port=8080)],
                }
            ],
            "resources": {"cpu": 0.25, "memory": 512},
        },
        "myWorkload",
    )
    assert spec.containers[0].events == (
        NetworkLoadBalancerEvent(load_balancer=NLB, listener_port=8080, container_port=8080),
    )
    (target,) = spec.load_balanced_targets
    assert (target.kind, target.health_check.protocol) == ("network", "TCP")  # NLB default
    assert spec.resources == FargateResources(cpu=0.25, memory=512)


def test_internal_port_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "frontend",
                    "build": build(),
                    "depends_on": [{"container_name": "backend", "condition": "START"}],
                    "environment": {"PORT": 80, "BACKEND_PORT": 3000},
                    "events": [http_event(path="/my-path")],
                },
                {
                    "name": "backend",
                    "build": build(),
                    "environment": {"PORT": 3000},
                    "events": [{"type": "workload-internal", "container_port": 3000}],
                },
            ],
            "resources": DOC_2_VCPU,
        },
        "myApp",
    )
    frontend, backend = spec.containers
    assert frontend.container_ports == (80,) and backend.container_ports == (3000,)
    assert spec.load_balanced_targets == ()


def test_service_connect_snippet_with_default_alias() -> None:
    internal = parse(
        {
            "containers": [
                {
                    "name": "api",
                    "build": build(),
                    "events": [{"type": "service-connect", "container_port": 3000}],
                }
            ],
            "resources": DOC_2_VCPU,
        },
        "internalService",
    )
    public = parse(
        {"containers": [{"name": "api", "build": build()}], "resources": DOC_2_VCPU}, "publicService"
    )
    (event,) = internal.containers[0].events
    # "By default, the alias is derived from the resource and container names".
    assert event == ServiceConnectEvent(container_port=3000, alias="internal-service-api", protocol=None)
    assert public.service_connect_ports == ()


def test_service_connect_alias_and_protocol() -> None:
    spec = parse(
        workload(
            container(
                events=[
                    {
                        "type": "service-connect",
                        "container_port": 8080,
                        "alias": "my-service",
                        "protocol": "grpc",
                    }
                ]
            )
        )
    )
    assert spec.containers[0].events[0] == ServiceConnectEvent(
        container_port=8080, alias="my-service", protocol="grpc"
    )


def test_using_fargate_snippet() -> None:
    spec = parse(
        {
            "containers": [{"name": "api-container", "build": build()}],
            "resources": {"cpu": 0.25, "memory": 512},
        },
        "myContainerWorkload",
    )
    assert spec.on_fargate and spec.resources.cpu_units == 256


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [
        (0.25, 512),
        (0.5, 4096),
        (1, 8192),
        (2, 16384),
        (4, 30720),
        (8, 61440),
        (16, 122880),
        (16, 32768),
        (4, 9216),
        (8, 20480),
    ],
)
def test_every_fargate_edge_pair_is_accepted(cpu: float, memory: int) -> None:
    resources = parse(workload(resources={"cpu": cpu, "memory": memory})).resources
    assert resources == FargateResources(cpu=float(cpu), memory=memory)


def test_using_ec2_instances_snippet() -> None:
    spec = parse(
        {
            "containers": [{"name": "api-container", "build": build()}],
            "resources": {"instance_types": ["c5.large"]},
        },
        "myContainerWorkload",
    )
    assert spec.resources == Ec2Resources(
        instance_types=("c5.large",), cpu=None, memory=None, enable_warm_pool=False, architecture="x86_64"
    )
    assert not spec.on_fargate


def test_warm_pool_snippet() -> None:
    resources = parse(
        workload(resources={"instance_types": ["c5.large"], "enable_warm_pool": True})
    ).resources
    assert isinstance(resources, Ec2Resources) and resources.enable_warm_pool


def test_ec2_with_cpu_and_memory_binpacks_and_graviton_is_arm64() -> None:
    # "If you specify cpu and memory, AWS uses a binpack strategy" -- allowed together with instanceTypes.
    resources = parse(
        workload(
            resources={
                "instance_types": ["m7g.large", "c7g.xlarge"],
                "cpu": 1,
                "memory": 2048,
                "architecture": "arm64",
            }
        )
    ).resources
    assert resources == Ec2Resources(
        instance_types=("m7g.large", "c7g.xlarge"),
        cpu=1.0,
        memory=2048,
        enable_warm_pool=False,
        architecture="arm64",
    )
    assert parse(workload(resources={"instance_types": ["t4g.small"]})).resources.architecture == "arm64"


def test_fargate_arm64() -> None:
    assert (
        parse(workload(resources={"cpu": 1, "memory": 2048, "architecture": "arm64"})).resources.architecture
        == "arm64"
    )


def test_scaling_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "container-1",
                    "build": build(),
                    "events": [http_event(method="*", path="*")],
                },
                {
                    "name": "container-2",
                    "build": build(),
                    "events": [{"type": "workload-internal", "container_port": 3000}],
                },
            ],
            "resources": {"cpu": 0.5, "memory": 1024},
            "scaling": {
                "min_instances": 1,
                "max_instances": 5,
                "scaling_policy": {
                    "keep_avg_memory_utilization_under": 80,
                    "keep_avg_cpu_utilization_under": 80,
                },
            },
        },
        "myContainerWorkload",
    )
    assert spec.scaling.autoscaled
    assert spec.scaling.scaling_policy.keep_avg_cpu_utilization_under == 80
    assert spec.scaling.scaling_policy.keep_avg_memory_utilization_under == 80


def test_scaling_defaults() -> None:
    scaling = parse(workload()).scaling
    assert (scaling.min_instances, scaling.max_instances) == (1, 1)  # Stacktape's defaults
    assert not scaling.autoscaled
    assert scaling.scaling_policy.keep_avg_cpu_utilization_under == 80
    assert scaling.scaling_policy.keep_avg_memory_utilization_under == 80
    partial = parse(
        workload(scaling={"max_instances": 4, "scaling_policy": {"keep_avg_cpu_utilization_under": 60}})
    )
    assert partial.scaling.scaling_policy.keep_avg_cpu_utilization_under == 60
    assert partial.scaling.scaling_policy.keep_avg_memory_utilization_under == 80
    assert parse(workload(scaling={"min_instances": 3})).scaling.max_instances == 3


def test_connect_to_snippet() -> None:
    spec = parse(
        {
            "containers": [{"name": "apiContainer", "build": build()}],
            "connect_to": [BUCKET, "aws:ses"],
            "resources": {"cpu": 0.25, "memory": 512},
        },
        "myContainerWorkload",
    )
    assert spec.connect_to == (BUCKET, "aws:ses")
    assert spec.containers[0].name == "apiContainer"


def test_connect_to_accepts_an_output() -> None:
    target = pulumi.Output.from_input(BUCKET)
    assert parse(workload(connect_to=[target])).connect_to == (target,)


def test_iam_role_statements_snippet() -> None:
    topic_arn = pulumi.Output.from_input("arn:aws:sns:eu-west-1:123456789012:NotificationTopic")
    spec = parse(
        {
            "containers": [{"name": "apiContainer", "build": build()}],
            "iam_role_statements": [{"resource": [topic_arn], "effect": "Allow", "action": ["sns:Publish"]}],
            "resources": DOC_2_VCPU,
        },
        "myContainerWorkload",
    )
    (statement,) = spec.iam_role_statements
    assert (statement.effect, statement.action, statement.resource) == (
        "Allow",
        ("sns:Publish",),
        (topic_arn,),
    )
    default_effect = parse(
        workload(
            iam_role_statements=[
                {
                    "action": ["s3:Get*"],
                    "resource": ["*"],
                    "sid": "ReadAll",
                    "condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                }
            ]
        )
    ).iam_role_statements[0]
    assert default_effect.effect == "Allow"  # Stacktape's default
    assert default_effect.sid == "ReadAll" and default_effect.condition["StringEquals"]


def test_deployment_strategies_snippet() -> None:
    spec = parse(alb_snippet(strategy="Canary10Percent5Minutes"), "myApp")
    assert spec.deployment is not None
    assert spec.deployment.strategy == "Canary10Percent5Minutes"
    assert spec.deployment.before_allow_traffic_function is None


@pytest.mark.parametrize(
    "strategy",
    [
        "Canary10Percent5Minutes",
        "Canary10Percent15Minutes",
        "Linear10PercentEvery1Minutes",
        "Linear10PercentEvery3Minutes",
        "AllAtOnce",
    ],
)
def test_every_stacktape_strategy_is_accepted(strategy: str) -> None:
    assert parse(alb_snippet(strategy=strategy)).deployment.strategy == strategy


def test_hook_functions_snippet() -> None:
    spec = parse(
        alb_snippet(
            strategy="Canary10Percent5Minutes",
            after_traffic_shift_function=FUNCTION,
            before_allow_traffic_function=pulumi.Output.from_input("arn:aws:lambda:fn"),
            test_listener_port=8080,
        ),
        "myApp",
    )
    assert spec.deployment.after_traffic_shift_function is FUNCTION
    assert isinstance(spec.deployment.before_allow_traffic_function, pulumi.Output)
    assert spec.deployment.test_listener_port == 8080


def test_remote_sessions_private_subnets_and_cluster() -> None:
    cluster = Component("cluster")
    spec = parse(workload(enable_remote_sessions=True, use_private_subnets_with_nat=True, cluster=cluster))
    assert spec.enable_remote_sessions and spec.use_private_subnets_with_nat and spec.cluster is cluster
    defaults = parse(workload())
    assert not defaults.enable_remote_sessions and not defaults.use_private_subnets_with_nat
    assert defaults.cluster is None


def test_the_brief_example_parses() -> None:
    secret = pulumi.Output.secret("token")
    spec = parse(
        {
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "command": ["/docker-entrypoint.sh"],
                    "args": ["nginx"],
                    "environment": {"PORT": "80", "TOKEN": secret},
                    "events": [
                        alb_event(paths=["/api/*"], methods=["GET", "POST"], listener_port=443),
                        http_event(
                            path="/my-path",
                            authorizer={"type": "cognito", "user_pool": Component("pool")},
                            payload_format="1.0",
                        ),
                        {"type": "service-connect", "container_port": 80, "alias": "web", "protocol": "http"},
                    ],
                    "load_balancer_health_check": {"path": "/health"},
                    "essential": True,
                    "logging": {"retention_days": 30},
                    "depends_on": [{"container_name": "db", "condition": "HEALTHY"}],
                    "stop_timeout": 2,
                    "volume_mounts": [{"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"}],
                },
                {
                    "name": "db",
                    "image": "postgres:17",
                    "essential": False,
                    "internal_health_check": {
                        "health_check_command": ["CMD", "pg_isready"],
                        "interval_seconds": 30,
                        "timeout_seconds": 5,
                        "retries": 3,
                        "start_period_seconds": 0,
                    },
                    "events": [{"type": "workload-internal", "container_port": 5432}],
                },
                {
                    "name": "metrics",
                    "image": "prom/statsd-exporter",
                    "events": [nlb_event(listener_port=8125, container_port=9125)],
                },
            ],
            "resources": {"cpu": 0.5, "memory": 1024},
            "scaling": {
                "min_instances": 1,
                "max_instances": 5,
                "scaling_policy": {
                    "keep_avg_cpu_utilization_under": 80,
                    "keep_avg_memory_utilization_under": 80,
                },
            },
            "connect_to": [BUCKET],
            "iam_role_statements": [
                {
                    "effect": "Allow",
                    "action": ["s3:GetObject"],
                    "resource": ["*"],
                    "condition": {"Bool": {"aws:SecureTransport": "true"}},
                }
            ],
            "enable_remote_sessions": True,
            "use_private_subnets_with_nat": False,
            "cluster": Component("cluster"),
        }
    )
    web, db, metrics = spec.containers
    assert (web.command, web.args) == (("/docker-entrypoint.sh",), ("nginx",))
    assert web.secret_env_names == {"TOKEN"}
    assert isinstance(web.events[1].authorizer, CognitoAuthorizer)
    assert web.events[1].authorizer.identity_sources == ("$request.header.Authorization",)
    assert web.volume_mounts[0].root_directory == "/"  # Stacktape's default
    assert [t.key for t in spec.load_balanced_targets] == ["web-80-alb0", "metrics-9125-nlb0"]
    assert spec.load_balanced_targets[0].health_check.path == "/health"
    assert db.essential is False and metrics.container_ports == (9125,)


def test_lambda_authorizer_defaults() -> None:
    spec = parse(
        workload(
            container(
                events=[
                    http_event(
                        method="POST", path="/orders", authorizer={"type": "lambda", "function": FUNCTION}
                    )
                ]
            )
        )
    )
    authorizer = spec.containers[0].events[0].authorizer
    assert authorizer == LambdaAuthorizer(
        function=FUNCTION,
        iam_response=False,
        identity_sources=("$request.header.Authorization",),
        cache_result_seconds=0,
    )


def test_targets_group_events_by_balancer_container_and_port() -> None:
    spec = parse(
        workload(
            container(
                events=[
                    alb_event(paths=["/a"]),
                    alb_event(paths=["/b"], priority=2),
                    alb_event(load_balancer=ALB2, priority=1),
                ]
            ),
            container(name="api", image="api:1", events=[alb_event(container_port=3000, priority=3)]),
        )
    )
    keys = [(t.key, len(t.events)) for t in spec.load_balanced_targets]
    assert keys == [("web-80-alb0", 2), ("web-80-alb1", 1), ("api-3000-alb0", 1)]


# ------------------------------------------------------------------------------------ build contexts


def test_build_hash_follows_sources_and_dockerfile(project: Path) -> None:
    def build_hash(**extra: Any) -> str:
        spec = parse(workload({"name": "web", "build": {"context": "./app", **extra}}))
        return spec.containers[0].build.content_hash

    everything = build_hash()
    only_src = build_hash(sources=["src/**/*"])
    assert everything != only_src
    (project / "app" / "README.md").write_text("changed docs\n")
    assert build_hash(sources=["src/**/*"]) == only_src  # README is not a source
    assert build_hash() != everything
    (project / "app" / "Dockerfile").write_text("FROM node:23\n")
    assert build_hash(sources=["src/**/*"]) != only_src  # the Dockerfile always counts


def test_build_with_another_dockerfile(project: Path) -> None:
    (project / "app" / "Dockerfile.prod").write_text("FROM node:22-slim\n")
    spec = parse(workload({"name": "web", "build": {"context": "./app", "dockerfile": "Dockerfile.prod"}}))
    assert spec.containers[0].build.dockerfile == "Dockerfile.prod"
    assert spec.containers[0].build.sources == ("**/*",)


def test_nlb_health_check_over_http_with_a_path() -> None:
    spec = parse(
        workload(
            container(
                events=[nlb_event(listener_port=80)],
                load_balancer_health_check={"path": "/ready", "protocol": "HTTP", "port": 8081},
            )
        )
    )
    check = spec.load_balanced_targets[0].health_check
    assert (check.protocol, check.path, check.port) == ("HTTP", "/ready", 8081)
