"""`ClusterArgs`: options of a Cluster, by platform. The sim platform needs none."""

from typing import TypedDict


class ClusterArgs(TypedDict, total=False):
    """Options of a Cluster; each platform reads its own and ignores the others'."""

    # ecs and eks: the VPC
    nat_gateways: str
    """NAT gateways giving private subnets a way out: 'None', 'Single', or 'OnePerAz' (survives the loss
    of a zone); each costs by the hour. With 'None' on ecs workloads run in public subnets, and those
    with `use_private_subnets_with_nat` are refused; eks refuses 'None' (nodes and Fargate pods sit in
    private subnets). Default: 'None' on ecs, 'Single' on eks."""
    availability_zones: int
    """How many Availability Zones the VPC spans (2..6), each with a public and a private subnet.
    Default: 2."""
    vpc_cidr: str
    """The VPC's IPv4 range, from /16 to /24 on ecs and to /20 on eks. Default: '10.0.0.0/16'."""

    # eks
    kubernetes_version: str
    """eks: Kubernetes minor version of the control plane and its nodes. Default: '1.35'."""
    node_instance_types: list[str]
    """eks: x86_64 EC2 instance types of the managed node group. Default: ['t3.medium']."""
    desired_nodes: int
    """eks: how many nodes the managed node group starts with (the default kept within min..max_nodes).
    Default: 2."""
    min_nodes: int
    """eks: fewest nodes of the managed node group, 0..max_nodes. Default: 1."""
    max_nodes: int
    """eks: most nodes of the managed node group, 1..450. Default: 3."""
    fargate: bool
    """eks: run every pod on Fargate (a Fargate profile) instead of a managed node group. Default: false."""
    fargate_namespaces: list[str]
    """eks with `fargate`: more namespaces the Fargate profile admits, beside kube-system and this
    stack's `<project>-<stack>`: those of other stacks that deploy into this cluster through
    `containers:eks` (their pods stay Pending otherwise). At most 3 (5 selectors a profile).
    Default: none."""
    load_balancer_controller: bool
    """eks: install the AWS Load Balancer Controller, which public workloads need. Default: true."""
