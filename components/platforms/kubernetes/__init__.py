"""The kubernetes platform: Workloads as Helm charts on any cluster a kubeconfig reaches (kind,
minikube, k3d, Docker Desktop, GKE, AKS, an existing EKS, ...).

Modules: `cluster` (the stack's namespace and the Kubernetes provider for the kubeconfig), `chart`
(a Workload's chart, shared with eks) and `workload` (a Workload on this platform: its image and
its Ingress).
"""

from components.platforms.kubernetes.cluster import create_cluster
from components.platforms.kubernetes.workload import deploy_workload, validate_workload

__all__ = ["create_cluster", "deploy_workload", "validate_workload"]
