"""One package per platform: turn a validated spec into that platform's Pulumi resources.

Each platform package's `__init__` is its entry point: `create_cluster(parent, spec, default, config)`
and `deploy_workload(parent, spec, cluster, config)` (specs from `components.spec`, the parsed stack
config), plus, where the platform checks more than the spec does, `validate_workload(spec)`, which
raises `InvalidArgumentError` before the component registers, so input one platform cannot run
creates nothing there (e.g. a Workload larger than any Fargate task on ecs).

A platform package is imported only when a stack deploys to that platform: the AWS SDKs cost about
half a second each to import, which a sim `up` should never pay.
"""

import importlib
from types import ModuleType

from components.spec.errors import InvalidArgumentError
from components.spec.platform import Platform
from components.spec.stack_config import current_platform
from components.spec.workload import WorkloadSpec

PACKAGES = {
    Platform.SIM: "components.platforms.sim",
    Platform.EKS: "components.platforms.eks",
    Platform.ECS: "components.platforms.ecs",
}


def platform_package(platform: Platform) -> ModuleType:
    """The entry point of `platform`, imported on first use."""
    return importlib.import_module(PACKAGES[platform])


def validate_workload_on(platform: Platform, spec: WorkloadSpec) -> None:
    """Raise `InvalidArgumentError` if `platform` cannot run the Workload `spec`."""
    validate = getattr(platform_package(platform), "validate_workload", None)
    if validate is not None:
        validate(spec)


def require_platform(component: str, name: str, platforms: tuple[Platform, ...]) -> Platform:
    """The stack's platform, if `component` runs there; else one clear message naming where it runs."""
    platform = current_platform(component, name)
    if platform not in platforms:
        names = " or ".join(p.value for p in platforms)
        raise InvalidArgumentError(
            component,
            name,
            "containers:platform (stack config)",
            platform.value,
            f"{names} ({component} runs on {names.replace('ecs', 'ECS')} only in this version)",
        )
    return platform
