"""The eks keys of `ClusterArgs`, validated into plain values before the Cluster creates anything.

Keys of other platforms that eks has no use for are left to them; a key no platform knows is
refused, so a typo does not silently fall back to a default.
"""

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.cluster_args import ClusterArgs
from components.platforms.aws.vpc import DEFAULT_VPC_CIDR, DEFAULT_ZONES, MAX_ZONES
from components.render.helm.chart import DEFAULT_KUBERNETES_VERSION
from components.spec.arg_reader import ArgReader

DEFAULT_INSTANCE_TYPES = ("t3.medium",)
DEFAULT_DESIRED_NODES = 2
DEFAULT_MIN_NODES = 1
DEFAULT_MAX_NODES = 3
MAX_NODES = 450  # a managed node group's quota
# Pods take their IP addresses from the subnets (VPC CNI), so a VPC smaller than /20 runs out fast.
SMALLEST_VPC_PREFIX = 20
# Nodes and Fargate pods sit in private subnets and reach ECR and AWS APIs through NAT.
NAT_STRATEGIES = ("Single", "OnePerAz")
DEFAULT_NAT = "Single"
DEFAULT_FARGATE = False
DEFAULT_LOAD_BALANCER_CONTROLLER = True
KUBERNETES_VERSION = re.compile(r"^1\.\d{2}$")
NODE_KEYS = ("node_instance_types", "desired_nodes", "min_nodes", "max_nodes")


@dataclass(frozen=True)
class NodeGroupOptions:
    instance_types: tuple[str, ...]
    desired: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class EksClusterOptions:
    kubernetes_version: str
    nodes: NodeGroupOptions | None
    """The managed node group; None when pods run on Fargate."""
    vpc_cidr: str
    availability_zones: int
    nat_gateways: str
    load_balancer_controller: bool


def parse_cluster_options(name: str, args: Mapping[str, Any]) -> EksClusterOptions:
    reader = ArgReader("Cluster", name)
    known = tuple(ClusterArgs.__annotations__)
    for key in args:
        if key not in known:
            raise reader.error(key, args[key], "one of the keys " + ", ".join(known))
    version = reader.text("kubernetes_version", args.get("kubernetes_version", DEFAULT_KUBERNETES_VERSION))
    if not KUBERNETES_VERSION.match(version):
        raise reader.error("kubernetes_version", version, "a Kubernetes minor version such as '1.35'")
    fargate = reader.boolean("fargate", args.get("fargate", DEFAULT_FARGATE))
    if fargate:
        for key in NODE_KEYS:
            if key in args:
                raise reader.error(key, args[key], "nothing when fargate is true (Fargate has no nodes)")
    return EksClusterOptions(
        kubernetes_version=version,
        nodes=None if fargate else _node_group(reader, args),
        vpc_cidr=_vpc_cidr(reader, args.get("vpc_cidr", DEFAULT_VPC_CIDR)),
        availability_zones=reader.integer(
            "availability_zones", args.get("availability_zones", DEFAULT_ZONES), DEFAULT_ZONES, MAX_ZONES
        ),
        nat_gateways=reader.choice("nat_gateways", args.get("nat_gateways", DEFAULT_NAT), NAT_STRATEGIES),
        load_balancer_controller=reader.boolean(
            "load_balancer_controller", args.get("load_balancer_controller", DEFAULT_LOAD_BALANCER_CONTROLLER)
        ),
    )


def _node_group(reader: ArgReader, args: Mapping[str, Any]) -> NodeGroupOptions:
    instance_types = reader.strings(
        "node_instance_types",
        args.get("node_instance_types", list(DEFAULT_INSTANCE_TYPES)),
        "EC2 instance type names such as 't3.medium'",
        non_empty=True,
    )
    maximum = reader.integer("max_nodes", args.get("max_nodes", DEFAULT_MAX_NODES), 1, MAX_NODES)
    minimum = reader.integer("min_nodes", args.get("min_nodes", DEFAULT_MIN_NODES), 0, maximum)
    desired = args.get("desired_nodes", min(max(DEFAULT_DESIRED_NODES, minimum), maximum))
    desired = reader.integer("desired_nodes", desired, max(minimum, 1), maximum)
    return NodeGroupOptions(instance_types, desired, minimum, maximum)


def _vpc_cidr(reader: ArgReader, value: Any) -> str:
    allowed = f"an IPv4 block in CIDR form from /16 to /{SMALLEST_VPC_PREFIX}, e.g. '{DEFAULT_VPC_CIDR}'"
    text = reader.text("vpc_cidr", value, allowed)
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        raise reader.error("vpc_cidr", text, allowed) from None
    if not 16 <= network.prefixlen <= SMALLEST_VPC_PREFIX:
        raise reader.error("vpc_cidr", text, allowed)
    return str(network)
