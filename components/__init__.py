"""Pulumi components that run containerized services on local Docker (sim), EKS and ECS."""

from components.cluster import Cluster
from components.cluster_args import ClusterArgs
from components.spec.errors import InvalidArgumentError
from components.workload import Workload, WorkloadArgs

__all__ = ["Cluster", "ClusterArgs", "InvalidArgumentError", "Workload", "WorkloadArgs"]
