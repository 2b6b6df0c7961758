"""A ContainerWorkload's instance count: an Application Auto Scaling target owns the service's
desired count (the service ignores its own after creation), with target tracking on average CPU
and memory when there is room to scale (`render.ecs.autoscaling` decides the settings)."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.render.ecs.autoscaling import (
    SCALABLE_DIMENSION,
    SERVICE_NAMESPACE,
    resource_id,
    target_tracking_configurations,
)
from components.spec.container_workload.workload import ContainerWorkloadSpec


@dataclass(frozen=True)
class Scaling:
    scalable_target: aws.appautoscaling.Target
    policies: tuple[aws.appautoscaling.Policy, ...]
    """'<name>-cpu' and '<name>-memory'; none when min_instances == max_instances."""


def create_scaling(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    cluster_name: pulumi.Input[str],
    service_name: pulumi.Input[str],
) -> Scaling:
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    # Even with min == max: changing them later moves the desired count, which the service ignores.
    target = aws.appautoscaling.Target(
        f"{name}-scaling",
        service_namespace=SERVICE_NAMESPACE,
        scalable_dimension=SCALABLE_DIMENSION,
        resource_id=pulumi.Output.all(cluster_name, service_name).apply(lambda v: resource_id(v[0], v[1])),
        min_capacity=spec.scaling.min_instances,
        max_capacity=spec.scaling.max_instances,
        opts=child,
    )
    policies = tuple(
        aws.appautoscaling.Policy(
            f"{name}-scale-{metric}",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration={
                "target_value": configuration["TargetValue"],
                "predefined_metric_specification": {
                    "predefined_metric_type": configuration["PredefinedMetricSpecification"][
                        "PredefinedMetricType"
                    ]
                },
                "scale_out_cooldown": configuration["ScaleOutCooldown"],
                "scale_in_cooldown": configuration["ScaleInCooldown"],
            },
            opts=child,
        )
        for metric, configuration in target_tracking_configurations(spec).items()
    )
    return Scaling(target, policies)
