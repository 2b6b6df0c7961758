"""Render Application Auto Scaling payloads for a `ContainerWorkloadSpec`'s ECS service.

One target-tracking policy per metric (average CPU, average memory): the service scales out when
either is above its target and in only when both allow it, as Stacktape's scaling policy does.
"""

from typing import Any

from components.spec.container_workload.workload import ContainerWorkloadSpec

SERVICE_NAMESPACE = "ecs"
SCALABLE_DIMENSION = "ecs:service:DesiredCount"
# Scale out fast, scale in cautiously: a new instance may be needed within a minute, while removing
# one too early only to add it back costs a cold start.
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300
METRICS = (
    ("cpu", "ECSServiceAverageCPUUtilization", "keep_avg_cpu_utilization_under"),
    ("memory", "ECSServiceAverageMemoryUtilization", "keep_avg_memory_utilization_under"),
)


def resource_id(cluster_name: str, service_name: str) -> str:
    return f"service/{cluster_name}/{service_name}"


def register_scalable_target_input(
    spec: ContainerWorkloadSpec, cluster_name: str, service_name: str
) -> dict[str, Any]:
    return {
        "ServiceNamespace": SERVICE_NAMESPACE,
        "ResourceId": resource_id(cluster_name, service_name),
        "ScalableDimension": SCALABLE_DIMENSION,
        "MinCapacity": spec.scaling.min_instances,
        "MaxCapacity": spec.scaling.max_instances,
    }


def target_tracking_configurations(spec: ContainerWorkloadSpec) -> dict[str, dict[str, Any]]:
    """Metric ('cpu', 'memory') -> TargetTrackingScalingPolicyConfiguration; empty when min == max."""
    if not spec.scaling.autoscaled:
        return {}
    policy = spec.scaling.scaling_policy
    return {
        name: {
            "TargetValue": float(getattr(policy, field)),
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            "ScaleOutCooldown": SCALE_OUT_COOLDOWN_SECONDS,
            "ScaleInCooldown": SCALE_IN_COOLDOWN_SECONDS,
        }
        for name, metric, field in METRICS
    }


def put_scaling_policy_inputs(
    spec: ContainerWorkloadSpec, cluster_name: str, service_name: str, policy_name_prefix: str
) -> list[dict[str, Any]]:
    """PutScalingPolicy inputs, named '<prefix>-cpu' and '<prefix>-memory'; none when min == max."""
    return [
        {
            "PolicyName": f"{policy_name_prefix}-{name}",
            "ServiceNamespace": SERVICE_NAMESPACE,
            "ResourceId": resource_id(cluster_name, service_name),
            "ScalableDimension": SCALABLE_DIMENSION,
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": configuration,
        }
        for name, configuration in target_tracking_configurations(spec).items()
    ]
