"""The kubernetes platform's Cluster: no cloud resources, only what Pulumi needs to deploy into the
cluster of the stack's kubeconfig (components/spec/kubeconfig.py): a Kubernetes provider for that
kubeconfig and context, and the namespace the workloads run in.

`ClusterOutputs.resources` keys (escape hatches, documented in the README):
  "provider": `kubernetes.Provider` for the kubeconfig's context; every workload deploys through it.
  "namespace": `kubernetes.core.v1.Namespace` of this stack's workloads: `<project>-<stack>` for the
      program's default cluster, `<project>-<stack>-<cluster>` for a `Cluster` the program makes, so
      that several stacks, and several Clusters of one program, share one real cluster.
"""

import pulumi
import pulumi_kubernetes as k8s

from components.platforms.names import dns_label, stack_label
from components.platforms.outputs import ClusterOutputs
from components.spec.cluster import ClusterSpec
from components.spec.stack_config import StackConfig

NAMESPACE_MAX_LENGTH = 63


def stack_namespace(*more: str) -> str:
    """`<project>-<stack>[-<more>...]` as a namespace name (a DNS-1123 label)."""
    return dns_label(stack_label(), *more)[:NAMESPACE_MAX_LENGTH].rstrip("-")


def create_cluster(
    parent: pulumi.Resource, spec: ClusterSpec, default: bool, config: StackConfig
) -> ClusterOutputs:
    assert config.kubernetes is not None  # read_stack_config sets it on this platform
    kubeconfig = config.kubernetes.kubeconfig
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    # The content, not the path: the state then names the cluster it deployed to, whatever the
    # machine that runs the next update has in ~/.kube; it holds credentials, hence the secret.
    content = pulumi.Output.secret(kubeconfig.content)
    provider = k8s.Provider(f"{name}-kubernetes", kubeconfig=content, context=kubeconfig.context, opts=child)
    namespace = k8s.core.v1.Namespace(
        f"{name}-namespace",
        metadata={"name": stack_namespace() if default else stack_namespace(name)},
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )
    return ClusterOutputs(
        cluster_name=kubeconfig.cluster_name,
        endpoint=kubeconfig.server,
        certificate=kubeconfig.certificate,
        kubeconfig=content,
        resources={"provider": provider, "namespace": namespace},
    )
