"""What a platform hands back to the public components: their outputs and the resources it made."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi


@dataclass(frozen=True)
class WorkloadOutputs:
    image_ref: pulumi.Input[str]
    internal_url: pulumi.Input[str] | None
    public_url: pulumi.Input[str] | None
    resources: Mapping[str, Any] = field(default_factory=dict)
    """Escape hatches by role (e.g. "replicas", "release", "service"), documented per platform."""


@dataclass(frozen=True)
class ClusterOutputs:
    cluster_name: pulumi.Input[str]
    endpoint: pulumi.Input[str] | None = None
    certificate: pulumi.Input[str] | None = None
    kubeconfig: pulumi.Input[str] | None = None
    resources: Mapping[str, Any] = field(default_factory=dict)
