"""HTTP APIs on sim: the HAProxy container of the load balancers, routing as API Gateway routes.

An HttpApiGateway is a `BalancerProxy` with one HTTP listener that answers 404 `{"message":"Not Found"}`
when no route matches. Each workload's http-api-gateway events become its `ProxyRoutes`: a rule per
route, in the precedence of `render.http_api_routes` (the model the AWS route keys come from), to one
backend whose instances answer to a network alias, as Cloud Map gives API Gateway the tasks' addresses
on ecs. The request path reaches the container unchanged (an HTTP_PROXY integration's behaviour).

Authorizers: sim has no Cognito and no Lambda. A route with an authorizer answers 401
`{"message":"Unauthorized"}` when one of its `$request.header.*` or `$request.querystring.*` identity
sources is missing or empty, as API Gateway does before it runs any authorizer; with them present, the
request reaches the container without its token or function being checked.
"""

from typing import Any

import pulumi

from components.platforms.names import dns_label
from components.platforms.sim.load_balancers import SimLoadBalancer, add_routes, create_proxy
from components.render.haproxy import HTTP_API_NO_ROUTE, HttpApiProxyRule, ProxyBackend, routes_fragment
from components.render.http_api_routes import HttpApiRoute
from components.spec.container_workload.workload import ContainerWorkloadSpec
from components.spec.load_balancers import HttpApiGatewaySpec
from components.spec.stack_config import StackConfig

LISTENER_PORT = 80  # inside the proxy container; the host port is the stable one of `BalancerProxy`
# API Gateway does not health-check; the proxy's TCP check keeps requests off an instance not listening.
CHECK_INTERVAL_SECONDS = 1


def create_http_api(
    parent: pulumi.Resource, spec: HttpApiGatewaySpec, cluster: Any, config: StackConfig
) -> SimLoadBalancer:
    return create_proxy(
        parent, spec.resource_name, [LISTENER_PORT], "http", HTTP_API_NO_ROUTE, cluster, config
    )


def http_api_alias(spec: ContainerWorkloadSpec) -> str | None:
    """The network alias every instance answers to for the workload's HTTP API routes (None: it has none)."""
    if not spec.http_api_routes:
        return None
    container, event = spec.http_api_routes[0]  # the spec allows one container port for all routes
    return dns_label(spec.resource_name, container.name, str(event.container_port), "api")


def attach_to_http_apis(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, tasks: list[Any], config: StackConfig
) -> list[pulumi.Output[str]]:
    """Each gateway the workload's events name gets its routes; returns the gateways' URLs."""
    alias = http_api_alias(spec)
    if alias is None:
        return []
    _, first = spec.http_api_routes[0]
    backend = ProxyBackend(
        name=f"{dns_label(spec.resource_name).replace('-', '_')}__api",
        alias=alias,
        port=first.container_port,
        health_check_path=None,
        interval_seconds=CHECK_INTERVAL_SECONDS,
    )
    by_gateway: dict[int, tuple[Any, list[HttpApiProxyRule]]] = {}
    for _, event in spec.http_api_routes:
        gateway: Any = event.http_api_gateway
        rule = HttpApiProxyRule(
            LISTENER_PORT,
            HttpApiRoute.of_event(event),
            backend.name,
            event.authorizer.identity_sources if event.authorizer is not None else (),
        )
        by_gateway.setdefault(id(gateway), (gateway, []))[1].append(rule)
    for gateway, rules in by_gateway.values():
        add_routes(
            parent,
            spec.resource_name,
            gateway.sim,
            routes_fragment(rules, [backend]),
            [backend],
            tasks,
            config,
        )
    return [gateway.url for gateway, _ in by_gateway.values()]
