"""What a workload's http-api-gateway events take on their gateways, checked on every platform.

A route key belongs to one workload per gateway: API Gateway refuses a duplicate, and the sim proxy
would silently route it to one of them. Nothing here imports an AWS SDK (sim pays no such import).
"""

from typing import Any

from components.render.ecs.http_api import route_key
from components.spec.arg_reader import ArgReader
from components.spec.container_workload.events import HttpApiGatewayEvent
from components.spec.container_workload.workload import COMPONENT, ContainerWorkloadSpec
from components.spec.load_balancers import HttpApiGatewaySpec


def check_http_api_events(spec: ContainerWorkloadSpec) -> None:
    """Each http-api-gateway event names an HttpApiGateway, on which no other workload holds its
    route key (API Gateway refuses a duplicate route key; the spec checks one workload's own)."""
    reader = ArgReader(COMPONENT, spec.resource_name)
    events = [
        (f"containers[{index}].events[{event_index}]", event)
        for index, container in enumerate(spec.containers)
        for event_index, event in enumerate(container.events)
        if isinstance(event, HttpApiGatewayEvent)
    ]
    for field, event in events:
        gateway: Any = event.http_api_gateway
        if not isinstance(getattr(gateway, "spec", None), HttpApiGatewaySpec):
            raise reader.error(f"{field}.http_api_gateway", gateway, "an HttpApiGateway")
        key = route_key(event)
        holder = gateway.claims.get(key)
        if holder is not None and holder != spec.resource_name:
            raise reader.error(
                f"{field}.path",
                key,
                f"a route not taken on {gateway.pulumi_resource_name} ({key} is {holder}'s)",
            )
    for _, event in events:
        event.http_api_gateway.claims[route_key(event)] = spec.resource_name
