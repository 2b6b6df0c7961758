"""One module per platform: turn a validated spec into that platform's Pulumi resources.

Platform modules are imported only when a stack deploys to that platform: the AWS SDKs cost about
half a second each to import, which a sim `up` should never pay.
"""

import importlib
from collections.abc import Callable
from typing import Any

from components.spec.platform import Platform

# "module:function" per platform, for each thing a platform knows how to create.
CLUSTER_CREATORS = {
    Platform.SIM: "components.platforms.sim:create_cluster",
    Platform.EKS: "components.platforms.eks_cluster:create_cluster",
    Platform.ECS: "components.platforms.ecs_cluster:create_cluster",
}
WORKLOAD_DEPLOYERS = {
    Platform.SIM: "components.platforms.sim:deploy_workload",
    Platform.EKS: "components.platforms.eks:deploy_workload",
    Platform.ECS: "components.platforms.ecs_workload:deploy_workload",
}


def load(target: str) -> Callable[..., Any]:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)
