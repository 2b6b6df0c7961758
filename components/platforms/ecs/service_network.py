"""Where a ContainerWorkload's tasks sit in the cluster's VPC, and who may connect to them.

Each workload has its own security group admitting only: its load balancers on the ports they
forward to (and probe), its HTTP APIs' VPC links on the port their routes reach, and the cluster's
shared workload group on its service-connect ports (other workloads of the stack). Ports used only
inside the task (workload-internal) need no rule: containers of a task share one network namespace.
The file systems its containers mount admit its tasks on NFS (2049) at their mount targets
(`aws_provider.efs_access`: the mount targets and their groups are the user's).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from aws_provider.efs_access import EfsClientAccess
from components.platforms.aws.credentials import credentials
from components.platforms.ecs.cluster import cluster_network, egress_security_group
from components.platforms.ecs.task import file_system_id
from components.spec.container_workload.containers import VolumeMountSpec
from components.spec.container_workload.workload import ContainerWorkloadSpec


@dataclass(frozen=True)
class ServiceNetwork:
    security_group: aws.ec2.SecurityGroup
    ingress_rules: tuple[aws.vpc.SecurityGroupIngressRule, ...]
    efs_access: tuple[EfsClientAccess, ...]
    """NFS into the mount targets of each file system the containers mount."""
    subnet_ids: pulumi.Output[Sequence[str]]
    security_group_ids: list[pulumi.Output[str]]
    """The workload's own group and the cluster's shared one, which marks it as a workload."""


def create_service_network(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, cluster: Any
) -> ServiceNetwork:
    vpc, _ = cluster_network(cluster)
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    shared: aws.ec2.SecurityGroup = cluster.resources["workload_security_group"]
    security_group = egress_security_group(f"{name}-tasks", vpc.vpc_id, f"tasks of {name}", child)

    sources: dict[tuple[str, int], aws.ec2.SecurityGroup] = {}
    for target in spec.load_balanced_targets:
        balancer = target.load_balancer
        for port in {target.container_port, target.health_check.port or target.container_port}:
            sources[(balancer.pulumi_resource_name, port)] = balancer.security_group
    for _, event in spec.http_api_routes:
        gateway = event.http_api_gateway
        sources[(gateway.pulumi_resource_name, event.container_port)] = gateway.security_group
    for _, connect in spec.service_connect_ports:
        sources[("workloads", connect.container_port)] = shared

    rules = tuple(
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-from-{source_name}-{port}",
            security_group_id=security_group.id,
            referenced_security_group_id=source.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            opts=child,
        )
        for (source_name, port), source in sorted(sources.items(), key=lambda item: item[0])
    )
    # One access per file system (an id, or the same object) however many containers mount it.
    file_systems: dict[object, VolumeMountSpec] = {}
    for container in spec.containers:
        for mount in container.volume_mounts:
            key = mount.efs_filesystem if isinstance(mount.efs_filesystem, str) else id(mount.efs_filesystem)
            file_systems.setdefault(key, mount)
    efs_access = tuple(
        EfsClientAccess(
            f"{name}-nfs-{mount.volume_name}",
            file_system_id=file_system_id(mount.efs_filesystem),
            security_group_id=security_group.id,
            description=f"NFS from the tasks of {name}",
            credentials=credentials(parent),
            opts=child,
        )
        for mount in file_systems.values()
    )
    # Without NAT, tasks need a public subnet (and, on Fargate, a public IP) to reach ECR and AWS APIs.
    subnet_ids = vpc.private_subnet_ids if spec.use_private_subnets_with_nat else vpc.public_subnet_ids
    return ServiceNetwork(security_group, rules, efs_access, subnet_ids, [security_group.id, shared.id])
