"""Render API Gateway v2 (HTTP API) payloads for a ContainerWorkload's http-api-gateway events.

A container is reached through a VPC link as an HTTP proxy integration (to a Cloud Map service or a
load balancer listener, whichever `integration_uri` the platform passes). Ids and ARNs come in
from the caller.
"""

from collections.abc import Sequence
from typing import Any

from components.render.http_api_routes import HttpApiRoute
from components.spec.container_workload.events import CognitoAuthorizer, HttpApiGatewayEvent, LambdaAuthorizer


def route_key(event: HttpApiGatewayEvent) -> str:
    """The event's API Gateway route key, from the route model the sim gateway matches with."""
    return HttpApiRoute.of_event(event).key


def create_integration_input(
    event: HttpApiGatewayEvent, api_id: str, vpc_link_id: str, integration_uri: str
) -> dict[str, Any]:
    return {
        "ApiId": api_id,
        "IntegrationType": "HTTP_PROXY",
        "IntegrationMethod": "ANY",
        "IntegrationUri": integration_uri,
        "ConnectionType": "VPC_LINK",
        "ConnectionId": vpc_link_id,
        "PayloadFormatVersion": event.payload_format,
    }


def create_authorizer_input(
    authorizer: CognitoAuthorizer | LambdaAuthorizer,
    *,
    api_id: str,
    name: str,
    region: str,
    user_pool_id: str | None = None,
    user_pool_client_ids: Sequence[str] = (),
    function_arn: str | None = None,
) -> dict[str, Any]:
    """A JWT authorizer for a Cognito user pool (pass its id and client ids), or a REQUEST
    authorizer running a Lambda function (pass its ARN)."""
    if isinstance(authorizer, CognitoAuthorizer):
        if user_pool_id is None or not user_pool_client_ids:
            raise ValueError("a cognito authorizer needs user_pool_id and user_pool_client_ids")
        return {
            "ApiId": api_id,
            "Name": name,
            "AuthorizerType": "JWT",
            "IdentitySource": list(authorizer.identity_sources),
            "JwtConfiguration": {
                "Audience": list(user_pool_client_ids),
                "Issuer": f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}",
            },
        }
    if function_arn is None:
        raise ValueError("a lambda authorizer needs function_arn")
    return {
        "ApiId": api_id,
        "Name": name,
        "AuthorizerType": "REQUEST",
        "AuthorizerUri": (
            f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
        ),
        # Simple responses ({"isAuthorized": ...}) exist only in payload format 2.0; an IAM policy
        # response is the 1.0 format.
        "AuthorizerPayloadFormatVersion": "1.0" if authorizer.iam_response else "2.0",
        "EnableSimpleResponses": not authorizer.iam_response,
        "AuthorizerResultTtlInSeconds": authorizer.cache_result_seconds,
        "IdentitySource": list(authorizer.identity_sources),
    }


def create_route_input(
    event: HttpApiGatewayEvent, api_id: str, integration_id: str, authorizer_id: str | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "ApiId": api_id,
        "RouteKey": route_key(event),
        "Target": f"integrations/{integration_id}",
        "AuthorizationType": "NONE",
    }
    if event.authorizer is not None:
        if authorizer_id is None:
            raise ValueError("the event has an authorizer: pass its authorizer_id")
        payload["AuthorizationType"] = "JWT" if isinstance(event.authorizer, CognitoAuthorizer) else "CUSTOM"
        payload["AuthorizerId"] = authorizer_id
    return payload
