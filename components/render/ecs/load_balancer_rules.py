"""Render ELBv2 payloads for a `ContainerWorkloadSpec`: target groups and ALB listener rules.

Pure functions in the ELBv2 API's shapes (CreateTargetGroup, CreateRule); ARNs and the VPC id come
in from the caller.
"""

from typing import Any

from components.spec.container_workload.events import ApplicationLoadBalancerEvent
from components.spec.container_workload.workload import LoadBalancedTarget

# Redirects count as healthy: many apps answer '/' with a redirect to a login or index page.
HEALTHY_HTTP_CODES = "200-399"


def listener_ports(event: ApplicationLoadBalancerEvent) -> tuple[int, ...]:
    """The listeners an application event's rule goes on."""
    if event.listener_port is not None:
        return (event.listener_port,)
    return event.load_balancer.spec.forwarding_ports


def rule_conditions(event: ApplicationLoadBalancerEvent) -> list[dict[str, Any]]:
    """CreateRule `Conditions`: every condition must match; values within one condition are OR-ed.

    An event without conditions matches every request (path '*'), since a rule needs one.
    """
    conditions: list[dict[str, Any]] = []
    if event.paths:
        conditions.append({"Field": "path-pattern", "PathPatternConfig": {"Values": list(event.paths)}})
    if event.methods:
        conditions.append(
            {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": list(event.methods)}}
        )
    if event.hosts:
        conditions.append({"Field": "host-header", "HostHeaderConfig": {"Values": list(event.hosts)}})
    for header in event.headers:
        conditions.append(
            {
                "Field": "http-header",
                "HttpHeaderConfig": {"HttpHeaderName": header.header_name, "Values": list(header.values)},
            }
        )
    # One condition per parameter so that all parameters must match (Stacktape's meaning), while
    # the values listed for one parameter are alternatives.
    for param in event.query_params:
        conditions.append(
            {
                "Field": "query-string",
                "QueryStringConfig": {
                    "Values": [{"Key": param.param_name, "Value": v} for v in param.values]
                },
            }
        )
    if event.source_ips:
        conditions.append({"Field": "source-ip", "SourceIpConfig": {"Values": list(event.source_ips)}})
    if not conditions:
        conditions.append({"Field": "path-pattern", "PathPatternConfig": {"Values": ["*"]}})
    return conditions


def create_rule_input(
    event: ApplicationLoadBalancerEvent, listener_arn: str, target_group_arn: str
) -> dict[str, Any]:
    """A listener rule forwarding the event's requests to the target group of its container port."""
    return {
        "ListenerArn": listener_arn,
        "Priority": event.priority,
        "Conditions": rule_conditions(event),
        "Actions": [{"Type": "forward", "TargetGroupArn": target_group_arn}],
    }


def create_target_group_input(target: LoadBalancedTarget, name: str, vpc_id: str) -> dict[str, Any]:
    """A target group of task IPs (awsvpc) on the container port, with the container's health check."""
    check = target.health_check
    payload: dict[str, Any] = {
        "Name": name,
        "Protocol": "HTTP" if target.kind == "application" else "TCP",
        "Port": target.container_port,
        "VpcId": vpc_id,
        "TargetType": "ip",
        "HealthCheckEnabled": True,
        "HealthCheckProtocol": check.protocol,
        "HealthCheckPort": "traffic-port" if check.port is None else str(check.port),
        "HealthCheckIntervalSeconds": check.interval_seconds,
        "HealthCheckTimeoutSeconds": check.timeout_seconds,
    }
    if check.protocol == "HTTP":
        payload["HealthCheckPath"] = check.path
        payload["Matcher"] = {"HttpCode": HEALTHY_HTTP_CODES}
    return payload
