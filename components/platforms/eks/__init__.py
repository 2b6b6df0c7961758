"""The eks platform: Workloads as Helm charts on an EKS cluster made here or named by the stack config.

Modules: `cluster` (the EKS cluster, or the one the stack config names), `node_group`,
`load_balancer_controller` (the AWS Load Balancer Controller and its IAM policy), `kubeconfig` (how
Pulumi reaches the cluster's API) and `workload` (a Workload's chart).
"""

from components.platforms.eks.cluster import create_cluster
from components.platforms.eks.workload import deploy_workload

__all__ = ["create_cluster", "deploy_workload"]
