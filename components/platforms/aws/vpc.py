"""The VPC of an ecs or eks Cluster: a public and a private subnet in each of two or more zones.

NAT gateways only as `nat_gateways` asks ("None", "Single" or "OnePerAz"): each costs by the hour.
What differs between the platforms is passed in: how large the subnets are (ecs sizes them from
its CIDR, eks leaves it to awsx) and the tags the AWS Load Balancer Controller finds them by (eks).
"""

from collections.abc import Mapping

import pulumi
import pulumi_awsx as awsx

from components.spec.cluster import ClusterSpec


def create_vpc(
    parent: pulumi.Resource,
    name: str,
    settings: ClusterSpec,
    *,
    subnet_cidr_mask: int | None = None,
    public_subnet_tags: Mapping[str, str] | None = None,
    private_subnet_tags: Mapping[str, str] | None = None,
) -> awsx.ec2.Vpc:
    """`<name>-vpc`, a child of `parent`; without `subnet_cidr_mask` awsx sizes the subnets."""
    return awsx.ec2.Vpc(
        f"{name}-vpc",
        cidr_block=settings.vpc_cidr,
        number_of_availability_zones=settings.availability_zones,
        nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
            strategy=awsx.ec2.NatGatewayStrategy(settings.nat_gateways)
        ),
        subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
        subnet_specs=[
            _subnet_spec("Public", subnet_cidr_mask, public_subnet_tags),
            _subnet_spec("Private", subnet_cidr_mask, private_subnet_tags),
        ],
        # Cloud Map's private DNS names (ecs) resolve only in a VPC with DNS support and host
        # names; EKS needs both for nodes to register and for private endpoint names to resolve.
        enable_dns_hostnames=True,
        enable_dns_support=True,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _subnet_spec(kind: str, cidr_mask: int | None, tags: Mapping[str, str] | None) -> awsx.ec2.SubnetSpecArgs:
    return awsx.ec2.SubnetSpecArgs(
        type=awsx.ec2.SubnetType(kind), cidr_mask=cidr_mask, tags=dict(tags) if tags else None
    )
