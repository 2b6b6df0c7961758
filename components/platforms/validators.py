"""Per-platform checks of a parsed spec, run before the component registers, so that input one
platform cannot run creates nothing there (e.g. a Workload larger than any Fargate task on ecs).

Loaded lazily, like the deployers in `components.platforms`: a validator's module may import its
platform's SDK, which other platforms should not pay for.
"""

from collections.abc import Mapping
from typing import Any

from components.platforms import load
from components.spec.platform import Platform
from components.spec.workload import WorkloadSpec

# "module:function" per platform that checks more than the spec does; each raises InvalidArgumentError.
WORKLOAD_VALIDATORS: dict[Platform, str] = {
    Platform.SIM: "components.platforms.sim:validate_workload",
    Platform.ECS: "components.platforms.ecs_workload:validate_workload",
}


CLUSTER_VALIDATORS: dict[Platform, str] = {
    Platform.EKS: "components.platforms.eks_options:parse_cluster_options",
    Platform.ECS: "components.platforms.ecs_cluster:parse_settings",
}


def validate_cluster_on(platform: Platform, name: str, args: Mapping[str, Any]) -> None:
    """Raise `InvalidArgumentError` if `platform` cannot build the Cluster `name` from `args`."""
    target = CLUSTER_VALIDATORS.get(platform)
    if target is not None:
        load(target)(name, args)


def validate_workload_on(platform: Platform, spec: WorkloadSpec) -> None:
    """Raise `InvalidArgumentError` if `platform` cannot run the Workload `spec`."""
    target = WORKLOAD_VALIDATORS.get(platform)
    if target is not None:
        load(target)(spec)
