"""A ContainerWorkload behind its load balancers: target groups, ALB listener rules, NLB listeners.

One target group per `LoadBalancedTarget` (a container port behind one balancer). Application events
become listener rules on the balancer's listeners (the event's `listener_port`, else every listener
that forwards); network events become the listener on their port. `render.ecs.load_balancer_rules`
decides the conditions and health checks; this module turns them into Pulumi arguments.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from aws_provider.production_target_group import ProductionTargetGroup
from components.platforms.aws.credentials import credentials
from components.platforms.ecs.aws_inputs import snake_keys
from components.platforms.ecs.load_balancers import create_listener
from components.platforms.ecs.names import short_aws_name
from components.render.ecs.load_balancer_rules import (
    create_target_group_input,
    listener_ports,
    rule_conditions,
)
from components.spec.container_workload.events import ApplicationLoadBalancerEvent
from components.spec.container_workload.workload import ContainerWorkloadSpec, LoadBalancedTarget

# A task leaving the service stops getting new requests at once; ELB's default (300 s) would only
# slow every deployment down. Five seconds let in-flight requests finish.
DEREGISTRATION_DELAY_SECONDS = 5
# ELBv2 CreateRule condition field -> (Pulumi condition key, API config key) for the value lists.
VALUE_CONDITIONS = {
    "path-pattern": ("path_pattern", "PathPatternConfig"),
    "http-request-method": ("http_request_method", "HttpRequestMethodConfig"),
    "host-header": ("host_header", "HostHeaderConfig"),
    "source-ip": ("source_ip", "SourceIpConfig"),
}


@dataclass(frozen=True)
class LoadBalancing:
    target_groups: Mapping[str, aws.lb.TargetGroup]
    """By `LoadBalancedTarget.key`: the blue groups under CodeDeploy."""
    green_target_group: aws.lb.TargetGroup | None
    """CodeDeploy's second group of the pair (the workload's one blue/green target)."""
    production_target_group: ProductionTargetGroup | None
    """Which group of the pair production traffic is on now; where new rules forward."""
    listener_rules: tuple[aws.lb.ListenerRule, ...]
    listeners: tuple[aws.lb.Listener, ...]
    """Network Load Balancer listeners this workload owns."""
    production_listeners: tuple[aws.lb.Listener, ...]
    """Application Load Balancer listeners its rules are on."""
    urls: tuple[pulumi.Output[str], ...]


def create_target_group(
    name: str, target: LoadBalancedTarget, vpc_id: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> aws.lb.TargetGroup:
    # Name and VPC come from Pulumi; the renderer decides protocol, port and health check.
    payload = create_target_group_input(target, name="", vpc_id="")
    return aws.lb.TargetGroup(
        name,
        # Port and protocol replace a target group, and they are part of the target's key.
        name=short_aws_name(name),
        protocol=payload["Protocol"],
        port=payload["Port"],
        target_type=payload["TargetType"],
        vpc_id=vpc_id,
        deregistration_delay=DEREGISTRATION_DELAY_SECONDS,
        health_check={
            "enabled": payload["HealthCheckEnabled"],
            "protocol": payload["HealthCheckProtocol"],
            "port": payload["HealthCheckPort"],
            "interval": payload["HealthCheckIntervalSeconds"],
            "timeout": payload["HealthCheckTimeoutSeconds"],
            "path": payload.get("HealthCheckPath"),
            "matcher": payload.get("Matcher", {}).get("HttpCode"),
        },
        opts=opts,
    )


def rule_condition(condition: Mapping[str, Any]) -> aws.lb.ListenerRuleConditionArgsDict:
    """An ELBv2 CreateRule condition as an `aws.lb.ListenerRule` condition."""
    field = condition["Field"]
    if field in VALUE_CONDITIONS:
        key, config = VALUE_CONDITIONS[field]
        return cast(aws.lb.ListenerRuleConditionArgsDict, {key: {"values": condition[config]["Values"]}})
    if field == "http-header":
        return {"http_header": cast(Any, snake_keys(condition["HttpHeaderConfig"]))}
    if field == "query-string":
        return {"query_strings": cast(Any, snake_keys(condition["QueryStringConfig"]["Values"]))}
    raise ValueError(f"unknown listener rule condition field {field!r}")


def attach_load_balancers(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, vpc_id: pulumi.Input[str], traffic_shifted: bool
) -> LoadBalancing:
    """`traffic_shifted`: CodeDeploy moves traffic between the first target's group (blue) and a
    second (green) by rewriting the rules' actions, so Pulumi leaves those alone once created, and
    a rule created later forwards to whichever group production traffic is on by then."""
    child = pulumi.ResourceOptions(parent=parent)
    rule_opts = pulumi.ResourceOptions(parent=parent, ignore_changes=["actions"] if traffic_shifted else None)
    target_groups: dict[str, aws.lb.TargetGroup] = {}
    green: aws.lb.TargetGroup | None = None
    live: ProductionTargetGroup | None = None
    rules: list[aws.lb.ListenerRule] = []
    listeners: list[aws.lb.Listener] = []
    production: dict[int, aws.lb.Listener] = {}
    urls: dict[tuple[str, int], pulumi.Output[str]] = {}
    for index, target in enumerate(spec.load_balanced_targets):
        prefix = f"{spec.resource_name}-{target.key}"
        group = target_groups[target.key] = create_target_group(prefix, target, vpc_id, child)
        forward_to: pulumi.Input[str] = group.arn
        balancer: Any = target.load_balancer
        if traffic_shifted and index == 0:  # the spec allows a deployment with exactly one target
            green = create_target_group(f"{prefix}-green", target, vpc_id, child)
            (port,) = {p for event in target.events for p in listener_ports(event)}  # type: ignore[arg-type]
            live = ProductionTargetGroup(
                f"{prefix}-production",
                listener_arn=balancer.listeners[port].arn,
                target_group_arns=[group.arn, green.arn],
                credentials=credentials(parent),
                opts=child,
            )
            forward_to = live.arn
        for event in target.events:
            if isinstance(event, ApplicationLoadBalancerEvent):
                for port in listener_ports(event):
                    listener = balancer.listeners[port]
                    production[id(listener)] = listener
                    rules.append(
                        aws.lb.ListenerRule(
                            f"{prefix}-{port}-{event.priority}",
                            listener_arn=listener.arn,
                            priority=event.priority,
                            conditions=[rule_condition(c) for c in rule_conditions(event)],
                            actions=[{"type": "forward", "target_group_arn": forward_to}],
                            opts=rule_opts,
                        )
                    )
                    urls[(balancer.pulumi_resource_name, port)] = balancer.listener_urls[port]
            else:
                listener_spec = balancer.spec.listener(event.listener_port)
                action = aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)
                listeners.append(
                    create_listener(
                        f"{prefix}-{event.listener_port}",
                        balancer.load_balancer,
                        listener_spec,
                        action,
                        child,
                    )
                )
                urls[(balancer.pulumi_resource_name, event.listener_port)] = balancer.listener_urls[
                    event.listener_port
                ]
    return LoadBalancing(
        target_groups,
        green,
        live,
        tuple(rules),
        tuple(listeners),
        tuple(production.values()),
        tuple(urls.values()),
    )
