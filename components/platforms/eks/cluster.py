"""The eks platform's Cluster: an EKS cluster made here, or an existing one the stack config names.

Made here: a VPC over two or more zones (aws_vpc), the EKS control plane (pulumi-eks) with an OIDC
provider for IRSA, a managed node group (or a Fargate profile), and the AWS Load Balancer Controller.
Existing: `containers:eks: {clusterName, endpoint, certificate}` in the stack config; it applies to
the default cluster (workloads given no `cluster=`), and then nothing but a namespace is created.

`ClusterOutputs.resources` keys (escape hatches, documented in the README):
  "provider": `kubernetes.Provider` for the cluster; every workload deploys through it.
  "namespace": `kubernetes.core.v1.Namespace` where this stack's workloads run, named
      `<project>-<stack>` so that several stacks can share one cluster.
  "load_balancer_controller": `kubernetes.helm.v3.Release` of the controller, which public
      workloads wait for; None for an existing cluster or `load_balancer_controller: false`.
  "eks_cluster": `pulumi_eks.Cluster`; None for an existing cluster.
  "vpc": `pulumi_awsx.ec2.Vpc`; None for an existing cluster.
  "node_group": `aws.eks.NodeGroup`; None with `fargate: true` or an existing cluster.
  "metrics_server": `aws.eks.Addon` (EKS's metrics-server add-on, which HPAs read); None for an
      existing cluster, which must run a metrics server of its own for `scaling` to act.
"""

from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from components.platforms.aws.credentials import credentials, region_of
from components.platforms.aws.vpc import create_vpc
from components.platforms.eks.kubeconfig import ClusterEndpoint, kubeconfig
from components.platforms.eks.load_balancer_controller import NAMESPACE as CONTROLLER_NAMESPACE
from components.platforms.eks.load_balancer_controller import install_load_balancer_controller
from components.platforms.eks.node_group import create_node_group
from components.platforms.kubernetes.cluster import stack_namespace
from components.platforms.outputs import ClusterOutputs
from components.spec.cluster import ClusterSpec, eks_cluster_resource_name
from components.spec.stack_config import StackConfig

CREATED = ("load_balancer_controller", "eks_cluster", "vpc", "node_group", "metrics_server")
"""Keys of `resources` that only a cluster made here fills; None for an existing cluster."""
# The AWS Load Balancer Controller picks subnets by tag: `kubernetes.io/role/elb` for internet-facing
# load balancers (public subnets), `kubernetes.io/role/internal-elb` for internal ones (private).
# Nodes and Fargate pods sit in the private subnets.
PUBLIC_SUBNET_TAGS = {"kubernetes.io/role/elb": "1"}
PRIVATE_SUBNET_TAGS = {"kubernetes.io/role/internal-elb": "1"}
# The AWS Load Balancer Controller adds a readiness gate to pods in namespaces with this label, so a
# rollout waits until the ALB sees the new pods healthy (target-type ip) before it stops old ones.
NAMESPACE_LABELS = {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}
# EKS's add-on of the Kubernetes Metrics Server: HorizontalPodAutoscalers read pod CPU from it.
METRICS_SERVER_ADDON = "metrics-server"


def create_cluster(
    parent: pulumi.Resource, spec: ClusterSpec, default: bool, config: StackConfig
) -> ClusterOutputs:
    name = spec.resource_name
    # An explicit Cluster is always made; only the default one follows the stack config.
    existing = (
        ClusterEndpoint(
            config.eks_cluster.cluster_name, config.eks_cluster.endpoint, config.eks_cluster.certificate
        )
        if default and config.eks_cluster
        else None
    )
    region = region_of(parent)
    if existing is not None:
        return _outputs(
            parent, name, existing, *_access(parent, name, existing, region), dict.fromkeys(CREATED)
        )
    if default:
        pulumi.log.warn(
            f"No cluster given: creating an EKS cluster '{name}' for this app (about 15 minutes, billed "
            "by the hour). To deploy into an existing cluster, set containers:eks in the stack config "
            "(scripts/eks-values CLUSTER_NAME prints it); to share one, pass cluster=Cluster(...).",
            resource=parent,
        )
    return _create(parent, name, spec, region)


def _create(
    parent: pulumi.Resource, name: str, options: ClusterSpec, region: pulumi.Output[str]
) -> ClusterOutputs:
    vpc = create_vpc(
        parent, name, options, public_subnet_tags=PUBLIC_SUBNET_TAGS, private_subnet_tags=PRIVATE_SUBNET_TAGS
    )
    cluster = eks.Cluster(
        eks_cluster_resource_name(name),
        version=options.kubernetes_version,
        vpc_id=vpc.vpc_id,
        public_subnet_ids=vpc.public_subnet_ids,
        private_subnet_ids=vpc.private_subnet_ids,
        node_associate_public_ip_address=False,
        # Access entries, not the aws-auth ConfigMap: EKS maps node and Fargate roles itself.
        authentication_mode=eks.AuthenticationMode.API,
        create_oidc_provider=True,
        skip_default_node_group=True,
        fargate=_fargate_profile(options),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    endpoint = ClusterEndpoint(
        cluster_name=cluster.eks_cluster.name,
        endpoint=cluster.eks_cluster.endpoint,
        certificate=cluster.eks_cluster.certificate_authority.data,
    )
    node_group = (
        # The control plane's version: raising kubernetes_version upgrades the nodes after it.
        create_node_group(
            parent, name, endpoint.cluster_name, cluster.eks_cluster.version, vpc, options.nodes
        )
        if options.nodes
        else None
    )
    metrics_server = aws.eks.Addon(
        f"{name}-metrics-server",
        cluster_name=endpoint.cluster_name,
        addon_name=METRICS_SERVER_ADDON,
        # Its pods need somewhere to run: the nodes, or the Fargate profile (kube-system).
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[node_group or cluster]),
    )
    config, provider = _access(parent, name, endpoint, region)
    controller = (
        install_load_balancer_controller(parent, name, cluster, vpc, region, provider, node_group or cluster)
        if options.load_balancer_controller
        else None
    )
    created = {
        "load_balancer_controller": controller,
        "eks_cluster": cluster,
        "vpc": vpc,
        "node_group": node_group,
        "metrics_server": metrics_server,
    }
    return _outputs(parent, name, endpoint, config, provider, created)


def _fargate_profile(options: ClusterSpec) -> eks.FargateProfileArgs | None:
    if options.nodes is not None:
        return None
    # kube-system for CoreDNS, the load balancer controller and the metrics server; the stack's
    # namespace for its workloads; and those of other stacks sharing the cluster.
    namespaces = (CONTROLLER_NAMESPACE, stack_namespace(), *options.fargate_namespaces)
    return eks.FargateProfileArgs(
        selectors=[aws.eks.FargateProfileSelectorArgs(namespace=namespace) for namespace in namespaces]
    )


def _access(
    parent: pulumi.Resource, name: str, cluster: ClusterEndpoint, region: pulumi.Input[str]
) -> tuple[pulumi.Output[str], k8s.Provider]:
    """The cluster's kubeconfig, and the Kubernetes provider that uses it."""
    config = kubeconfig(cluster, {**credentials(parent), "region": region})
    return config, k8s.Provider(
        f"{name}-kubernetes", kubeconfig=config, opts=pulumi.ResourceOptions(parent=parent)
    )


def _outputs(
    parent: pulumi.Resource,
    name: str,
    cluster: ClusterEndpoint,
    config: pulumi.Output[str],
    provider: k8s.Provider,
    created: dict[str, Any],
) -> ClusterOutputs:
    namespace = k8s.core.v1.Namespace(
        f"{name}-namespace",
        metadata={"name": stack_namespace(), "labels": NAMESPACE_LABELS},
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )
    return ClusterOutputs(
        cluster_name=cluster.cluster_name,
        endpoint=cluster.endpoint,
        certificate=cluster.certificate,
        kubeconfig=config,
        resources={"provider": provider, "namespace": namespace, **created},
    )
