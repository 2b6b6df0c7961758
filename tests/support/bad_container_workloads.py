"""Bad ContainerWorkload args by concern, each with the field its error must name and what it must
allow, written out by hand from AWS's and Stacktape's documentation, not copied from the code.

Rows of the one bad-input table (`tests/test_bad_input.py` runs them with the rest). Each gives a
ContainerWorkload named `bad` its args on ecs; the parser refuses them before the platform or any
object they name is looked at, so load balancers, buckets and the like are stand-ins here (the
table's cross-component rows use real ones).
"""

from collections.abc import Callable
from typing import Any

import pulumi

from components import ContainerWorkload
from tests.support.bad_input import AnyOf, Bad
from tests.support.container_workload_args import (
    ALB,
    BUCKET,
    EFS,
    FARGATE_CPU_LIST,
    FUNCTION,
    HEALTH,
    NLB,
    alb_event,
    container,
    http_event,
    nlb_event,
    workload,
)

CWL, ECS = "ContainerWorkload", "ecs"


def given(args: Callable[[], Any]) -> Callable[[], object]:
    """The program: a ContainerWorkload named `bad` with `args` (which may be deliberately ill-typed)."""
    return lambda: ContainerWorkload("bad", args())


BAD_WORKLOAD: list[Bad] = [
    Bad("args not a dict", CWL, "args", ["web"], "dict", given(lambda: ["web"]), ECS),
    Bad(
        "no containers",
        CWL,
        "containers",
        [],
        "non-empty list",
        given(lambda: workload() | {"containers": []}),
        ECS,
    ),
    Bad(
        "containers missing",
        CWL,
        "containers",
        None,
        "required",
        given(lambda: {"resources": {"cpu": 1, "memory": 2048}}),
        ECS,
    ),
    Bad(
        "unknown top-level field",
        CWL,
        "overrides",
        {},
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
        given(lambda: workload(overrides={})),
        ECS,
    ),
    Bad(
        "unknown deployment strategy",
        CWL,
        "deployment.strategy",
        "Canary50Percent",
        (
            "Canary10Percent5Minutes",
            "Canary10Percent15Minutes",
            "Linear10PercentEvery1Minutes",
            "Linear10PercentEvery3Minutes",
            "AllAtOnce",
        ),
        given(lambda: workload(container(events=[alb_event()]), deployment={"strategy": "Canary50Percent"})),
        ECS,
    ),
    Bad(
        "deployment without an ALB event",
        CWL,
        "deployment",
        {"strategy": "AllAtOnce"},
        "application-load-balancer event",
        given(lambda: workload(deployment={"strategy": "AllAtOnce"})),
        ECS,
    ),
    Bad(
        "deployment over two container ports",
        CWL,
        "deployment",
        ["web-80-alb0", "api-3000-alb0"],
        "one container port through one Application Load Balancer",
        given(
            lambda: workload(
                container(events=[alb_event()]),
                container(name="api", image="api:1", events=[alb_event(container_port=3000, priority=2)]),
                deployment={"strategy": "AllAtOnce"},
            )
        ),
        ECS,
    ),
    Bad(
        "test listener on the production listener port",
        CWL,
        "deployment.test_listener_port",
        443,
        "other than the production listener ports 443",
        given(
            lambda: workload(
                container(events=[alb_event(listener_port=443)]),
                deployment={"strategy": "AllAtOnce", "test_listener_port": 443},
            )
        ),
        ECS,
    ),
    Bad(
        "test listener on a default listener port",
        CWL,
        "deployment.test_listener_port",
        80,
        "80, 443",
        given(
            lambda: workload(
                container(events=[alb_event()]),
                deployment={"strategy": "AllAtOnce", "test_listener_port": 80},
            )
        ),
        ECS,
    ),
    Bad(
        "no essential container",
        CWL,
        "containers",
        ["web", "api"],
        "at least one container with essential: true",
        given(
            lambda: workload(
                container(essential=False), container(name="api", image="api:1", essential=False)
            )
        ),
        ECS,
    ),
    Bad(
        "Output as the containers list",
        CWL,
        "containers",
        AnyOf(pulumi.Output),
        "not an Output",
        given(lambda: workload() | {"containers": pulumi.Output.from_input([])}),
        ECS,
    ),
    Bad(
        "Output as the cluster",
        CWL,
        "cluster",
        AnyOf(pulumi.Output),
        "not an Output",
        given(lambda: workload(cluster=pulumi.Output.from_input("c"))),
        ECS,
    ),
    Bad(
        "enable_remote_sessions 'yes'",
        CWL,
        "enable_remote_sessions",
        "yes",
        "true or false",
        given(lambda: workload(enable_remote_sessions="yes")),
        ECS,
    ),
]


BAD_CONTAINERS: list[Bad] = [
    Bad(
        "unknown container field",
        CWL,
        "containers[0].ports",
        [80],
        ("name", "image", "build", "events", "volume_mounts"),
        given(lambda: workload(container(ports=[80]))),
        ECS,
    ),
    Bad(
        "duplicate container names in another case",
        CWL,
        "containers[1].name",
        "WEB",
        "no other container",
        given(lambda: workload(container(), container(name="WEB", image="redis"))),
        ECS,
    ),
    Bad(
        "container name starting with a digit",
        CWL,
        "containers[0].name",
        "1web",
        ("letters, digits", "starting with a letter"),
        given(lambda: workload(container(name="1web"))),
        ECS,
    ),
    Bad(
        "container without image or build",
        CWL,
        "containers[0].image",
        None,
        ("exactly one of 'image'", "'build'"),
        given(lambda: workload({"name": "web"})),
        ECS,
    ),
    Bad(
        "container with image and build",
        CWL,
        "containers[0].image",
        {"image": "nginx:1.27", "build": {"context": "./app"}},
        "exactly one of 'image'",
        given(lambda: workload(container(build={"context": "./app"}))),
        ECS,
    ),
    Bad(
        "image that is a local folder",
        CWL,
        "containers[0].image",
        "./app",
        ("registry reference", "'build'"),
        given(lambda: workload(container(image="./app"))),
        ECS,
    ),
    Bad(
        "build context that does not exist",
        CWL,
        "containers[0].build.context",
        "./nope",
        "a folder that exists",
        given(lambda: workload({"name": "web", "build": {"context": "./nope"}})),
        ECS,
    ),
    Bad(
        "build without its dockerfile",
        CWL,
        "containers[0].build.dockerfile",
        "Dockerfile.prod",
        "a file inside",
        given(
            lambda: workload({"name": "web", "build": {"context": "./app", "dockerfile": "Dockerfile.prod"}})
        ),
        ECS,
    ),
    Bad(
        "build sources matching nothing",
        CWL,
        "containers[0].build.sources[0]",
        "src/**/*.py",
        "matching at least one file",
        given(lambda: workload({"name": "web", "build": {"context": "./app", "sources": ["src/**/*.py"]}})),
        ECS,
    ),
    Bad(
        "depends_on a misspelt container",
        CWL,
        "containers[0].depends_on[0].container_name",
        "wrker",
        "worker",
        given(
            lambda: workload(
                container(depends_on=[{"container_name": "wrker", "condition": "START"}]),
                container(name="worker", image="busybox"),
            )
        ),
        ECS,
    ),
    Bad(
        "a second container depends_on itself",
        CWL,
        "containers[1].depends_on[0].container_name",
        "db",
        "another container",
        given(
            lambda: workload(
                container(),
                container(
                    name="db", image="postgres", depends_on=[{"container_name": "db", "condition": "START"}]
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "depends_on condition in lowercase",
        CWL,
        "containers[0].depends_on[0].condition",
        "start",
        ("START", "HEALTHY", "COMPLETE", "SUCCESS"),
        given(
            lambda: workload(
                container(depends_on=[{"container_name": "db", "condition": "start"}]),
                container(name="db", image="postgres"),
            )
        ),
        ECS,
    ),
    Bad(
        "HEALTHY on a container without a health check",
        CWL,
        "containers[0].depends_on[0].condition",
        "HEALTHY",
        "internal_health_check",
        given(
            lambda: workload(
                container(depends_on=[{"container_name": "db", "condition": "HEALTHY"}]),
                container(name="db", image="postgres"),
            )
        ),
        ECS,
    ),
    Bad(
        "dependency cycle",
        CWL,
        "containers[0].depends_on",
        "web -> db -> web",
        "without a cycle",
        given(
            lambda: workload(
                container(depends_on=[{"container_name": "db", "condition": "START"}]),
                container(
                    name="db", image="postgres", depends_on=[{"container_name": "web", "condition": "START"}]
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "log retention CloudWatch does not offer",
        CWL,
        "containers[0].logging.retention_days",
        45,
        "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, "
        "1096, 1827, 2192, 2557, 2922, 3288, 3653",
        given(lambda: workload(container(logging={"retention_days": 45}))),
        ECS,
    ),
    Bad(
        "stop_timeout 1",
        CWL,
        "containers[0].stop_timeout",
        1,
        "from 2 to 120",
        given(lambda: workload(container(stop_timeout=1))),
        ECS,
    ),
    Bad(
        "stop_timeout a string",
        CWL,
        "containers[0].stop_timeout",
        "30",
        "from 2 to 120",
        given(lambda: workload(container(stop_timeout="30"))),
        ECS,
    ),
    Bad(
        "health check command without CMD",
        CWL,
        "containers[0].internal_health_check.health_check_command",
        ["curl", "localhost"],
        ("'CMD'", "'CMD-SHELL'"),
        given(
            lambda: workload(container(internal_health_check={"health_check_command": ["curl", "localhost"]}))
        ),
        ECS,
    ),
    Bad(
        "health check interval 301 s",
        CWL,
        "containers[0].internal_health_check.interval_seconds",
        301,
        "from 5 to 300",
        given(lambda: workload(container(internal_health_check={**HEALTH, "interval_seconds": 301}))),
        ECS,
    ),
    Bad(
        "health check retries 0",
        CWL,
        "containers[0].internal_health_check.retries",
        0,
        "from 1 to 10",
        given(lambda: workload(container(internal_health_check={**HEALTH, "retries": 0}))),
        ECS,
    ),
    Bad(
        "health check start period 301 s",
        CWL,
        "containers[0].internal_health_check.start_period_seconds",
        301,
        "from 0 to 300",
        given(lambda: workload(container(internal_health_check={**HEALTH, "start_period_seconds": 301}))),
        ECS,
    ),
    Bad(
        "load balancer health check without a load balancer",
        CWL,
        "containers[0].load_balancer_health_check",
        {"path": "/health"},
        ("application-load-balancer", "network-load-balancer"),
        given(lambda: workload(container(load_balancer_health_check={"path": "/health"}))),
        ECS,
    ),
    Bad(
        "TCP health check behind an ALB",
        CWL,
        "containers[0].load_balancer_health_check.protocol",
        "TCP",
        "HTTP",
        given(
            lambda: workload(container(events=[alb_event()], load_balancer_health_check={"protocol": "TCP"}))
        ),
        ECS,
    ),
    Bad(
        "health check timeout not below interval",
        CWL,
        "containers[0].load_balancer_health_check.timeout_seconds",
        5,
        "less than interval_seconds (5)",
        given(
            lambda: workload(
                container(
                    events=[alb_event()],
                    load_balancer_health_check={"interval_seconds": 5, "timeout_seconds": 5},
                )
            )
        ),
        ECS,
    ),
    Bad(
        "health check path behind an NLB without protocol",
        CWL,
        "containers[0].load_balancer_health_check.protocol",
        None,
        ("'HTTP'", "default is TCP"),
        given(
            lambda: workload(
                container(
                    events=[nlb_event(listener_port=80)],
                    load_balancer_health_check={"path": "/health"},
                )
            )
        ),
        ECS,
    ),
    Bad(
        "health check path without a slash",
        CWL,
        "containers[0].load_balancer_health_check.path",
        "health",
        "starting with '/'",
        given(
            lambda: workload(container(events=[alb_event()], load_balancer_health_check={"path": "health"}))
        ),
        ECS,
    ),
    Bad(
        "environment value that is a list",
        CWL,
        "containers[0].environment.HOSTS",
        ["a", "b"],
        "string, number, boolean or an Output",
        given(lambda: workload(container(environment={"HOSTS": ["a", "b"]}))),
        ECS,
    ),
    Bad(
        "environment name with a dash",
        CWL,
        "containers[0].environment",
        "MY-VAR",
        "letters, digits and '_'",
        given(lambda: workload(container(environment={"MY-VAR": "x"}))),
        ECS,
    ),
    Bad(
        "volume mount of type ebs",
        CWL,
        "containers[0].volume_mounts[0].type",
        "ebs",
        "efs",
        given(
            lambda: workload(
                container(volume_mounts=[{"type": "ebs", "efs_filesystem": EFS, "mount_path": "/data"}])
            )
        ),
        ECS,
    ),
    Bad(
        "volume mount at a relative path",
        CWL,
        "containers[0].volume_mounts[0].mount_path",
        "data",
        "absolute path",
        given(
            lambda: workload(
                container(volume_mounts=[{"type": "efs", "efs_filesystem": EFS, "mount_path": "data"}])
            )
        ),
        ECS,
    ),
    Bad(
        "two volumes at one path",
        CWL,
        "containers[0].volume_mounts[1].mount_path",
        "/data",
        "no other volume",
        given(
            lambda: workload(
                container(
                    volume_mounts=[
                        {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"},
                        {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"},
                    ]
                )
            )
        ),
        ECS,
    ),
]


BAD_EVENTS: list[Bad] = [
    Bad(
        "duplicate ALB priority on one balancer and listener",
        CWL,
        "containers[0].events[1].priority",
        1,
        ("no other event uses", "same load balancer and listener"),
        given(
            lambda: workload(
                container(events=[alb_event(paths=["/a"]), alb_event(paths=["/b"], container_port=80)])
            )
        ),
        ECS,
    ),
    Bad(
        "duplicate ALB priority across containers",
        CWL,
        "containers[1].events[0].priority",
        1,
        "no other event uses",
        given(
            lambda: workload(
                container(events=[alb_event(listener_port=443)]),
                container(
                    name="api", image="api:1", events=[alb_event(container_port=3000, listener_port=443)]
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "ALB priority -1",
        CWL,
        "containers[0].events[0].priority",
        -1,
        "from 1 to 50000",
        given(lambda: workload(container(events=[alb_event(priority=-1)]))),
        ECS,
    ),
    Bad(
        "ALB priority 1.5",
        CWL,
        "containers[0].events[0].priority",
        1.5,
        "an integer from 1 to 50000",
        given(lambda: workload(container(events=[alb_event(priority=1.5)]))),
        ECS,
    ),
    Bad(
        "ALB event without load_balancer",
        CWL,
        "containers[0].events[0].load_balancer",
        None,
        "required",
        given(
            lambda: workload(
                container(events=[{"type": "application-load-balancer", "container_port": 80, "priority": 1}])
            )
        ),
        ECS,
    ),
    Bad(
        "ALB event without priority",
        CWL,
        "containers[0].events[0].priority",
        None,
        "required",
        given(
            lambda: workload(
                container(
                    events=[{"type": "application-load-balancer", "load_balancer": ALB, "container_port": 80}]
                )
            )
        ),
        ECS,
    ),
    Bad(
        "container_port -80",
        CWL,
        "containers[0].events[0].container_port",
        -80,
        "from 1 to 65535",
        given(lambda: workload(container(events=[{"type": "workload-internal", "container_port": -80}]))),
        ECS,
    ),
    Bad(
        "container_port 70000",
        CWL,
        "containers[0].events[0].container_port",
        70000,
        "from 1 to 65535",
        given(lambda: workload(container(events=[alb_event(container_port=70000)]))),
        ECS,
    ),
    Bad(
        "container_port as a string",
        CWL,
        "containers[0].events[0].container_port",
        "80",
        "integer",
        given(lambda: workload(container(events=[alb_event(container_port="80")]))),
        ECS,
    ),
    Bad(
        "event type 'alb' (a shorthand)",
        CWL,
        "containers[0].events[0].type",
        "alb",
        (
            "http-api-gateway",
            "application-load-balancer",
            "network-load-balancer",
            "workload-internal",
            "service-connect",
        ),
        given(lambda: workload(container(events=[{"type": "alb", "container_port": 80}]))),
        ECS,
    ),
    Bad(
        "unknown ALB event key",
        CWL,
        "containers[0].events[0].path",
        "/x",
        ("paths", "methods", "hosts", "headers", "query_params", "source_ips"),
        given(lambda: workload(container(events=[alb_event(path="/x")]))),
        ECS,
    ),
    Bad(
        "ALB method in lowercase",
        CWL,
        "containers[0].events[0].methods[0]",
        "get",
        ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
        given(lambda: workload(container(events=[alb_event(methods=["get"])]))),
        ECS,
    ),
    Bad(
        "four paths in one ALB condition",
        CWL,
        "containers[0].events[0].paths",
        ["/a", "/b", "/c", "/d"],
        "at most 3 values per condition",
        given(lambda: workload(container(events=[alb_event(paths=["/a", "/b", "/c", "/d"])]))),
        ECS,
    ),
    Bad(
        "six values in one ALB rule",
        CWL,
        "containers[0].events[0]",
        "6 condition values",
        "at most 5 values",
        given(
            lambda: workload(
                container(
                    events=[
                        alb_event(paths=["/a", "/b", "/c"], methods=["GET", "POST"], hosts=["x.example.com"])
                    ]
                )
            )
        ),
        ECS,
    ),
    Bad(
        "source ip that is not a CIDR",
        CWL,
        "containers[0].events[0].source_ips[0]",
        "10.0.0.1",
        "CIDR",
        given(lambda: workload(container(events=[alb_event(source_ips=["10.0.0.1"])]))),
        ECS,
    ),
    Bad(
        "header condition without values",
        CWL,
        "containers[0].events[0].headers[0].values",
        None,
        "required",
        given(lambda: workload(container(events=[alb_event(headers=[{"header_name": "X-Env"}])]))),
        ECS,
    ),
    Bad(
        "bad HTTP API method",
        CWL,
        "containers[0].events[0].method",
        "ANY",
        ("*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
        given(lambda: workload(container(events=[http_event(method="ANY")]))),
        ECS,
    ),
    Bad(
        "HTTP API path without a slash",
        CWL,
        "containers[0].events[0].path",
        "users",
        ("'*'", "starting with '/'"),
        given(lambda: workload(container(events=[http_event(path="users")]))),
        ECS,
    ),
    Bad(
        "payload_format 3.0",
        CWL,
        "containers[0].events[0].payload_format",
        "3.0",
        "'1.0'",
        given(lambda: workload(container(events=[http_event(payload_format="3.0")]))),
        ECS,
    ),
    Bad(
        "payload_format 2.0 (Lambda only)",
        CWL,
        "containers[0].events[0].payload_format",
        "2.0",
        ("'1.0'", "Lambda"),
        given(lambda: workload(container(events=[http_event(payload_format="2.0")]))),
        ECS,
    ),
    Bad(
        "duplicate HTTP API route",
        CWL,
        "containers[1].events[0].path",
        "GET /x",
        "no other event uses on the same gateway",
        given(
            lambda: workload(
                container(events=[http_event()]),
                container(
                    name="api",
                    image="api:1",
                    events=[http_event(container_port=3000)],
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "unknown authorizer type",
        CWL,
        "containers[0].events[0].authorizer.type",
        "jwt",
        ("cognito", "lambda"),
        given(lambda: workload(container(events=[http_event(authorizer={"type": "jwt"})]))),
        ECS,
    ),
    Bad(
        "authorizer identity source without $request",
        CWL,
        "containers[0].events[0].authorizer.identity_sources[0]",
        "Authorization",
        "$request.",
        given(
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
            )
        ),
        ECS,
    ),
    Bad(
        "authorizer cache over an hour",
        CWL,
        "containers[0].events[0].authorizer.cache_result_seconds",
        3601,
        "from 0 to 3600",
        given(
            lambda: workload(
                container(
                    events=[
                        http_event(
                            authorizer={"type": "lambda", "function": FUNCTION, "cache_result_seconds": 3601}
                        )
                    ]
                )
            )
        ),
        ECS,
    ),
    Bad(
        "NLB event without listener_port",
        CWL,
        "containers[0].events[0].listener_port",
        None,
        "required",
        given(
            lambda: workload(
                container(
                    events=[{"type": "network-load-balancer", "load_balancer": NLB, "container_port": 80}]
                )
            )
        ),
        ECS,
    ),
    Bad(
        "duplicate NLB listener",
        CWL,
        "containers[1].events[0].listener_port",
        8080,
        "no other event uses",
        given(
            lambda: workload(
                container(events=[nlb_event()]),
                container(
                    name="api",
                    image="api:1",
                    events=[nlb_event(container_port=3000)],
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "service-connect protocol tcp",
        CWL,
        "containers[0].events[0].protocol",
        "tcp",
        ("http", "http2", "grpc"),
        given(
            lambda: workload(
                container(events=[{"type": "service-connect", "container_port": 80, "protocol": "tcp"}])
            )
        ),
        ECS,
    ),
    Bad(
        "service-connect alias with underscores",
        CWL,
        "containers[0].events[0].alias",
        "my_api",
        "lowercase letters, digits and '-'",
        given(
            lambda: workload(
                container(events=[{"type": "service-connect", "container_port": 80, "alias": "my_api"}])
            )
        ),
        ECS,
    ),
    Bad(
        "duplicate service-connect alias",
        CWL,
        "containers[1].events[0].alias",
        "api",
        "no other service-connect event",
        given(
            lambda: workload(
                container(events=[{"type": "service-connect", "container_port": 80, "alias": "api"}]),
                container(
                    name="api",
                    image="api:1",
                    events=[{"type": "service-connect", "container_port": 3000, "alias": "api"}],
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "two containers on one port",
        CWL,
        "containers[1].events[0].container_port",
        3000,
        "'web' does not use",
        given(
            lambda: workload(
                container(events=[{"type": "workload-internal", "container_port": 3000}]),
                container(
                    name="api", image="api:1", events=[{"type": "workload-internal", "container_port": 3000}]
                ),
            )
        ),
        ECS,
    ),
    Bad(
        "Output as a container port",
        CWL,
        "containers[0].events[0].container_port",
        AnyOf(pulumi.Output),
        "not an Output",
        given(lambda: workload(container(events=[alb_event(container_port=pulumi.Output.from_input(80))]))),
        ECS,
    ),
    Bad(
        "Output as a load balancer",
        CWL,
        "containers[0].events[0].load_balancer",
        AnyOf(pulumi.Output),
        "not an Output",
        given(
            lambda: workload(container(events=[alb_event(load_balancer=pulumi.Output.from_input("arn:lb"))]))
        ),
        ECS,
    ),
]


BAD_COMPUTE: list[Bad] = [
    Bad(
        "resources missing",
        CWL,
        "resources",
        None,
        "required",
        given(lambda: {"containers": [container()]}),
        ECS,
    ),
    Bad(
        "Fargate pair 1 vCPU / 1024",
        CWL,
        "resources.memory",
        1024,
        ("1 vCPU", "2048, 3072, 4096, 5120, 6144, 7168, 8192"),
        given(lambda: workload(resources={"cpu": 1, "memory": 1024})),
        ECS,
    ),
    Bad(
        "Fargate pair 0.25 vCPU / 4096",
        CWL,
        "resources.memory",
        4096,
        ("0.25 vCPU", "512, 1024, 2048"),
        given(lambda: workload(resources={"cpu": 0.25, "memory": 4096})),
        ECS,
    ),
    Bad(
        "Fargate pair 16 vCPU / 16384",
        CWL,
        "resources.memory",
        16384,
        ("16 vCPU", "32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880"),
        given(lambda: workload(resources={"cpu": 16, "memory": 16384})),
        ECS,
    ),
    Bad(
        "Fargate pair 8 vCPU / 18432",
        CWL,
        "resources.memory",
        18432,
        "16384, 20480, 24576",
        given(lambda: workload(resources={"cpu": 8, "memory": 18432})),
        ECS,
    ),
    Bad(
        "Fargate without memory",
        CWL,
        "resources.memory",
        None,
        ("4096, 5120", "16384"),
        given(lambda: workload(resources={"cpu": 2})),
        ECS,
    ),
    Bad(
        "Fargate cpu 1.5 not offered",
        CWL,
        "resources.cpu",
        1.5,
        (FARGATE_CPU_LIST, "instance_types"),
        given(lambda: workload(resources={"cpu": 1.5, "memory": 8192})),
        ECS,
    ),
    Bad(
        "no cpu and no instance types",
        CWL,
        "resources.cpu",
        None,
        (FARGATE_CPU_LIST, "instance_types"),
        given(lambda: workload(resources={"memory": 2048})),
        ECS,
    ),
    Bad(
        "warm pool on Fargate",
        CWL,
        "resources.enable_warm_pool",
        True,
        "instance_types",
        given(lambda: workload(resources={"cpu": 1, "memory": 2048, "enable_warm_pool": True})),
        ECS,
    ),
    Bad(
        "warm pool with two instance types",
        CWL,
        "resources.enable_warm_pool",
        True,
        "exactly one instance type",
        given(
            lambda: workload(
                resources={"instance_types": ["c5.large", "c5.xlarge"], "enable_warm_pool": True}
            )
        ),
        ECS,
    ),
    Bad(
        "unknown architecture",
        CWL,
        "resources.architecture",
        "ppc64",
        ("x86_64", "arm64"),
        given(lambda: workload(resources={"cpu": 1, "memory": 2048, "architecture": "ppc64"})),
        ECS,
    ),
    Bad(
        "arm64 on an x86 instance type",
        CWL,
        "resources.architecture",
        "arm64",
        "'x86_64'",
        given(lambda: workload(resources={"instance_types": ["c5.large"], "architecture": "arm64"})),
        ECS,
    ),
    Bad(
        "instance types of two architectures",
        CWL,
        "resources.instance_types",
        ["c5.large", "m7g.large"],
        "one architecture",
        given(lambda: workload(resources={"instance_types": ["c5.large", "m7g.large"]})),
        ECS,
    ),
    Bad(
        "malformed instance type",
        CWL,
        "resources.instance_types[0]",
        "large",
        "EC2 instance type",
        given(lambda: workload(resources={"instance_types": ["large"]})),
        ECS,
    ),
    Bad(
        "cpu on EC2 not a Stacktape size",
        CWL,
        "resources.cpu",
        0.75,
        FARGATE_CPU_LIST,
        given(lambda: workload(resources={"instance_types": ["c5.large"], "cpu": 0.75})),
        ECS,
    ),
    Bad(
        "unknown resources key",
        CWL,
        "resources.gpu",
        1,
        ("cpu", "memory", "instance_types", "enable_warm_pool", "architecture"),
        given(lambda: workload(resources={"cpu": 1, "memory": 2048, "gpu": 1})),
        ECS,
    ),
    Bad(
        "min_instances above max_instances",
        CWL,
        "scaling.min_instances",
        3,
        "at most max_instances (2)",
        given(lambda: workload(scaling={"min_instances": 3, "max_instances": 2})),
        ECS,
    ),
    Bad(
        "min_instances 0",
        CWL,
        "scaling.min_instances",
        0,
        "from 1 to",
        given(lambda: workload(scaling={"min_instances": 0, "max_instances": 2})),
        ECS,
    ),
    Bad(
        "cpu target 0 percent",
        CWL,
        "scaling.scaling_policy.keep_avg_cpu_utilization_under",
        0,
        "from 1 to 100",
        given(
            lambda: workload(
                scaling={"max_instances": 3, "scaling_policy": {"keep_avg_cpu_utilization_under": 0}}
            )
        ),
        ECS,
    ),
    Bad(
        "memory target 120 percent",
        CWL,
        "scaling.scaling_policy.keep_avg_memory_utilization_under",
        120,
        "from 1 to 100",
        given(
            lambda: workload(
                scaling={"max_instances": 3, "scaling_policy": {"keep_avg_memory_utilization_under": 120}}
            )
        ),
        ECS,
    ),
    Bad(
        "Output as resources.cpu",
        CWL,
        "resources.cpu",
        AnyOf(pulumi.Output),
        "not an Output",
        given(lambda: workload(resources={"cpu": pulumi.Output.from_input(1), "memory": 2048})),
        ECS,
    ),
]


BAD_ACCESS: list[Bad] = [
    Bad(
        "IAM action without a service",
        CWL,
        "iam_role_statements[0].action[0]",
        "Publish",
        "'service:Action'",
        given(lambda: workload(iam_role_statements=[{"action": ["Publish"], "resource": ["*"]}])),
        ECS,
    ),
    Bad(
        "IAM effect Maybe",
        CWL,
        "iam_role_statements[0].effect",
        "Maybe",
        ("Allow", "Deny"),
        given(
            lambda: workload(
                iam_role_statements=[{"action": ["sns:Publish"], "resource": ["*"], "effect": "Maybe"}]
            )
        ),
        ECS,
    ),
    Bad(
        "IAM statement without resource",
        CWL,
        "iam_role_statements[0].resource",
        None,
        "required",
        given(lambda: workload(iam_role_statements=[{"action": ["sns:Publish"]}])),
        ECS,
    ),
    Bad(
        "connect_to an unknown AWS service",
        CWL,
        "connect_to[0]",
        "aws:s3",
        "aws:ses",
        given(lambda: workload(connect_to=["aws:s3"])),
        ECS,
    ),
    Bad(
        "connect_to the same bucket twice",
        CWL,
        "connect_to[1]",
        BUCKET,
        "each target once",
        given(lambda: workload(connect_to=[BUCKET, BUCKET])),
        ECS,
    ),
]


BY_CONCERN: list[Bad] = [*BAD_WORKLOAD, *BAD_CONTAINERS, *BAD_EVENTS, *BAD_COMPUTE, *BAD_ACCESS]
