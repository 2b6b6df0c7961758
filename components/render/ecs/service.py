"""Render the ECS service of a `ContainerWorkloadSpec`: the CreateService input and its parts.

Pure functions; ARNs, ids and names that exist only at deploy time come in from the caller.
Deployments use ECS's own controller: rolling updates by default, or, with `deployment`, ECS's
blue/green with Stacktape's canary/linear/all-at-once traffic shifting (CANARY, LINEAR, BLUE_GREEN
strategies). The CodeDeploy alternative lives in `codedeploy`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from components.render.ecs.task_definition import port_name
from components.spec.container_workload.workload import ContainerWorkloadSpec

EMPTY: Mapping[str, Any] = MappingProxyType({})


def _canary(percent: float, minutes: int) -> dict[str, Any]:
    return {
        "strategy": "CANARY",
        "canaryConfiguration": {"canaryPercent": percent, "canaryBakeTimeInMinutes": minutes},
    }


def _linear(percent: float, minutes: int) -> dict[str, Any]:
    return {
        "strategy": "LINEAR",
        "linearConfiguration": {"stepPercent": percent, "stepBakeTimeInMinutes": minutes},
    }


# Stacktape strategy -> ECS deploymentConfiguration strategy and its traffic-shifting settings.
ECS_DEPLOYMENT_STRATEGIES: Mapping[str, dict[str, Any]] = MappingProxyType(
    {
        "AllAtOnce": {"strategy": "BLUE_GREEN"},
        "Canary10Percent5Minutes": _canary(10.0, 5),
        "Canary10Percent15Minutes": _canary(10.0, 15),
        "Linear10PercentEvery1Minutes": _linear(10.0, 1),
        "Linear10PercentEvery3Minutes": _linear(10.0, 3),
    }
)
# Stacktape hook -> the ECS lifecycle stage with the same moment as CodeDeploy's hook of that name.
HOOK_STAGES: Mapping[str, str] = MappingProxyType(
    {
        "before_allow_traffic_function": "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "after_traffic_shift_function": "POST_PRODUCTION_TRAFFIC_SHIFT",
    }
)


@dataclass(frozen=True)
class BlueGreenTargets:
    """What ECS blue/green needs beyond the target group: where it shifts traffic, and as whom."""

    alternate_target_group_arn: str
    production_listener_rule_arn: str
    role_arn: str
    test_listener_rule_arn: str | None = None


def network_configuration(
    spec: ContainerWorkloadSpec, subnet_ids: Sequence[str], security_group_ids: Sequence[str]
) -> dict[str, Any]:
    """awsvpc networking. Fargate tasks in public subnets need a public IP to pull images without NAT;
    EC2 tasks cannot have one (ECS rejects it: their host pulls images over its own address)."""
    public_ip = spec.on_fargate and not spec.use_private_subnets_with_nat
    return {
        "awsvpcConfiguration": {
            "subnets": list(subnet_ids),
            "securityGroups": list(security_group_ids),
            "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
        }
    }


def service_load_balancers(
    spec: ContainerWorkloadSpec,
    target_group_arns: Mapping[str, str],
    blue_green: BlueGreenTargets | None = None,
) -> list[dict[str, Any]]:
    """`loadBalancers`: one per `LoadBalancedTarget`, looked up by its `key` in `target_group_arns`."""
    entries = []
    for target in spec.load_balanced_targets:
        if target.key not in target_group_arns:
            raise ValueError(f"no target group ARN given for '{target.key}'")
        entry: dict[str, Any] = {
            "targetGroupArn": target_group_arns[target.key],
            "containerName": target.container_name,
            "containerPort": target.container_port,
        }
        if blue_green is not None and spec.deployment is not None:
            advanced = {
                "alternateTargetGroupArn": blue_green.alternate_target_group_arn,
                "productionListenerRule": blue_green.production_listener_rule_arn,
                "roleArn": blue_green.role_arn,
            }
            if blue_green.test_listener_rule_arn is not None:
                advanced["testListenerRule"] = blue_green.test_listener_rule_arn
            entry["advancedConfiguration"] = advanced
        entries.append(entry)
    return entries


def service_connect_services(spec: ContainerWorkloadSpec) -> list[dict[str, Any]]:
    """One entry per service-connect event: reachable as `alias:port` from the namespace."""
    return [
        {
            "portName": port_name(container.name, event.container_port),
            "discoveryName": event.alias,
            "clientAliases": [{"port": event.container_port, "dnsName": event.alias}],
        }
        for container, event in spec.service_connect_ports
    ]


def service_connect_configuration(spec: ContainerWorkloadSpec, namespace: str) -> dict[str, Any]:
    """Service connect in `namespace`; without service-connect events the service is a client only
    (it can still call other workloads' aliases)."""
    configuration: dict[str, Any] = {"enabled": True, "namespace": namespace}
    services = service_connect_services(spec)
    if services:
        configuration["services"] = services
    return configuration


def deployment_configuration(
    spec: ContainerWorkloadSpec,
    hook_role_arn: str | None = None,
    hook_arns: Mapping[str, str] = EMPTY,
) -> dict[str, Any]:
    """ECS `deploymentConfiguration`: rolling with automatic rollback, or blue/green per `deployment`.

    hook_arns: 'before_allow_traffic_function' / 'after_traffic_shift_function' -> Lambda ARN, for
    the hooks the spec names; `hook_role_arn` is the role ECS assumes to invoke them.
    """
    if spec.deployment is None:
        return {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        }
    configuration: dict[str, Any] = {
        **ECS_DEPLOYMENT_STRATEGIES[spec.deployment.strategy],
        # Keep the old revision until the shift ends; rollback is instant until then.
        "bakeTimeInMinutes": 0,
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    }
    hooks = []
    for key, stage in HOOK_STAGES.items():
        if getattr(spec.deployment, key) is None:
            continue
        if key not in hook_arns or hook_role_arn is None:
            raise ValueError(f"deployment.{key} is set: pass its ARN in hook_arns and a hook_role_arn")
        hooks.append(
            {
                "hookTargetArn": hook_arns[key],
                "roleArn": hook_role_arn,
                "lifecycleStages": [stage],
            }
        )
    if hooks:
        configuration["lifecycleHooks"] = hooks
    return configuration


def create_service_input(
    spec: ContainerWorkloadSpec,
    *,
    cluster: str,
    service_name: str,
    task_definition: str,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    target_group_arns: Mapping[str, str] = EMPTY,
    service_connect_namespace: str | None = None,
    capacity_provider: str | None = None,
    blue_green: BlueGreenTargets | None = None,
    hook_role_arn: str | None = None,
    hook_arns: Mapping[str, str] = EMPTY,
) -> dict[str, Any]:
    """The whole CreateService input. EC2 workloads run on `capacity_provider` (their Auto Scaling
    group's); a `deployment` needs `blue_green`."""
    if spec.deployment is not None and blue_green is None:
        raise ValueError("the spec has a deployment: pass blue_green (alternate target group, rule, role)")
    payload: dict[str, Any] = {
        "cluster": cluster,
        "serviceName": service_name,
        "taskDefinition": task_definition,
        "desiredCount": spec.scaling.min_instances,
        "networkConfiguration": network_configuration(spec, subnet_ids, security_group_ids),
        "deploymentController": {"type": "ECS"},
        "deploymentConfiguration": deployment_configuration(spec, hook_role_arn, hook_arns),
        "enableExecuteCommand": spec.enable_remote_sessions,
        "propagateTags": "SERVICE",
    }
    if spec.on_fargate:
        payload["launchType"] = "FARGATE"
    else:
        if capacity_provider is None:
            raise ValueError("the workload runs on EC2: pass its capacity_provider")
        payload["capacityProviderStrategy"] = [{"capacityProvider": capacity_provider, "weight": 1}]
        # Stacktape packs as many workload instances onto each EC2 instance as fit.
        payload["placementStrategy"] = [{"type": "binpack", "field": "memory"}]
    if spec.load_balanced_targets:
        payload["loadBalancers"] = service_load_balancers(spec, target_group_arns, blue_green)
    if spec.service_connect_ports and service_connect_namespace is None:
        raise ValueError("the workload has service-connect events: pass service_connect_namespace")
    if service_connect_namespace is not None:
        payload["serviceConnectConfiguration"] = service_connect_configuration(
            spec, service_connect_namespace
        )
    return payload
