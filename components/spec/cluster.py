"""`ClusterArgs`, parsed and validated into one `ClusterSpec` for every platform.

A key that no platform knows is refused on every platform (a typo never falls back to a default);
a key that only another platform uses is accepted and ignored, so one program runs unchanged on
sim, eks and ecs. Each platform's own rules (what its VPC and nodes allow) are checked here, once,
before the Cluster registers anything.
"""

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.cluster_args import ClusterArgs
from components.spec.arg_reader import ArgReader
from components.spec.platform import Platform

COMPONENT = "Cluster"

DEFAULT_VPC_CIDR = "10.0.0.0/16"
# Load balancers and EKS want subnets in at least two zones; more zones cost one NAT gateway each
# with 'OnePerAz'.
DEFAULT_ZONES = 2
MAX_ZONES = 6
LARGEST_VPC_PREFIX = 16  # AWS's largest VPC block
# ecs: each subnet gets 1/16 of the VPC (a /20 of a /16), leaving room to add zones, and AWS's
# smallest subnet is a /28.
SUBNET_MASK_BITS = 4
SMALLEST_SUBNET_PREFIX = 28
# eks: pods take their IP addresses from the subnets (VPC CNI), so a VPC smaller than /20 runs out fast.
SMALLEST_EKS_VPC_PREFIX = 20
SMALLEST_VPC_PREFIX = {
    Platform.ECS: SMALLEST_SUBNET_PREFIX - SUBNET_MASK_BITS,
    Platform.EKS: SMALLEST_EKS_VPC_PREFIX,
}

# ecs workloads may run in public subnets, so no NAT (no hourly cost) is the default; eks nodes and
# Fargate pods sit in private subnets and reach ECR and AWS APIs through NAT.
NAT_STRATEGIES = {Platform.ECS: ("None", "Single", "OnePerAz"), Platform.EKS: ("Single", "OnePerAz")}
DEFAULT_NAT = {Platform.ECS: "None", Platform.EKS: "Single"}

DEFAULT_KUBERNETES_VERSION = "1.35"
KUBERNETES_VERSION = re.compile(r"^1\.\d{2}$")
DEFAULT_INSTANCE_TYPES = ("t3.medium",)
DEFAULT_DESIRED_NODES = 2
DEFAULT_MIN_NODES = 1
DEFAULT_MAX_NODES = 3
DEFAULT_FARGATE = False
DEFAULT_LOAD_BALANCER_CONTROLLER = True
MAX_NODES = 450  # a managed node group's quota
NODE_KEYS = ("node_instance_types", "desired_nodes", "min_nodes", "max_nodes")
# A Fargate profile takes at most 5 selectors (EKS user guide, "Fargate profile"): kube-system and
# the stack's namespace take two.
MAX_FARGATE_PROFILE_SELECTORS = 5
OWN_FARGATE_NAMESPACES = 2
NAMESPACE_PATTERN = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
NAMESPACE_RULE = "Kubernetes namespace names (DNS labels: lowercase letters, digits and '-', at most 63)"


@dataclass(frozen=True)
class NodeGroupSpec:
    instance_types: tuple[str, ...]
    desired: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class ClusterSpec:
    """A Cluster's validated options. On sim only the name matters; the VPC is ecs's and eks's."""

    resource_name: str
    vpc_cidr: str = DEFAULT_VPC_CIDR
    availability_zones: int = DEFAULT_ZONES
    nat_gateways: str = DEFAULT_NAT[Platform.ECS]
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    nodes: NodeGroupSpec | None = None
    """eks: the managed node group; None when pods run on Fargate (and on other platforms)."""
    load_balancer_controller: bool = DEFAULT_LOAD_BALANCER_CONTROLLER
    fargate_namespaces: tuple[str, ...] = ()
    """eks with Fargate: namespaces of other stacks the Fargate profile admits too."""

    @property
    def has_nat(self) -> bool:
        return self.nat_gateways != "None"


def parse_cluster(name: str, args: Mapping[str, Any] | None, platform: Platform) -> ClusterSpec:
    reader = ArgReader(COMPONENT, name)
    values = reader.mapping("", args or {}, tuple(ClusterArgs.__annotations__))
    if platform is Platform.ECS:
        return ClusterSpec(name, *_vpc(reader, values, platform))
    if platform is Platform.EKS:
        return ClusterSpec(
            name,
            *_vpc(reader, values, platform),
            kubernetes_version=_kubernetes_version(reader, values),
            nodes=None if _fargate(reader, values) else _node_group(reader, values),
            load_balancer_controller=reader.boolean(
                "load_balancer_controller",
                values.get("load_balancer_controller", DEFAULT_LOAD_BALANCER_CONTROLLER),
            ),
            fargate_namespaces=_fargate_namespaces(reader, values),
        )
    return ClusterSpec(name)


def default_cluster_spec(platform: Platform) -> ClusterSpec:
    """What a Cluster made without args gets (e.g. the program's default cluster)."""
    return parse_cluster("default", {}, platform)


def _vpc(reader: ArgReader, values: Mapping[str, Any], platform: Platform) -> tuple[str, int, str]:
    smallest = SMALLEST_VPC_PREFIX[platform]
    allowed = (
        f"an IPv4 block in CIDR form from /{LARGEST_VPC_PREFIX} to /{smallest}, e.g. '{DEFAULT_VPC_CIDR}'"
    )
    text = reader.text("vpc_cidr", values.get("vpc_cidr", DEFAULT_VPC_CIDR), allowed)
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        raise reader.error("vpc_cidr", text, allowed) from None
    if not LARGEST_VPC_PREFIX <= network.prefixlen <= smallest:
        raise reader.error("vpc_cidr", text, allowed)
    zones = reader.integer(
        "availability_zones", values.get("availability_zones", DEFAULT_ZONES), DEFAULT_ZONES, MAX_ZONES
    )
    nat = reader.choice(
        "nat_gateways", values.get("nat_gateways", DEFAULT_NAT[platform]), NAT_STRATEGIES[platform]
    )
    return str(network), zones, nat


def _kubernetes_version(reader: ArgReader, values: Mapping[str, Any]) -> str:
    version = reader.text("kubernetes_version", values.get("kubernetes_version", DEFAULT_KUBERNETES_VERSION))
    if not KUBERNETES_VERSION.match(version):
        raise reader.error("kubernetes_version", version, "a Kubernetes minor version such as '1.35'")
    return version


FARGATE_RESERVED_PREFIX = "eks-"


def eks_cluster_resource_name(cluster_name: str) -> str:
    """The Pulumi name of a Cluster's pulumi-eks cluster, which names its Fargate profile after it."""
    return f"{cluster_name}-eks"


def _fargate(reader: ArgReader, values: Mapping[str, Any]) -> bool:
    fargate = reader.boolean("fargate", values.get("fargate", DEFAULT_FARGATE))
    if fargate:
        for key in NODE_KEYS:
            if key in values:
                raise reader.error(key, values[key], "nothing when fargate is true (Fargate has no nodes)")
        # pulumi-eks names the Fargate profile after its cluster resource, and EKS refuses profile
        # names with the reserved prefix 'eks-' (pulumi-eks#426).
        if eks_cluster_resource_name(reader.resource).startswith(FARGATE_RESERVED_PREFIX):
            raise reader.error(
                "fargate",
                fargate,
                f"false for a Cluster named '{reader.resource}': EKS refuses Fargate profile names starting "
                f"with '{FARGATE_RESERVED_PREFIX}', and the profile is named after the Cluster; rename it",
            )
    return fargate


def _fargate_namespaces(reader: ArgReader, values: Mapping[str, Any]) -> tuple[str, ...]:
    if "fargate_namespaces" not in values:
        return ()
    raw = values["fargate_namespaces"]
    if not values.get("fargate", DEFAULT_FARGATE):
        raise reader.error("fargate_namespaces", raw, "nothing unless fargate is true")
    namespaces = reader.strings("fargate_namespaces", raw, NAMESPACE_RULE)
    most = MAX_FARGATE_PROFILE_SELECTORS - OWN_FARGATE_NAMESPACES
    if len(namespaces) > most or any(not NAMESPACE_PATTERN.match(n) for n in namespaces):
        raise reader.error("fargate_namespaces", list(namespaces), f"at most {most} {NAMESPACE_RULE}")
    return tuple(namespaces)


def _node_group(reader: ArgReader, values: Mapping[str, Any]) -> NodeGroupSpec:
    instance_types = reader.strings(
        "node_instance_types",
        values.get("node_instance_types", list(DEFAULT_INSTANCE_TYPES)),
        "EC2 instance type names such as 't3.medium'",
        non_empty=True,
    )
    maximum = reader.integer("max_nodes", values.get("max_nodes", DEFAULT_MAX_NODES), 1, MAX_NODES)
    minimum = reader.integer("min_nodes", values.get("min_nodes", DEFAULT_MIN_NODES), 0, maximum)
    desired = values.get("desired_nodes", min(max(DEFAULT_DESIRED_NODES, minimum), maximum))
    desired = reader.integer("desired_nodes", desired, max(minimum, 1), maximum)
    return NodeGroupSpec(instance_types, desired, minimum, maximum)
