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
from components.spec.aws_names import (
    AUTONAME_SUFFIX_LENGTH,
    IAM_ROLE_NAME_MAX_LENGTH,
    RESOURCE_NAME_FIELD,
    reserved_prefix,
)
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
        fargate = _fargate(reader, values)
        controller = reader.boolean(
            "load_balancer_controller",
            values.get("load_balancer_controller", DEFAULT_LOAD_BALANCER_CONTROLLER),
        )
        _check_eks_name(reader, fargate, controller)
        return ClusterSpec(
            name,
            *_vpc(reader, values, platform),
            kubernetes_version=_kubernetes_version(reader, values),
            nodes=None if fargate else _node_group(reader, values),
            load_balancer_controller=controller,
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


def eks_cluster_resource_name(cluster_name: str) -> str:
    """The Pulumi name of a Cluster's pulumi-eks cluster, which names the AWS resources inside it."""
    return f"{cluster_name}-eks"


# The Pulumi names of the resources the eks platform names after the Cluster itself (node_group.py,
# load_balancer_controller.py); pulumi-aws gives each the AWS name '<Pulumi name>-<7 random chars>'.
NODE_ROLE_SUFFIX = "-node-role"
NODE_GROUP_SUFFIX = "-nodes"
CONTROLLER_POLICY_SUFFIX = "-lb-controller-policy"
CONTROLLER_ROLE_SUFFIX = "-lb-controller-role"
ROLE = "aws:iam/role:Role"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
FARGATE_PROFILE = "aws:eks/fargateProfile:FargateProfile"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
IAM_POLICY = "aws:iam/policy:Policy"
# AWS's longest name per resource type: CreateCluster 100 and CreateRole 64 (botocore's models),
# CreatePolicy 128, a managed node group 63 ("can't be longer than 63 characters. It must start with
# a letter or digit", pulumi-aws's eks.NodeGroup nodeGroupName docs),
# CreateSecurityGroup 255 ("Can't start with sg-", botocore's documentation of GroupName). EKS
# publishes no rule for Fargate profile names. pulumi-aws does not shorten a name to fit: its
# auto-naming (pulumi-terraform-bridge ComputeAutoNameDefault -> pulumi NewUniqueName, "name ... plus
# 7 random chars is longer than maximum length") fails at preview past its own maximum, 64 for roles
# but 255 for EKS clusters, node groups and Fargate profiles (pulumi-aws provider/resources.go), so
# those reach AWS and fail at `up`, after the VPC and the control plane's role exist.
EKS_NAME_LIMITS = {
    EKS_CLUSTER: ("EKS cluster", 100),
    ROLE: ("IAM role", IAM_ROLE_NAME_MAX_LENGTH),
    IAM_POLICY: ("IAM policy", 128),
    NODE_GROUP: ("node group", 63),
    SECURITY_GROUP: ("security group", 255),
}
# What every one of them allows at its start and after: the EKS cluster's and node group's rule.
EKS_RESOURCE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
SECURITY_GROUP_RESERVED_PREFIXES = ("sg-",)


def eks_named_resources(
    cluster_name: str, fargate: bool, load_balancer_controller: bool
) -> list[tuple[str, str]]:
    """(Pulumi type, Pulumi name) of every resource whose AWS name an eks Cluster's name decides."""
    named = pulumi_eks_named_resources(eks_cluster_resource_name(cluster_name), fargate)
    if not fargate:
        named += [
            (ROLE, f"{cluster_name}{NODE_ROLE_SUFFIX}"),
            (NODE_GROUP, f"{cluster_name}{NODE_GROUP_SUFFIX}"),
        ]
    if load_balancer_controller:
        named += [
            (IAM_POLICY, f"{cluster_name}{CONTROLLER_POLICY_SUFFIX}"),
            (ROLE, f"{cluster_name}{CONTROLLER_ROLE_SUFFIX}"),
        ]
    return named


def pulumi_eks_named_resources(name: str, fargate: bool) -> list[tuple[str, str]]:
    """(Pulumi type, Pulumi name) of the named AWS resources inside the pulumi-eks cluster `name`.

    pulumi-eks registers its children from its own provider, so programs (and tests under mocks)
    never see them; their names as pulumi-eks 4.x gives them (github.com/pulumi/pulumi-eks,
    nodejs/eks/cluster/cluster.ts createCore and createCluster, servicerole.ts, nodes/securitygroup.ts)
    for `eks.Cluster(name, skip_default_node_group=True, create_oidc_provider=True, fargate=...)`:
    the control plane `${name}-eksCluster`; the ServiceRoles `${name}-eksRole` and, with Fargate,
    `${name}-podExecutionRole`, each an IAM role `<ServiceRole>-role`; the security groups
    `${name}-eksClusterSecurityGroup` and `${name}-nodeSecurityGroup`; and the Fargate profile
    (below). No instance role or profile: those come only with pulumi-eks' default node group.
    """
    named = [
        (EKS_CLUSTER, f"{name}-eksCluster"),
        (ROLE, f"{name}-eksRole-role"),
        (SECURITY_GROUP, f"{name}-eksClusterSecurityGroup"),
        (SECURITY_GROUP, f"{name}-nodeSecurityGroup"),
    ]
    if fargate:
        named += [(ROLE, f"{name}-podExecutionRole-role"), (FARGATE_PROFILE, _fargate_profile_name(name))]
    return named


def _fargate_profile_name(name: str) -> str:
    """pulumi-eks' Fargate profile: `${name}-fargateProfile`, but for a name that is 'eks' or starts
    with 'eks-' in any case (EKS reserves that prefix for profile names, pulumi-eks#426) the first
    '-' becomes '_' and 'fargateProfile' is appended without one (pulumi-eks#430)."""
    if name.lower() == "eks" or name.lower().startswith("eks-"):
        return f"{name.replace('-', '_', 1)}fargateProfile"
    return f"{name}-fargateProfile"


def _check_eks_name(reader: ArgReader, fargate: bool, load_balancer_controller: bool) -> None:
    """Refuse a Cluster name that would give AWS a name it refuses, before anything is created."""
    name = reader.resource
    # The room each derived name leaves for the Cluster's name, once its suffixes are added.
    room, derived, kind = min(
        (EKS_NAME_LIMITS[kind][1] - (len(derived) + AUTONAME_SUFFIX_LENGTH - len(name)), derived, kind)
        for kind, derived in eks_named_resources(name, fargate, load_balancer_controller)
        if kind in EKS_NAME_LIMITS
    )
    if (
        len(name) > room
        or not EKS_RESOURCE_NAME_PATTERN.match(name)
        or reserved_prefix(name, SECURITY_GROUP_RESERVED_PREFIXES)
    ):
        what, most = EKS_NAME_LIMITS[kind]
        raise reader.error(
            RESOURCE_NAME_FIELD,
            name,
            "a name of letters, digits, '-' and '_' that starts with a letter or digit but not with "
            f"'sg-', at most {room} characters with these options (AWS names the EKS cluster, its IAM "
            f"roles and security groups after it; the tightest is the {what} '{derived}' and 7 random "
            f"characters, at most {most})",
        )


def _fargate(reader: ArgReader, values: Mapping[str, Any]) -> bool:
    fargate = reader.boolean("fargate", values.get("fargate", DEFAULT_FARGATE))
    if fargate:
        for key in NODE_KEYS:
            if key in values:
                raise reader.error(key, values[key], "nothing when fargate is true (Fargate has no nodes)")
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
