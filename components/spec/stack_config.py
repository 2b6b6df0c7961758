"""Every `containers:*` stack config key, read and validated in one place.

A component reads the stack config once, before it registers anything, and hands the parsed
`StackConfig` to its platform: no platform module reads `pulumi.Config` itself. An unknown key is
refused with the closest known one suggested, so a typo in `Pulumi.<stack>.yaml` never silently
falls back to a default.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.runtime.config

from components.spec.arg_reader import ArgReader, unknown_key_rule
from components.spec.platform import Platform

NAMESPACE = "containers"

DEFAULT_READINESS_TIMEOUT_SECONDS = 60.0
DEFAULT_SIM_PROBE_FROM = "auto"
SIM_PROBE_FROM = ("auto", "host", "network")
DEFAULT_SIM_PROBER_IMAGE = "busybox:1.36"
DEFAULT_SIM_INGRESS_IMAGE = "haproxy:3.2-alpine"

EKS_CLUSTER_FIELDS = ("clusterName", "endpoint", "certificate")
EKS_CLUSTER_RULE = (
    "an object {clusterName, endpoint, certificate} naming an existing EKS cluster "
    "(print one with scripts/eks-values CLUSTER_NAME)"
)

# Each key with what it means; the README's stack config table says the same.
KEYS = {
    "platform": "where the stack runs: " + ", ".join(p.value for p in Platform),
    "readinessTimeoutSeconds": "how long sim waits for a replica to become ready",
    "simProbeFrom": "where sim probes readiness from: " + ", ".join(SIM_PROBE_FROM),
    "simProberImage": "the image sim probes readiness with from inside the network",
    "simIngressImage": "the HAProxy image of sim's public entries",
    "eks": "an existing EKS cluster to deploy into",
}


@dataclass(frozen=True)
class EksClusterConfig:
    """An existing EKS cluster named in the stack config (`containers:eks`)."""

    cluster_name: str
    endpoint: str
    certificate: str


@dataclass(frozen=True)
class StackConfig:
    """The stack's `containers:*` settings, validated."""

    platform: Platform = Platform.SIM
    readiness_timeout_seconds: float = DEFAULT_READINESS_TIMEOUT_SECONDS
    sim_probe_from: str = DEFAULT_SIM_PROBE_FROM
    sim_prober_image: str = DEFAULT_SIM_PROBER_IMAGE
    sim_ingress_image: str = DEFAULT_SIM_INGRESS_IMAGE
    eks_cluster: EksClusterConfig | None = None


def _field(key: str) -> str:
    return f"{NAMESPACE}:{key} (stack config)"


def _set_keys() -> dict[str, Any]:
    """Every `containers:` key the stack sets, with its raw value."""
    # The engine hands a program its config in PULUMI_CONFIG; tests and mocks set it in-process.
    raw = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    prefix = f"{NAMESPACE}:"
    return {key.removeprefix(prefix): value for key, value in raw.items() if key.startswith(prefix)}


def _refuse_unknown_keys(reader: ArgReader, keys: dict[str, Any]) -> None:
    for key, value in keys.items():
        if key not in KEYS:
            raise reader.error(_field(key), value, unknown_key_rule(key, list(KEYS), f"{NAMESPACE}:"))


def read_stack_config(component: str, resource: str) -> StackConfig:
    """The stack config, validated; errors name `component` `resource`, the key and what is allowed."""
    reader = ArgReader(component, resource)
    _refuse_unknown_keys(reader, _set_keys())
    config = pulumi.Config(NAMESPACE)
    platform = reader.choice(_field("platform"), config.get("platform") or Platform.SIM.value, list(Platform))
    timeout = config.get("readinessTimeoutSeconds")
    return StackConfig(
        platform=Platform(platform),
        readiness_timeout_seconds=(
            DEFAULT_READINESS_TIMEOUT_SECONDS
            if timeout is None
            else reader.number(_field("readinessTimeoutSeconds"), _as_number(timeout), 1, 3600)
        ),
        sim_probe_from=reader.choice(
            _field("simProbeFrom"), config.get("simProbeFrom") or DEFAULT_SIM_PROBE_FROM, SIM_PROBE_FROM
        ),
        sim_prober_image=config.get("simProberImage") or DEFAULT_SIM_PROBER_IMAGE,
        sim_ingress_image=config.get("simIngressImage") or DEFAULT_SIM_INGRESS_IMAGE,
        eks_cluster=_eks_cluster(reader, config),
    )


def current_platform(component: str, resource: str) -> Platform:
    """The stack's platform (`sim` unless the stack config names another), the config validated."""
    return read_stack_config(component, resource).platform


def _as_number(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value  # refused by the reader with the value as written


def _eks_cluster(reader: ArgReader, config: pulumi.Config) -> EksClusterConfig | None:
    raw = config.get_object("eks")
    if raw is None:
        return None
    field = _field("eks")
    values = reader.mapping(field, raw, EKS_CLUSTER_FIELDS)
    cluster_name, endpoint, certificate = (
        reader.text(f"{field}.{key}", values.get(key), EKS_CLUSTER_RULE) for key in EKS_CLUSTER_FIELDS
    )
    if not endpoint.startswith("https://"):
        raise reader.error(f"{field}.endpoint", endpoint, "the cluster's https:// API endpoint")
    return EksClusterConfig(cluster_name, endpoint, certificate)
