"""Pulumi components that run containerized services on local Docker (sim), EKS and ECS.

Names are imported on first use: the ECS components pull in the AWS SDK (seconds of import time),
which a program that only uses `Workload` on sim should never pay.
"""

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ApplicationLoadBalancer": "components.load_balancers",
    "ApplicationLoadBalancerArgs": "components.load_balancers",
    "Cluster": "components.cluster",
    "ClusterArgs": "components.cluster_args",
    "ContainerWorkload": "components.container_workload",
    "ContainerWorkloadArgs": "components.container_workload",
    "HttpApiGateway": "components.http_api_gateway",
    "HttpApiGatewayArgs": "components.http_api_gateway",
    "InvalidArgumentError": "components.spec.errors",
    "NetworkLoadBalancer": "components.load_balancers",
    "NetworkLoadBalancerArgs": "components.load_balancers",
    "Workload": "components.workload",
    "WorkloadArgs": "components.workload",
}
__all__ = [
    "ApplicationLoadBalancer",
    "ApplicationLoadBalancerArgs",
    "Cluster",
    "ClusterArgs",
    "ContainerWorkload",
    "ContainerWorkloadArgs",
    "HttpApiGateway",
    "HttpApiGatewayArgs",
    "InvalidArgumentError",
    "NetworkLoadBalancer",
    "NetworkLoadBalancerArgs",
    "Workload",
    "WorkloadArgs",
]

if TYPE_CHECKING:
    from components.cluster import Cluster
    from components.cluster_args import ClusterArgs
    from components.container_workload import ContainerWorkload, ContainerWorkloadArgs
    from components.http_api_gateway import HttpApiGateway, HttpApiGatewayArgs
    from components.load_balancers import (
        ApplicationLoadBalancer,
        ApplicationLoadBalancerArgs,
        NetworkLoadBalancer,
        NetworkLoadBalancerArgs,
    )
    from components.spec.errors import InvalidArgumentError
    from components.workload import Workload, WorkloadArgs


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value
