"""Placeholder until this platform lands: refuses clearly instead of half-deploying."""

from typing import Any

from components.spec.errors import InvalidArgumentError


def _unavailable(component: str, name: str) -> InvalidArgumentError:
    return InvalidArgumentError(component, name, "containers:platform (stack config)", "eks_cluster".split("_")[0],
                                "sim (this platform is not available in this version yet)")


def create_cluster(parent: Any, name: str, args: Any, default: bool) -> Any:
    raise _unavailable("Cluster", name)
