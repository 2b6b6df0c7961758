"""The VPC of an EKS cluster: a public and a private subnet in each zone, tagged for load balancers.

The AWS Load Balancer Controller picks subnets by tag: `kubernetes.io/role/elb` for internet-facing
load balancers (public subnets) and `kubernetes.io/role/internal-elb` for internal ones (private).
Nodes and Fargate pods sit in the private subnets.
"""

import pulumi
import pulumi_awsx as awsx

from components.platforms.eks_options import EksClusterOptions

PUBLIC_SUBNET_TAGS = {"kubernetes.io/role/elb": "1"}
PRIVATE_SUBNET_TAGS = {"kubernetes.io/role/internal-elb": "1"}


def create_vpc(parent: pulumi.Resource, name: str, options: EksClusterOptions) -> awsx.ec2.Vpc:
    return awsx.ec2.Vpc(
        f"{name}-vpc",
        cidr_block=options.vpc_cidr,
        number_of_availability_zones=options.availability_zones,
        nat_gateways={"strategy": options.nat_gateways},
        subnet_strategy="Auto",
        subnet_specs=[
            {"type": "Public", "tags": PUBLIC_SUBNET_TAGS},
            {"type": "Private", "tags": PRIVATE_SUBNET_TAGS},
        ],
        # EKS requires both for nodes to register and for private endpoint names to resolve.
        enable_dns_hostnames=True,
        enable_dns_support=True,
        opts=pulumi.ResourceOptions(parent=parent),
    )
