"""A ContainerWorkload's http-api-gateway events: routes on its HTTP APIs, reaching it privately.

API Gateway reaches the tasks through the gateway's VPC link and a Cloud Map service the ECS service
registers its tasks in (SRV records carry the port). Each event becomes an integration and a route,
with a JWT authorizer (Cognito) or a Lambda authorizer when the event names one.
`render.ecs.http_api` decides route keys, integration and authorizer settings; this module turns them
into Pulumi arguments.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.platforms.aws.credentials import region_of
from components.platforms.ecs.aws_inputs import function_arn
from components.platforms.ecs.names import aws_dns_label
from components.render.ecs.http_api import (
    create_authorizer_input,
    create_integration_input,
    create_route_input,
)
from components.spec.container_workload.events import CognitoAuthorizer, LambdaAuthorizer
from components.spec.container_workload.workload import ContainerWorkloadSpec

# Cloud Map answers with the tasks' current addresses; a short TTL follows deployments closely.
DNS_TTL_SECONDS = 10


@dataclass(frozen=True)
class HttpApiRouting:
    discovery_service: aws.servicediscovery.Service
    """Where the ECS service registers its tasks (`service_registries`)."""
    container_name: str
    container_port: int
    integrations: tuple[aws.apigatewayv2.Integration, ...]
    routes: tuple[aws.apigatewayv2.Route, ...]
    authorizers: tuple[aws.apigatewayv2.Authorizer, ...]
    urls: tuple[pulumi.Output[str], ...]


def attach_http_apis(parent: pulumi.Resource, spec: ContainerWorkloadSpec, namespace: Any) -> HttpApiRouting:
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    container, first = spec.http_api_routes[0]  # the spec guarantees one container port for all routes
    discovery = aws.servicediscovery.Service(
        f"{name}-http-api",
        # Service connect names its Cloud Map services after aliases; this suffix keeps clear of them.
        name=f"{aws_dns_label(name)}-http-api",
        dns_config={
            "namespace_id": namespace.id,
            "dns_records": [{"type": "SRV", "ttl": DNS_TTL_SECONDS}],
            "routing_policy": "MULTIVALUE",
        },
        force_destroy=True,
        opts=child,
    )
    region = region_of(parent)
    integrations: list[aws.apigatewayv2.Integration] = []
    routes: list[aws.apigatewayv2.Route] = []
    authorizers: list[aws.apigatewayv2.Authorizer] = []
    urls: dict[str, pulumi.Output[str]] = {}
    for index, (_, event) in enumerate(spec.http_api_routes):
        gateway: Any = event.http_api_gateway
        prefix = f"{name}-route-{index}"
        integration_payload = create_integration_input(event, api_id="", vpc_link_id="", integration_uri="")
        integration = aws.apigatewayv2.Integration(
            f"{prefix}-integration",
            api_id=gateway.api.id,
            integration_type=integration_payload["IntegrationType"],
            integration_method=integration_payload["IntegrationMethod"],
            integration_uri=discovery.arn,
            connection_type=integration_payload["ConnectionType"],
            connection_id=gateway.vpc_link.id,
            payload_format_version=integration_payload["PayloadFormatVersion"],
            opts=child,
        )
        authorizer = (
            _authorizer(f"{prefix}-authorizer", event.authorizer, gateway, region, child)
            if event.authorizer is not None
            else None
        )
        # Ids come from Pulumi; the renderer decides the route key and the authorization type.
        route_payload = create_route_input(event, api_id="", integration_id="", authorizer_id="-")
        routes.append(
            aws.apigatewayv2.Route(
                prefix,
                api_id=gateway.api.id,
                route_key=route_payload["RouteKey"],
                target=pulumi.Output.concat("integrations/", integration.id),
                authorization_type=route_payload["AuthorizationType"],
                authorizer_id=authorizer.id if authorizer else None,
                opts=child,
            )
        )
        integrations.append(integration)
        if authorizer:
            authorizers.append(authorizer)
        urls[gateway.pulumi_resource_name] = gateway.url
    return HttpApiRouting(
        discovery,
        container.name,
        first.container_port,
        tuple(integrations),
        tuple(routes),
        tuple(authorizers),
        tuple(urls.values()),
    )


def _authorizer(
    name: str,
    authorizer: CognitoAuthorizer | LambdaAuthorizer,
    gateway: Any,
    region: pulumi.Output[str],
    opts: pulumi.ResourceOptions,
) -> aws.apigatewayv2.Authorizer:
    if isinstance(authorizer, CognitoAuthorizer):
        client: Any = authorizer.user_pool
        payload = pulumi.Output.all(client.user_pool_id, client.id, region).apply(
            lambda v: create_authorizer_input(
                authorizer, api_id="", name=name, region=v[2], user_pool_id=v[0], user_pool_client_ids=[v[1]]
            )
        )
        return aws.apigatewayv2.Authorizer(
            name,
            api_id=gateway.api.id,
            authorizer_type=payload["AuthorizerType"],
            identity_sources=payload["IdentitySource"],
            jwt_configuration=payload.apply(
                lambda p: {
                    "audiences": p["JwtConfiguration"]["Audience"],
                    "issuer": p["JwtConfiguration"]["Issuer"],
                }
            ),
            opts=opts,
        )
    arn = function_arn(authorizer.function)
    payload = pulumi.Output.all(arn, region).apply(
        lambda v: create_authorizer_input(authorizer, api_id="", name=name, region=v[1], function_arn=v[0])
    )
    created = aws.apigatewayv2.Authorizer(
        name,
        api_id=gateway.api.id,
        authorizer_type=payload["AuthorizerType"],
        authorizer_uri=payload["AuthorizerUri"],
        authorizer_payload_format_version=payload["AuthorizerPayloadFormatVersion"],
        enable_simple_responses=payload["EnableSimpleResponses"],
        authorizer_result_ttl_in_seconds=payload["AuthorizerResultTtlInSeconds"],
        identity_sources=payload["IdentitySource"],
        opts=opts,
    )
    aws.lambda_.Permission(
        f"{name}-invoke",
        action="lambda:InvokeFunction",
        function=arn,
        principal="apigateway.amazonaws.com",
        source_arn=pulumi.Output.concat(gateway.api.execution_arn, "/authorizers/", created.id),
        opts=opts,
    )
    return created
