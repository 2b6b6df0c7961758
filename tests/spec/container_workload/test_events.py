"""The `events` of a ContainerWorkload's containers: HTTP API, ALB, NLB, internal and service-connect.

The bad-input cases are in `tests/support/bad_container_workloads.py`, run by `tests/test_bad_input.py`.
"""

from components.spec.container_workload.compute import FargateResources
from components.spec.container_workload.events import (
    ApplicationLoadBalancerEvent,
    LambdaAuthorizer,
    NetworkLoadBalancerEvent,
    ServiceConnectEvent,
)
from tests.support.container_workload_args import (
    ALB,
    FUNCTION,
    NLB,
    alb_event,
    container,
    http_event,
    nlb_event,
    parse,
    workload,
)
from tests.support.stacktape_examples import DOC_2_VCPU, alb_snippet, build


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
