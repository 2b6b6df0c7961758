"""The whole ContainerWorkload: top-level args, checks across containers and events, `deployment`.

The bad-input cases are in `tests/support/bad_container_workloads.py`, run by `tests/test_bad_input.py`.
"""

import copy
from pathlib import Path

import pulumi
import pytest

from components.spec.container_workload.compute import FargateResources
from components.spec.container_workload.events import (
    CognitoAuthorizer,
    HttpApiGatewayEvent,
)
from tests.support.container_workload_args import (
    ALB2,
    BUCKET,
    EFS,
    FUNCTION,
    Component,
    alb_event,
    container,
    http_event,
    nlb_event,
    parse,
    workload,
)
from tests.support.stacktape_examples import DOC_2_VCPU, alb_snippet, build


def test_the_args_are_not_mutated() -> None:
    args = workload(container(events=[alb_event()], environment={"PORT": 80}))
    before = copy.deepcopy(args)
    parse(args)
    assert repr(args) == repr(before)  # Component objects compare by identity, so compare their text


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
