"""The ecs platform's Cluster: a VPC over two or more zones, an ECS cluster and a private namespace.

`ClusterOutputs.resources` keys (escape hatches, documented in the README):
  "vpc": `awsx.ec2.Vpc`, a public and a private subnet per zone; NAT gateways only as
      `nat_gateways` asks, so an idle cluster costs nothing by the hour.
  "ecs_cluster": `aws.ecs.Cluster` with Container Insights on; Fargate workloads run here.
  "namespace": `aws.servicediscovery.PrivateDnsNamespace` for service connect and Cloud Map names.
  "workload_security_group": `aws.ec2.SecurityGroup` that every workload's tasks carry; the
      service-connect ports of every workload admit it, which is how workloads reach each other.
  "settings": `EcsClusterSettings`, the validated `ClusterArgs` (plain values, not a resource).
"""

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.platforms.aws.vpc import DEFAULT_VPC_CIDR, DEFAULT_ZONES, MAX_ZONES, create_vpc
from components.platforms.ecs.names import aws_dns_label
from components.platforms.outputs import ClusterOutputs
from components.spec.arg_reader import ArgReader
from components.spec.stack_config import StackConfig

NAT_STRATEGIES = ("None", "Single", "OnePerAz")
DEFAULT_NAT = "None"  # no hourly cost; workloads run in public subnets
ANYWHERE = "0.0.0.0/0"
# Each subnet gets 1/16 of the VPC (a /20 of a /16: 4091 addresses), leaving room to add zones.
SUBNET_MASK_BITS = 4
SMALLEST_SUBNET_PREFIX = 28  # AWS's smallest subnet
ECS_ARGS = ("nat_gateways", "availability_zones", "vpc_cidr")


@dataclass(frozen=True)
class EcsClusterSettings:
    nat_gateways: str
    availability_zones: int
    vpc_cidr: str

    @property
    def has_nat(self) -> bool:
        return self.nat_gateways != "None"


# What a Cluster made without args (e.g. the program's default cluster) gets.
DEFAULT_SETTINGS = EcsClusterSettings(
    nat_gateways=DEFAULT_NAT, availability_zones=DEFAULT_ZONES, vpc_cidr=DEFAULT_VPC_CIDR
)


def parse_settings(name: str, args: Mapping[str, Any]) -> EcsClusterSettings:
    """The ecs keys of `ClusterArgs`, validated; other platforms' keys are theirs to check."""
    reader = ArgReader("Cluster", name)
    cidr = reader.text(
        "vpc_cidr", args.get("vpc_cidr", DEFAULT_SETTINGS.vpc_cidr), "an IPv4 CIDR block, e.g. '10.0.0.0/16'"
    )
    try:
        network = ipaddress.IPv4Network(cidr)
    except ValueError:
        raise reader.error("vpc_cidr", cidr, "an IPv4 network in CIDR form, e.g. '10.0.0.0/16'") from None
    if not 16 <= network.prefixlen <= SMALLEST_SUBNET_PREFIX - SUBNET_MASK_BITS:
        raise reader.error(
            "vpc_cidr",
            cidr,
            f"a block from /16 to /{SMALLEST_SUBNET_PREFIX - SUBNET_MASK_BITS} "
            "(its subnets are 16 times smaller)",
        )
    return EcsClusterSettings(
        nat_gateways=reader.choice(
            "nat_gateways", args.get("nat_gateways", DEFAULT_SETTINGS.nat_gateways), NAT_STRATEGIES
        ),
        availability_zones=reader.integer(
            "availability_zones", args.get("availability_zones", DEFAULT_ZONES), DEFAULT_ZONES, MAX_ZONES
        ),
        vpc_cidr=str(network),
    )


def cluster_network(cluster: Any) -> tuple[awsx.ec2.Vpc, EcsClusterSettings]:
    """A Cluster's VPC and settings, as `create_cluster` made them."""
    return cluster.resources["vpc"], cluster.resources["settings"]


def egress_security_group(
    name: str,
    vpc_id: pulumi.Input[str],
    description: str,
    opts: pulumi.ResourceOptions,
    *,
    to_cidr: pulumi.Input[str] = ANYWHERE,
    protocol: str = "-1",
) -> aws.ec2.SecurityGroup:
    """A security group that lets its members call out to `to_cidr` (every protocol, or every TCP
    port) and admits nothing: ingress comes from rules that name it."""
    to_port = 65535 if protocol == "tcp" else 0
    return aws.ec2.SecurityGroup(
        name,
        vpc_id=vpc_id,
        description=description,
        egress=[{"protocol": protocol, "from_port": 0, "to_port": to_port, "cidr_blocks": [to_cidr]}],
        opts=opts,
    )


def create_cluster(
    parent: pulumi.Resource, name: str, args: Mapping[str, Any], default: bool, config: StackConfig
) -> ClusterOutputs:
    settings = parse_settings(name, args)
    child = pulumi.ResourceOptions(parent=parent)
    subnet_mask = ipaddress.IPv4Network(settings.vpc_cidr).prefixlen + SUBNET_MASK_BITS
    vpc = create_vpc(parent, name, settings, subnet_cidr_mask=subnet_mask)
    namespace = aws.servicediscovery.PrivateDnsNamespace(
        f"{name}-namespace",
        # Namespaces are per VPC; the stack in the name keeps stacks of one account apart in listings.
        name=f"{aws_dns_label(name)}.{aws_dns_label(pulumi.get_stack())}.internal",
        vpc=vpc.vpc_id,
        description=f"service connect names of cluster {name}",
        opts=child,
    )
    ecs_cluster = aws.ecs.Cluster(
        f"{name}-ecs",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        service_connect_defaults={"namespace": namespace.arn},
        opts=child,
    )
    workload_security_group = egress_security_group(
        f"{name}-workloads", vpc.vpc_id, f"carried by every workload of cluster {name}", child
    )
    return ClusterOutputs(
        cluster_name=ecs_cluster.name,
        resources={
            "vpc": vpc,
            "ecs_cluster": ecs_cluster,
            "namespace": namespace,
            "workload_security_group": workload_security_group,
            "settings": settings,
        },
    )
