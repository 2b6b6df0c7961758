"""`ClusterArgs`: options of a Cluster, by platform. The sim platform needs none."""

from typing import TypedDict


class ClusterArgs(TypedDict, total=False):
    """Options of a Cluster; each platform reads its own and ignores the others'."""

    # ecs and eks: the VPC
    nat_gateways: str
    """NAT gateways giving private subnets a way out: 'None', 'Single', or 'OnePerAz' (survives the loss
    of a zone). ecs default 'None' (no hourly cost; workloads run in public subnets, and those with
    `use_private_subnets_with_nat` need one); eks default 'Single' ('None' is refused: nodes and Fargate
    pods sit in private subnets)."""
    availability_zones: int
    """How many Availability Zones the VPC spans, each with a public and a private subnet (default 2)."""
    vpc_cidr: str
    """The VPC's IPv4 range (default '10.0.0.0/16')."""

    # eks
    kubernetes_version: str
    """eks: Kubernetes version of the control plane and its nodes (default '1.35')."""
    node_instance_types: list[str]
    """eks: x86_64 EC2 instance types of the managed node group (default ['t3.medium'])."""
    desired_nodes: int
    """eks: how many nodes the managed node group starts with (default 2)."""
    min_nodes: int
    """eks: fewest nodes of the managed node group (default 1)."""
    max_nodes: int
    """eks: most nodes of the managed node group (default 3)."""
    fargate: bool
    """eks: run every pod on Fargate (a Fargate profile) instead of a managed node group (default false)."""
    load_balancer_controller: bool
    """eks: install the AWS Load Balancer Controller, which public workloads need (default true)."""
