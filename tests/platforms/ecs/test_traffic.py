"""Traffic into a ContainerWorkload on ecs: Application and Network Load Balancers, HTTP APIs and service
connect, under mocks. Listener rules and target groups are checked against what ELBv2, API Gateway
and ECS document; wiring is followed through the ARNs and ids the mocks make up.
"""

import json
from typing import Any

import pulumi_aws as aws
import pytest

from components import (
    ApplicationLoadBalancer,
    Cluster,
    ContainerWorkload,
    HttpApiGateway,
    InvalidArgumentError,
    NetworkLoadBalancer,
)
from tests.support.ecs_mocks import of_type, only, registered_before_error, run_ecs

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
SERVICE = "aws:ecs/service:Service"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def workload(name: str, *events: dict[str, Any], **fields: Any) -> ContainerWorkload:
    container = {"name": "web", "image": "nginx:1.27", "events": list(events)}
    return ContainerWorkload(
        name, {"containers": [container], "resources": {"cpu": 0.5, "memory": 1024}, **fields}
    )


def alb_event(balancer: Any, priority: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "type": "application-load-balancer",
        "load_balancer": balancer,
        "container_port": 80,
        "priority": priority,
        **fields,
    }


def ingress_from_anywhere(resources: dict[str, Any], group: str) -> set[tuple[int, str]]:
    return {
        (r.inputs["fromPort"], r.inputs["cidrIpv4"])
        for r in of_type(resources, INGRESS_RULE).values()
        if r.inputs["securityGroupId"] == f"{group}-id"
    }


# ------------------------------------------------------------------ application load balancer


def test_an_alb_listens_on_80_and_answers_404_until_workloads_add_rules() -> None:
    resources = run_ecs(lambda: ApplicationLoadBalancer("edge"))
    balancer = resources["edge-lb"].inputs
    assert balancer["loadBalancerType"] == "application" and balancer["internal"] is False
    assert balancer["subnets"] == ["subnet-public-app-vpc-1", "subnet-public-app-vpc-2"]
    assert balancer["securityGroups"] == ["edge-sg-id"]
    assert len(balancer["name"]) <= 32  # ELB's limit
    (listener,) = of_type(resources, LISTENER).values()
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (80, "HTTP")
    assert listener.inputs["defaultActions"][0]["type"] == "fixed-response"
    assert listener.inputs["defaultActions"][0]["fixedResponse"]["statusCode"] == "404"
    assert ingress_from_anywhere(resources, "edge-sg") == {(80, "0.0.0.0/0")}


def test_an_alb_with_a_certificate_serves_https_and_redirects_http() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        edge = ApplicationLoadBalancer(
            "edge",
            {"certificate_arn": CERTIFICATE, "domain": {"host": "shop.example.com", "zone_id": "Z123"}},
        )
        edge.url.apply(lambda url: seen.update(url=url))

    resources = run_ecs(program)
    https, http = resources["edge-443"].inputs, resources["edge-80"].inputs
    assert (https["protocol"], https["certificateArn"]) == ("HTTPS", CERTIFICATE)
    assert https["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert http["defaultActions"] == [
        {"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"}}
    ]
    record = resources["edge-dns"].inputs
    assert (record["zoneId"], record["name"], record["type"]) == ("Z123", "shop.example.com", "A")
    assert record["aliases"][0]["name"] == "edge-lb.elb.amazonaws.com"
    assert seen["url"] == "https://shop.example.com"
    assert ingress_from_anywhere(resources, "edge-sg") == {(443, "0.0.0.0/0"), (80, "0.0.0.0/0")}


def test_an_internal_alb_sits_in_private_subnets_and_admits_the_vpc() -> None:
    resources = run_ecs(lambda: ApplicationLoadBalancer("edge", {"internal": True}))
    assert resources["edge-lb"].inputs["subnets"] == ["subnet-private-app-vpc-1", "subnet-private-app-vpc-2"]
    assert ingress_from_anywhere(resources, "edge-sg") == {(80, "10.0.0.0/16")}


@pytest.mark.parametrize(
    ("args", "field", "allowed"),
    [
        (
            {"listeners": [{"port": 443, "protocol": "HTTPS"}]},
            "listeners[0].certificate_arn",
            "ACM certificate",
        ),
        ({"listeners": [{"port": 80, "protocol": "TCP"}]}, "listeners[0].protocol", "HTTP, HTTPS"),
        ({"listeners": [{"port": 80, "protocol": "HTTP"}] * 2}, "listeners[1].port", "no other listener"),
        ({"certificate_arn": "not-an-arn"}, "certificate_arn", "ACM certificate ARN"),
        ({"domain": {"host": "Not A Host"}}, "domain.host", "host name"),
    ],
)
def test_bad_alb_args_are_refused_before_anything_exists(
    args: dict[str, Any], field: str, allowed: str
) -> None:
    error, registered = registered_before_error(lambda: ApplicationLoadBalancer("edge", args))
    assert isinstance(error, InvalidArgumentError) and error.field == field and allowed in error.allowed
    assert registered == []


def test_alb_events_become_listener_rules_with_every_condition() -> None:
    def program() -> None:
        edge = ApplicationLoadBalancer("edge", {"certificate_arn": CERTIFICATE})
        workload(
            "shop",
            alb_event(
                edge,
                priority=7,
                paths=["/api/*"],
                methods=["GET"],
                hosts=["shop.example.com"],
                headers=[{"header_name": "X-Env", "values": ["prod"]}],
                query_params=[{"param_name": "v", "values": ["2"]}],
            ),
        )

    resources = run_ecs(program)
    # Without listener_port the rule goes on every forwarding listener: 443, not the redirecting 80.
    (rule,) = of_type(resources, RULE).values()
    assert rule.inputs["listenerArn"] == resources["edge-443"].inputs["arn"]
    assert rule.inputs["priority"] == 7
    assert rule.inputs["conditions"] == [
        {"pathPattern": {"values": ["/api/*"]}},
        {"httpRequestMethod": {"values": ["GET"]}},
        {"hostHeader": {"values": ["shop.example.com"]}},
        {"httpHeader": {"httpHeaderName": "X-Env", "values": ["prod"]}},
        {"queryStrings": [{"key": "v", "value": "2"}]},
    ]
    group = only(resources, TARGET_GROUP)
    assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": group.inputs["arn"]}]
    assert (group.inputs["protocol"], group.inputs["port"], group.inputs["targetType"]) == ("HTTP", 80, "ip")
    assert group.inputs["vpcId"] == "vpc-app-vpc"
    assert group.inputs["deregistrationDelay"] == 5  # not ELB's 300 s: deployments stay quick
    assert group.inputs["healthCheck"]["path"] == "/" and group.inputs["healthCheck"]["matcher"] == "200-399"
    assert len(group.inputs["name"]) <= 32
    assert only(resources, SERVICE).inputs["loadBalancers"] == [
        {"targetGroupArn": group.inputs["arn"], "containerName": "web", "containerPort": 80}
    ]
    assert rule.name in only(resources, SERVICE).depends_on  # ECS wants the group attached first


def test_a_listener_port_picks_one_listener_and_the_url() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        edge = ApplicationLoadBalancer(
            "edge", {"listeners": [{"port": 80, "protocol": "HTTP"}, {"port": 8080, "protocol": "HTTP"}]}
        )
        workload("shop", alb_event(edge, listener_port=8080)).urls.apply(lambda urls: seen.update(urls=urls))

    resources = run_ecs(program)
    (rule,) = of_type(resources, RULE).values()
    assert rule.inputs["listenerArn"] == resources["edge-8080"].inputs["arn"]
    assert seen["urls"] == ["http://edge-lb.elb.amazonaws.com:8080"]


def test_the_health_check_follows_load_balancer_health_check() -> None:
    def program() -> None:
        edge = ApplicationLoadBalancer("edge")
        ContainerWorkload(
            "shop",
            {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "events": [alb_event(edge)],
                        "load_balancer_health_check": {
                            "path": "/healthz",
                            "interval_seconds": 10,
                            "timeout_seconds": 3,
                        },
                    }
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )

    check = only(run_ecs(program), TARGET_GROUP).inputs["healthCheck"]
    assert (check["path"], check["interval"], check["timeout"], check["protocol"]) == (
        "/healthz",
        10,
        3,
        "HTTP",
    )


def test_two_workloads_cannot_claim_one_priority_on_one_listener() -> None:
    def program() -> None:
        edge = ApplicationLoadBalancer("edge")
        workload("shop", alb_event(edge, priority=3, paths=["/shop/*"]))
        workload("blog", alb_event(edge, priority=3, paths=["/blog/*"]))

    error, registered = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError)
    assert (error.resource, error.field, error.value) == ("blog", "containers[0].events[0].priority", 3)
    assert "shop" in error.allowed
    assert not any(name.startswith("blog") for name in registered)


@pytest.mark.parametrize(
    ("event", "field", "allowed"),
    [
        (lambda alb, nlb: alb_event(alb, listener_port=8443), "containers[0].events[0].listener_port", "80"),
        (
            lambda alb, nlb: alb_event(nlb),
            "containers[0].events[0].load_balancer",
            "an ApplicationLoadBalancer",
        ),
        (
            lambda alb, nlb: {
                "type": "network-load-balancer",
                "load_balancer": alb,
                "listener_port": 80,
                "container_port": 80,
            },
            "containers[0].events[0].load_balancer",
            "a NetworkLoadBalancer",
        ),
    ],
)
def test_events_must_fit_their_balancer(event: Any, field: str, allowed: str) -> None:
    def program() -> None:
        alb = ApplicationLoadBalancer("edge")
        nlb = NetworkLoadBalancer("tcp", {"listeners": [{"port": 80, "protocol": "TCP"}]})
        workload("shop", event(alb, nlb))

    error, registered = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError) and error.field == field and allowed in error.allowed
    assert not any(name.startswith("shop") for name in registered)


def test_a_balancer_and_its_workload_share_a_cluster() -> None:
    def program() -> None:
        edge = ApplicationLoadBalancer("edge", {"cluster": Cluster("other")})
        workload("shop", alb_event(edge), cluster=Cluster("mine"))

    error, _ = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError) and error.field == "containers[0].events[0].load_balancer"
    assert "same Cluster" in error.allowed


def test_a_workload_without_cluster_joins_its_balancers_cluster() -> None:
    def program() -> None:
        workload("shop", alb_event(ApplicationLoadBalancer("edge", {"cluster": Cluster("other")})))

    resources = run_ecs(program)
    assert only(resources, SERVICE).inputs["cluster"] == resources["other-ecs"].inputs["arn"]
    assert "app" not in resources  # no default cluster was needed


# ---------------------------------------------------------------------- network load balancer


def test_nlb_events_own_their_tls_listener_and_a_tcp_target_group() -> None:
    def program() -> None:
        nlb = NetworkLoadBalancer(
            "tcp", {"listeners": [{"port": 8080, "protocol": "TLS"}], "certificate_arn": CERTIFICATE}
        )
        workload(
            "shop",
            {
                "type": "network-load-balancer",
                "load_balancer": nlb,
                "listener_port": 8080,
                "container_port": 8080,
            },
        )

    resources = run_ecs(program)
    assert resources["tcp-lb"].inputs["loadBalancerType"] == "network"
    assert "tcp-8080" not in resources  # the balancer has no listener of its own
    listener = resources["shop-web-8080-nlb0-8080"]
    assert listener.parent == "shop"
    assert (listener.inputs["protocol"], listener.inputs["port"], listener.inputs["certificateArn"]) == (
        "TLS",
        8080,
        CERTIFICATE,
    )
    group = only(resources, TARGET_GROUP)
    assert listener.inputs["defaultActions"] == [{"type": "forward", "targetGroupArn": group.inputs["arn"]}]
    assert (group.inputs["protocol"], group.inputs["healthCheck"]["protocol"]) == ("TCP", "TCP")
    assert "path" not in group.inputs["healthCheck"]


def test_an_nlb_needs_listeners_and_certificates_for_tls() -> None:
    error, _ = registered_before_error(lambda: NetworkLoadBalancer("tcp", {}))
    assert isinstance(error, InvalidArgumentError) and error.field == "listeners"
    error, _ = registered_before_error(
        lambda: NetworkLoadBalancer("tcp", {"listeners": [{"port": 443, "protocol": "TLS"}]})
    )
    assert isinstance(error, InvalidArgumentError) and error.field == "listeners[0].certificate_arn"


def test_one_nlb_listener_forwards_to_one_workload() -> None:
    def program() -> None:
        nlb = NetworkLoadBalancer("tcp", {"listeners": [{"port": 5432, "protocol": "TCP"}]})
        event = {
            "type": "network-load-balancer",
            "load_balancer": nlb,
            "listener_port": 5432,
            "container_port": 5432,
        }
        workload("primary", event)
        workload("replica", event)

    error, _ = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError)
    assert (error.resource, error.field) == ("replica", "containers[0].events[0].listener_port")


# ------------------------------------------------------------------------------- HTTP API


def http_event(gateway: Any, method: str = "*", path: str = "*", **fields: Any) -> dict[str, Any]:
    return {
        "type": "http-api-gateway",
        "http_api_gateway": gateway,
        "container_port": 3000,
        "method": method,
        "path": path,
        **fields,
    }


def test_an_http_api_has_a_default_stage_and_a_vpc_link_into_private_subnets() -> None:
    resources = run_ecs(lambda: HttpApiGateway("api"))
    assert resources["api-api"].inputs["protocolType"] == "HTTP"
    stage = resources["api-stage"].inputs
    assert (stage["name"], stage["autoDeploy"], stage["apiId"]) == ("$default", True, "api-api-id")
    link = resources["api-link"].inputs
    assert link["subnetIds"] == ["subnet-private-app-vpc-1", "subnet-private-app-vpc-2"]
    assert link["securityGroupIds"] == ["api-link-sg-id"]


def test_an_http_api_domain_needs_a_certificate_and_maps_the_stage() -> None:
    error, registered = registered_before_error(
        lambda: HttpApiGateway("api", {"domain": {"host": "api.example.com"}})
    )
    assert isinstance(error, InvalidArgumentError) and error.field == "certificate_arn" and registered == []
    seen: dict[str, Any] = {}

    def program() -> None:
        gateway = HttpApiGateway(
            "api", {"certificate_arn": CERTIFICATE, "domain": {"host": "api.example.com"}}
        )
        gateway.url.apply(lambda url: seen.update(url=url))

    resources = run_ecs(program)
    domain = resources["api-domain"].inputs
    assert domain["domainName"] == "api.example.com"
    assert domain["domainNameConfiguration"]["certificateArn"] == CERTIFICATE
    assert resources["api-mapping"].inputs["stage"] == "api-stage-id"
    assert seen["url"] == "https://api.example.com"


def test_http_api_events_reach_the_tasks_through_the_vpc_link_and_cloud_map() -> None:
    def program() -> None:
        gateway = HttpApiGateway("api")
        workload("shop", http_event(gateway, "*", "*"), http_event(gateway, "GET", "/orders/{id}"))

    resources = run_ecs(program)
    discovery = resources["shop-http-api"].inputs
    assert discovery["dnsConfig"]["namespaceId"] == "app-namespace-id"
    assert discovery["dnsConfig"]["dnsRecords"] == [{"type": "SRV", "ttl": 10}]  # SRV: the port too
    assert only(resources, SERVICE).inputs["serviceRegistries"] == {
        "registryArn": discovery["arn"],
        "containerName": "web",
        "containerPort": 3000,
    }
    routes = {
        r.inputs["routeKey"]: r.inputs for r in of_type(resources, "aws:apigatewayv2/route:Route").values()
    }
    assert set(routes) == {"$default", "GET /orders/{id}"}
    for index in (0, 1):
        integration = resources[f"shop-route-{index}-integration"].inputs
        assert (integration["integrationType"], integration["connectionType"]) == ("HTTP_PROXY", "VPC_LINK")
        assert integration["integrationUri"] == discovery["arn"]
        assert integration["connectionId"] == "api-link-id" and integration["payloadFormatVersion"] == "1.0"
        assert routes[resources[f"shop-route-{index}"].inputs["routeKey"]]["target"] == (
            f"integrations/shop-route-{index}-integration-id"
        )
    assert all(route["authorizationType"] == "NONE" for route in routes.values())
    rules = {
        (r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"])
        for r in of_type(resources, INGRESS_RULE).values()
        if r.inputs["securityGroupId"] == "shop-tasks-id"
    }
    assert rules == {("api-link-sg-id", 3000)}


def test_http_api_authorizers_cognito_and_lambda() -> None:
    def program() -> None:
        gateway = HttpApiGateway("api")
        pool = aws.cognito.UserPool("users")
        client = aws.cognito.UserPoolClient("web-client", user_pool_id=pool.id)
        workload(
            "shop",
            http_event(gateway, "GET", "/me", authorizer={"type": "cognito", "user_pool": client}),
            http_event(
                gateway,
                "POST",
                "/orders",
                authorizer={
                    "type": "lambda",
                    "function": "arn:aws:lambda:us-east-1:123456789012:function:auth",
                    "cache_result_seconds": 300,
                },
            ),
        )

    resources = run_ecs(program)
    jwt = resources["shop-route-0-authorizer"].inputs
    assert jwt["authorizerType"] == "JWT"
    assert jwt["jwtConfiguration"] == {
        "audiences": ["web-client-id"],
        "issuer": "https://cognito-idp.us-east-1.amazonaws.com/users-id",
    }
    custom = resources["shop-route-1-authorizer"].inputs
    assert custom["authorizerType"] == "REQUEST" and custom["authorizerResultTtlInSeconds"] == 300
    assert custom["authorizerUri"] == (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"
    )
    permission = resources["shop-route-1-authorizer-invoke"].inputs
    assert (permission["principal"], permission["action"]) == (
        "apigateway.amazonaws.com",
        "lambda:InvokeFunction",
    )
    assert permission["sourceArn"] == (
        "arn:aws:execute-api:us-east-1:123456789012:api-api/authorizers/shop-route-1-authorizer-id"
    )
    assert resources["shop-route-0"].inputs["authorizationType"] == "JWT"
    assert resources["shop-route-0"].inputs["authorizerId"] == "shop-route-0-authorizer-id"
    assert resources["shop-route-1"].inputs["authorizationType"] == "CUSTOM"


def test_a_cognito_authorizer_takes_the_app_client() -> None:
    def program() -> None:
        workload(
            "shop",
            http_event(
                HttpApiGateway("api"),
                authorizer={"type": "cognito", "user_pool": aws.cognito.UserPool("users")},
            ),
        )

    error, _ = registered_before_error(program)
    assert (
        isinstance(error, InvalidArgumentError)
        and error.field == "containers[0].events[0].authorizer.user_pool"
    )
    assert "UserPoolClient" in error.allowed


def test_http_api_events_reach_one_container_port() -> None:
    def program() -> None:
        gateway = HttpApiGateway("api")
        workload(
            "shop", http_event(gateway, "GET", "/a"), http_event(gateway, "GET", "/b", container_port=4000)
        )

    error, _ = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError) and error.field == "containers[0].events[1].container_port"
    assert "port 3000 of container 'web'" in error.allowed


# ---------------------------------------------------------------------------- service connect


def test_service_connect_ports_are_published_under_their_aliases() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        backend = workload(
            "backend",
            {"type": "service-connect", "container_port": 3000},
            {"type": "service-connect", "container_port": 50051, "alias": "rpc", "protocol": "grpc"},
        )
        backend.internal_urls.apply(lambda urls: seen.update(urls=urls))

    resources = run_ecs(program)
    configuration = only(resources, SERVICE).inputs["serviceConnectConfiguration"]
    assert configuration["namespace"] == resources["app-namespace"].inputs["arn"]
    assert configuration["services"] == [
        {
            "portName": "web-3000",
            "discoveryName": "backend-web",
            "clientAlias": [{"port": 3000, "dnsName": "backend-web"}],
        },
        {"portName": "web-50051", "discoveryName": "rpc", "clientAlias": [{"port": 50051, "dnsName": "rpc"}]},
    ]
    (definition,) = json.loads(
        only(resources, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    )
    declared = {m["name"]: m.get("appProtocol") for m in definition["portMappings"]}
    assert declared == {"web-3000": None, "web-50051": "grpc"}  # the names service connect refers to
    assert seen["urls"] == {"backend-web": "http://backend-web:3000", "rpc": "grpc://rpc:50051"}


def test_workloads_reach_each_other_through_the_clusters_shared_group() -> None:
    def program() -> None:
        workload("backend", {"type": "service-connect", "container_port": 3000})
        workload("frontend")

    resources = run_ecs(program)
    services = of_type(resources, SERVICE)
    for service in services.values():
        assert "app-workloads-id" in service.inputs["networkConfiguration"]["securityGroups"]
    rule = resources["backend-from-workloads-3000"].inputs
    assert (rule["securityGroupId"], rule["referencedSecurityGroupId"]) == (
        "backend-tasks-id",
        "app-workloads-id",
    )


def test_outputs_of_a_workload_resolve_in_another() -> None:
    # args may be Outputs (here: another workload's URL), resolved into the task definition.
    def program() -> None:
        backend = workload("backend", {"type": "service-connect", "container_port": 3000, "alias": "backend"})
        ContainerWorkload(
            "frontend",
            {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "args": ["--backend", backend.internal_urls.apply(lambda urls: urls["backend"])],
                    }
                ],
                "resources": {"cpu": 0.25, "memory": 512},
            },
        )

    resources = run_ecs(program)
    (definition,) = json.loads(resources["frontend-task"].inputs["containerDefinitions"])
    assert definition["command"] == ["--backend", "http://backend:3000"]
