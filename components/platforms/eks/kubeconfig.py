"""How Pulumi reaches an EKS cluster's API: a kubeconfig that asks `aws eks get-token` for a token.

The same three values identify any cluster, created here or named in the stack config
(`containers:eks: {clusterName, endpoint, certificate}`, printed by `scripts/eks-values NAME`), so
both paths build their Kubernetes provider the same way. The kubeconfig holds no credential: the
token comes from the deployer's AWS identity at each use.
"""

import json
from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class ClusterEndpoint:
    """What identifies a cluster's API: its name, its HTTPS endpoint and its CA data (base64 PEM)."""

    cluster_name: pulumi.Input[str]
    endpoint: pulumi.Input[str]
    certificate: pulumi.Input[str]


def exec_kubeconfig(cluster_name: str, endpoint: str, certificate: str, region: str) -> str:
    """A kubeconfig (JSON) whose user runs `aws eks get-token` for the cluster."""
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": cluster_name,
                    "cluster": {"server": endpoint, "certificate-authority-data": certificate},
                }
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": [
                                "eks",
                                "get-token",
                                "--cluster-name",
                                cluster_name,
                                "--region",
                                region,
                                "--output",
                                "json",
                            ],
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        indent=2,
    )


def kubeconfig(cluster: ClusterEndpoint, region: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.all(cluster.cluster_name, cluster.endpoint, cluster.certificate, region).apply(
        lambda values: exec_kubeconfig(*values)
    )
