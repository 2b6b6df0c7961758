"""EC2 capacity for a ContainerWorkload with `instance_types`: its own ECS cluster and Auto Scaling group.

The group launches the ECS-optimized Amazon Linux 2023 image of the workload's architecture
(resolved from AWS's public SSM parameter at each launch, so new instances get the patched image)
and replaces every instance after a week, as Stacktape's weekly refresh does. A capacity provider
with managed scaling grows and shrinks the group to fit the tasks, which the service places by
binpacking memory. A warm pool keeps stopped, initialized instances for faster scale-out.

Why a cluster of its own: a cluster's capacity providers are one list (`ClusterCapacityProviders`),
so workloads sharing the cluster would overwrite each other's. Service connect still uses the
shared namespace, so workloads reach each other across clusters.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.platforms.aws.credentials import invoke_options
from components.platforms.ecs.cluster import egress_security_group
from components.platforms.ecs.iam import service_role
from components.platforms.ecs.names import avoid_reserved_prefix
from components.spec.aws_names import CAPACITY_PROVIDER_RESERVED_PREFIXES
from components.spec.container_workload.compute import Ec2Resources
from components.spec.container_workload.workload import ContainerWorkloadSpec

AMI_PARAMETERS = {
    "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
}
INSTANCE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    # Session Manager on the hosts, for debugging without SSH keys.
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
)
EC2 = "ec2.amazonaws.com"
INSTANCE_LIFETIME_SECONDS = 7 * 24 * 3600
# Managed scaling keeps the instances this full (percent): 100 adds one only when a task has no room.
TARGET_CAPACITY_PERCENT = 100


@dataclass(frozen=True)
class Ec2Capacity:
    ecs_cluster: aws.ecs.Cluster
    instance_role: aws.iam.Role
    security_group: aws.ec2.SecurityGroup
    launch_template: aws.ec2.LaunchTemplate
    auto_scaling_group: aws.autoscaling.Group
    capacity_provider: aws.ecs.CapacityProvider
    cluster_capacity_providers: aws.ecs.ClusterCapacityProviders
    instance_memory_mib: pulumi.Output[int]
    """Memory of the smallest instance type, which sizes tasks that give no `memory`."""


def max_hosts(spec: ContainerWorkloadSpec) -> int:
    """The group's most instances: worst case one task per instance (a task may fill one, and each
    awsvpc task takes one of the instance's few ENIs), and during a deployment both versions run at
    once: a rolling one up to maximumPercent (200%) of the tasks, a blue/green one a full second set."""
    return 2 * spec.scaling.max_instances


def user_data(cluster_name: str, warm_pool: bool) -> str:
    """The ECS agent's configuration: which cluster to join; with a warm pool, not to join while warm."""
    lines = ["#!/bin/bash", f"echo ECS_CLUSTER={cluster_name} >> /etc/ecs/ecs.config"]
    if warm_pool:
        lines.append("echo ECS_WARM_POOLS_CHECK=true >> /etc/ecs/ecs.config")
    return base64.b64encode(("\n".join(lines) + "\n").encode()).decode()


def create_ec2_capacity(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    resources: Ec2Resources,
    cluster: Any,
    subnet_ids: pulumi.Input[Sequence[str]],
) -> Ec2Capacity:
    """`resources`: the spec's, known to be EC2's."""
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    vpc = cluster.resources["vpc"]
    ecs_cluster = aws.ecs.Cluster(
        f"{name}-ecs",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        service_connect_defaults={"namespace": cluster.resources["namespace"].arn},
        opts=child,
    )
    role, _ = service_role(
        f"{name}-host-role",
        EC2,
        child,
        managed_policies={f"{name}-host-policy-{i}": policy for i, policy in enumerate(INSTANCE_POLICIES)},
    )
    profile = aws.iam.InstanceProfile(f"{name}-host-profile", role=role.name, opts=child)
    # Tasks have their own network interfaces and groups; the host itself only calls out.
    security_group = egress_security_group(f"{name}-host-sg", vpc.vpc_id, f"EC2 hosts of {name}", child)
    launch_template = aws.ec2.LaunchTemplate(
        f"{name}-host-template",
        image_id=f"resolve:ssm:{AMI_PARAMETERS[resources.architecture]}",
        instance_type=resources.instance_types[0],
        iam_instance_profile={"arn": profile.arn},
        vpc_security_group_ids=[security_group.id],
        user_data=ecs_cluster.name.apply(
            lambda cluster_name: user_data(cluster_name, resources.enable_warm_pool)
        ),
        metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
        update_default_version=True,
        opts=child,
    )
    template = {"id": launch_template.id, "version": "$Latest"}
    group = aws.autoscaling.Group(
        f"{name}-host-group",
        min_size=0,
        max_size=max_hosts(spec),
        vpc_zone_identifiers=subnet_ids,
        max_instance_lifetime=INSTANCE_LIFETIME_SECONDS,
        **_instances(resources, template),
        warm_pool={"pool_state": "Stopped"} if resources.enable_warm_pool else None,
        tags=[{"key": "AmazonECSManaged", "value": "true", "propagate_at_launch": True}],
        opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["desiredCapacity"]),
    )
    provider = aws.ecs.CapacityProvider(
        # Auto-named after this: AWS refuses names beginning with 'aws', 'ecs' or 'fargate'.
        avoid_reserved_prefix(f"{name}-capacity-provider", CAPACITY_PROVIDER_RESERVED_PREFIXES),
        auto_scaling_group_provider={
            "auto_scaling_group_arn": group.arn,
            "managed_scaling": {"status": "ENABLED", "target_capacity": TARGET_CAPACITY_PERCENT},
            "managed_termination_protection": "DISABLED",
            "managed_draining": "ENABLED",
        },
        opts=child,
    )
    association = aws.ecs.ClusterCapacityProviders(
        f"{name}-capacity-providers",
        cluster_name=ecs_cluster.name,
        capacity_providers=[provider.name],
        default_capacity_provider_strategies=[{"capacity_provider": provider.name, "weight": 1}],
        opts=child,
    )
    memory = pulumi.Output.all(
        *[
            aws.ec2.get_instance_type_output(instance_type=t, opts=invoke_options(parent)).memory_size
            for t in resources.instance_types
        ]
    ).apply(min)
    return Ec2Capacity(
        ecs_cluster, role, security_group, launch_template, group, provider, association, memory
    )


def _instances(resources: Ec2Resources, template: dict[str, Any]) -> dict[str, Any]:
    """One type: the launch template as is. Several: tried in the order given (a mixed instances
    policy, 'prioritized'); a warm pool needs the former, and the spec allows it only with one type."""
    if len(resources.instance_types) == 1:
        return {"launch_template": template}
    return {
        "mixed_instances_policy": {
            "launch_template": {
                "launch_template_specification": {
                    "launch_template_id": template["id"],
                    "version": template["version"],
                },
                "overrides": [{"instance_type": t} for t in resources.instance_types],
            },
            "instances_distribution": {"on_demand_allocation_strategy": "prioritized"},
        }
    }
