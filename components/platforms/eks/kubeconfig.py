"""How Pulumi reaches an EKS cluster's API: a kubeconfig that asks `aws eks get-token` for a token.

The same three values identify any cluster, created here or named in the stack config
(`containers:eks: {clusterName, endpoint, certificate}`, printed by `scripts/eks-values NAME`), so
both paths build their Kubernetes provider the same way. The kubeconfig holds no credential: the
token comes from the deployer's AWS identity at each use, the one the Pulumi AWS provider uses (as
pulumi-eks does): its profile as AWS_PROFILE, and the last role of `aws:assumeRoles` as
`--role-arn` (assumed with the profile's or the environment's credentials).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True)
class ClusterEndpoint:
    """What identifies a cluster's API: its name, its HTTPS endpoint and its CA data (base64 PEM)."""

    cluster_name: pulumi.Input[str]
    endpoint: pulumi.Input[str]
    certificate: pulumi.Input[str]


def exec_kubeconfig(
    cluster_name: str,
    endpoint: str,
    certificate: str,
    region: str,
    profile: str | None = None,
    role_arn: str | None = None,
) -> str:
    """A kubeconfig (JSON) whose user runs `aws eks get-token` for the cluster, as `profile` and
    `role_arn` when given."""
    exec_config: dict[str, Any] = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "aws",
        "args": [
            "eks",
            "get-token",
            "--cluster-name",
            cluster_name,
            "--region",
            region,
            *(["--role-arn", role_arn] if role_arn else []),
            "--output",
            "json",
        ],
        "interactiveMode": "Never",
    }
    if profile:
        exec_config["env"] = [{"name": "AWS_PROFILE", "value": profile}]
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
                    "user": {"exec": exec_config},
                }
            ],
        },
        indent=2,
    )


def kubeconfig(cluster: ClusterEndpoint, credentials: Mapping[str, pulumi.Input[Any]]) -> pulumi.Output[str]:
    """`credentials`: `components.platforms.aws.credentials.credentials` of the cluster's component."""
    roles = pulumi.Output.from_input(credentials.get("assume_roles") or [])
    return pulumi.Output.all(
        cluster.cluster_name,
        cluster.endpoint,
        cluster.certificate,
        credentials["region"],
        credentials.get("profile"),
        roles.apply(lambda chain: chain[-1]["role_arn"] if chain else None),
    ).apply(lambda values: exec_kubeconfig(*values))
