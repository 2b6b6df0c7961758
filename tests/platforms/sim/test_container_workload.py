"""A ContainerWorkload on sim under Pulumi mocks: one Task per instance, what each container runs,
service-connect aliases, and what sim refuses (no Docker, no engine)."""

from typing import Any

import pytest

from components import ContainerWorkload, Workload
from sim_provider.task import docker_health_check, spec_hash, start_order
from tests.support.pulumi_mocks import refused, run_with_mocks

FARGATE = {"cpu": 0.25, "memory": 512}


def two_containers(**overrides: Any) -> dict[str, Any]:
    return {
        "containers": [
            {
                "name": "frontend",
                "image": "containers-test/app",
                "environment": {"PORT": "8080", "TARGET_URL": "http://localhost:8081/"},
                "depends_on": [{"container_name": "backend", "condition": "HEALTHY"}],
                "events": [{"type": "service-connect", "container_port": 8080}],
            },
            {
                "name": "backend",
                "image": "containers-test/app",
                "environment": {"PORT": "8081"},
                "essential": False,
                "internal_health_check": {
                    "health_check_command": ["CMD-SHELL", "wget -q -O - http://localhost:8081/"],
                    "interval_seconds": 5,
                    "retries": 2,
                    "start_period_seconds": 1,
                },
                "events": [{"type": "workload-internal", "container_port": 8081}],
            },
        ],
        "resources": FARGATE,
        **overrides,
    }


def test_one_task_per_min_instance_with_every_container() -> None:
    resources = run_with_mocks(
        lambda: ContainerWorkload("shop", two_containers(scaling={"min_instances": 2, "max_instances": 4}))
    )
    children = {name for name, r in resources.items() if r.parent == "shop"}
    assert children == {
        "shop-frontend-image",
        "shop-backend-image",
        "shop-infra-image",
        "shop-volumes",
        "shop-task-1",
        "shop-task-2",
    }
    task = resources["shop-task-1"].inputs
    assert task["network"] == "containers-unit-app"
    assert task["aliases"] == ["shop-frontend"], "the default service-connect alias"
    assert task["labels"]["containers.instance"] == "1"
    frontend, backend = task["containers"]
    assert frontend["depends_on"] == [{"container_name": "backend", "condition": "HEALTHY"}]
    assert backend["essential"] is False and backend["stop_timeout"] == 2
    assert backend["health_check"]["command"] == ["CMD-SHELL", "wget -q -O - http://localhost:8081/"]
    assert task["environment"]["backend"] == {"PORT": "8081"}


def test_internal_urls_have_the_keys_ecs_gives() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        seen["workload"] = ContainerWorkload("shop", two_containers())

    run_with_mocks(program)
    deployed = seen["workload"].resources
    assert deployed.internal_urls == {"shop-frontend": "http://shop-frontend:8080"}


def test_connect_to_another_workload_gives_the_variables_ecs_gives() -> None:
    def program() -> None:
        backend = ContainerWorkload("api", two_containers())
        ContainerWorkload(
            "client",
            {
                "containers": [{"name": "main", "image": "containers-test/app"}],
                "resources": FARGATE,
                "connect_to": [backend],
            },
        )

    resources = run_with_mocks(program)
    env = resources["client-task-1"].inputs["environment"]["main"]
    assert env == {"STP_API_FRONTEND_8080_URL": "http://api-frontend:8080"}


@pytest.mark.parametrize(
    ("case", "overrides", "field"),
    [
        (
            "EFS",
            {"volume_mounts": [{"type": "efs", "efs_filesystem": object(), "mount_path": "/data"}]},
            "containers[0].volume_mounts",
        ),
    ],
)
def test_what_sim_cannot_run_is_refused(case: str, overrides: dict[str, Any], field: str) -> None:
    error = refused(
        lambda: ContainerWorkload(
            "shop", {"containers": [{"name": "main", "image": "x", **overrides}], "resources": FARGATE}
        )
    )
    assert error.field == field and "sim" in error.allowed


def test_connect_to_an_aws_resource_is_refused_on_sim() -> None:
    error = refused(
        lambda: ContainerWorkload(
            "shop",
            {"containers": [{"name": "main", "image": "x"}], "resources": FARGATE, "connect_to": [Workload]},
        )
    )
    assert error.field == "connect_to[0]"


def test_start_order_follows_depends_on() -> None:
    containers = [
        {"name": "a", "depends_on": [{"container_name": "b", "condition": "START"}]},
        {"name": "b", "depends_on": [{"container_name": "c", "condition": "SUCCESS"}]},
        {"name": "c"},
    ]
    assert [c["name"] for c in start_order(containers)] == ["c", "b", "a"]


def test_health_check_keeps_the_ecs_values_in_docker_units() -> None:
    check = {
        "command": ["CMD", "true"],
        "interval_seconds": 5.0,
        "timeout_seconds": 2.0,
        "retries": 3.0,
        "start_period_seconds": 10.0,
    }
    assert docker_health_check(check) == {
        "test": ["CMD", "true"],
        "interval": 5_000_000_000,
        "timeout": 2_000_000_000,
        "retries": 3,
        "start_period": 10_000_000_000,
    }
    assert docker_health_check(None) is None


def test_spec_hash_leaves_environment_values_out() -> None:
    props = {"containers": [], "environment": {"main": {"TOKEN": "secret-1"}}}
    other = {"containers": [], "environment": {"main": {"TOKEN": "secret-2"}}}
    assert spec_hash(props) == spec_hash(other)


def test_alb_events_become_routes_on_the_balancer_proxy() -> None:
    from components import ApplicationLoadBalancer

    def program() -> None:
        edge = ApplicationLoadBalancer("edge")
        event = {
            "type": "application-load-balancer",
            "load_balancer": edge,
            "container_port": 8080,
            "priority": 3,
            "paths": ["/api/*"],
        }
        ContainerWorkload(
            "shop",
            {"containers": [{"name": "web", "image": "x", "events": [event]}], "resources": FARGATE},
        )

    resources = run_with_mocks(program)
    assert resources["edge-proxy"].parent == "edge"
    assert resources["edge-proxy"].inputs["listeners"] == [80]
    routes = resources["shop-edge-routes"].inputs
    assert routes["fragment"]["rules"] == [
        {
            "listener_port": 80,
            "order": [3],
            "lines": ["acl p3_c0 path -m reg '^/api/.*$'", "use_backend shop__web_8080_alb0 if p3_c0"],
        }
    ]
    assert "web-8080-targets" in " ".join(resources["shop-task-1"].inputs["aliases"])


def test_http_api_events_become_routes_on_the_gateway_proxy() -> None:
    from components import HttpApiGateway

    def program() -> None:
        api = HttpApiGateway("api")
        routes = [("GET", "/pets/{id}"), ("*", "*")]
        events = [
            {
                "type": "http-api-gateway",
                "http_api_gateway": api,
                "container_port": 8080,
                "method": m,
                "path": p,
            }
            for m, p in routes
        ]
        ContainerWorkload(
            "shop", {"containers": [{"name": "web", "image": "x", "events": events}], "resources": FARGATE}
        )

    resources = run_with_mocks(program)
    proxy = resources["api-proxy"].inputs
    assert (proxy["listeners"], proxy["mode"]) == ([80], "http")
    assert proxy["no_route"].endswith("""string '{"message":"Not Found"}'""")
    rules = resources["shop-api-routes"].inputs["fragment"]["rules"]
    # Each rule carries its precedence: the full match ranks before `$default`.
    assert [rule["order"][0] for rule in rules] == [0, 2]
    assert any("'^/pets/[^/]+$'" in line for line in rules[0]["lines"])
    assert "shop-web-8080-api" in resources["shop-task-1"].inputs["aliases"]


def test_a_priority_taken_by_another_workload_is_refused_on_sim() -> None:
    from components import ApplicationLoadBalancer

    def program() -> None:
        edge = ApplicationLoadBalancer("edge")
        for name in ("one", "two"):
            event = {
                "type": "application-load-balancer",
                "load_balancer": edge,
                "container_port": 80,
                "priority": 1,
            }
            ContainerWorkload(
                name, {"containers": [{"name": "web", "image": "x", "events": [event]}], "resources": FARGATE}
            )

    from components.spec.errors import InvalidArgumentError
    from tests.support.pulumi_mocks import start_mocks

    mocks = start_mocks({}, "sim")
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)
    assert caught.value.resource == "two" and "priority 1 on listener 80 is one's" in caught.value.allowed


def test_log_lines_name_the_workload_instance_and_container() -> None:
    from types import SimpleNamespace

    from components.container_logs import log_prefix

    def container(**labels: str) -> SimpleNamespace:
        return SimpleNamespace(name="proj-sim-x-1-abc", labels=labels)

    task_member = container(
        **{"containers.resource": "shop", "containers.instance": "2", "containers.container": "web"}
    )
    assert log_prefix(task_member) == "shop/2/web"
    replica = container(
        **{"containers.resource": "web", "containers.role": "replica", "containers.replica": "3"}
    )
    assert log_prefix(replica) == "web/3"
    assert (
        log_prefix(container(**{"containers.resource": "web", "containers.role": "ingress"})) == "web/ingress"
    )
    assert log_prefix(container()) == "proj-sim-x-1-abc", "not ours: its Docker name"
