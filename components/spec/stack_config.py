"""Every `containers:*` stack config key, read and validated in one place.

A component reads the stack config once, before it registers anything, and hands the parsed
`StackConfig` to its platform: no platform module reads `pulumi.Config` itself. An unknown key is
refused with the closest known one suggested, so a typo in `Pulumi.<stack>.yaml` never silently
falls back to a default.
"""

import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.runtime.config

from components.spec.arg_reader import ArgReader, unknown_key_rule
from components.spec.image_reference import parse_image_reference
from components.spec.kubeconfig import KubeconfigSpec, read_kubeconfig
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
    "kubeconfig": "kubernetes: the kubeconfig (a path, or its content as a secret)",
    "kubeContext": "kubernetes: the kubeconfig's context to deploy to",
    "ingressClass": "kubernetes: the IngressClass of public workloads",
    "publicHost": "kubernetes: the domain public workloads get host names under",
    "registry": "kubernetes: where images built from a folder are pushed",
    "ingressTimeoutSeconds": "kubernetes: how long an update waits for a public workload's address",
}
# The IngressClass is an object name (a DNS-1123 subdomain); a public host is a DNS name.
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS_SUBDOMAIN_MAX = 253
# A registry host[:port] with an optional repository prefix, as in an image reference
# (distribution's reference grammar: lowercase path components separated by '.', '_', '__' or '-').
REGISTRY = re.compile(
    r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]+)?"
    r"(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$"
)
DEFAULT_INGRESS_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class EksClusterConfig:
    """An existing EKS cluster named in the stack config (`containers:eks`)."""

    cluster_name: str
    endpoint: str
    certificate: str


@dataclass(frozen=True)
class KubernetesConfig:
    """The `kubernetes` platform's settings: the cluster (kubeconfig and context) and how workloads
    are published and built."""

    kubeconfig: KubeconfigSpec
    ingress_class: str | None
    """None: the cluster's default IngressClass."""
    public_host: str | None
    """Public workloads get the host `<name>.<public_host>`; None: their rule matches every host."""
    registry: str | None
    """Where images built from a folder are pushed (the cluster must pull from it); None: no builds."""
    ingress_timeout_seconds: int


@dataclass(frozen=True)
class StackConfig:
    """The stack's `containers:*` settings, validated."""

    platform: Platform = Platform.SIM
    readiness_timeout_seconds: float = DEFAULT_READINESS_TIMEOUT_SECONDS
    sim_probe_from: str = DEFAULT_SIM_PROBE_FROM
    sim_prober_image: str = DEFAULT_SIM_PROBER_IMAGE
    sim_ingress_image: str = DEFAULT_SIM_INGRESS_IMAGE
    eks_cluster: EksClusterConfig | None = None
    kubernetes: KubernetesConfig | None = None
    """Set exactly when the platform is kubernetes."""


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
        sim_prober_image=_image(reader, "simProberImage", config, DEFAULT_SIM_PROBER_IMAGE),
        sim_ingress_image=_image(reader, "simIngressImage", config, DEFAULT_SIM_INGRESS_IMAGE),
        eks_cluster=_eks_cluster(reader, config),
        # Only a kubernetes stack reads a kubeconfig: sim and the clouds never look at ~/.kube.
        kubernetes=_kubernetes(reader, config) if platform == Platform.KUBERNETES else None,
    )


def current_platform(component: str, resource: str) -> Platform:
    """The stack's platform (`sim` unless the stack config names another), the config validated."""
    return read_stack_config(component, resource).platform


def _as_number(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value  # refused by the reader with the value as written


def _image(reader: ArgReader, key: str, config: pulumi.Config, default: str) -> str:
    value = config.get(key)
    return parse_image_reference(reader, _field(key), value) if value else default


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


def _kubernetes(reader: ArgReader, config: pulumi.Config) -> KubernetesConfig:
    kubeconfig = read_kubeconfig(
        reader,
        _field("kubeconfig"),
        config.get("kubeconfig"),
        _field("kubeContext"),
        config.get("kubeContext"),
    )
    timeout = config.get("ingressTimeoutSeconds")
    return KubernetesConfig(
        kubeconfig=kubeconfig,
        ingress_class=_dns_name(
            reader, "ingressClass", "an IngressClass name (a DNS-1123 subdomain)", config
        ),
        public_host=_dns_name(reader, "publicHost", "a DNS domain such as 'apps.example.com'", config),
        registry=_registry(reader, config.get("registry")),
        ingress_timeout_seconds=(
            DEFAULT_INGRESS_TIMEOUT_SECONDS
            if timeout is None
            else int(reader.number(_field("ingressTimeoutSeconds"), _as_number(timeout), 1, 3600))
        ),
    )


def _dns_name(reader: ArgReader, key: str, what: str, config: pulumi.Config) -> str | None:
    value = config.get(key)
    if value is None:
        return None
    allowed = f"{what}: lowercase letters, digits, '-' and '.', at most {DNS_SUBDOMAIN_MAX} characters"
    if len(value) > DNS_SUBDOMAIN_MAX or not DNS_SUBDOMAIN.match(value):
        raise reader.error(_field(key), value, allowed)
    return value


def _registry(reader: ArgReader, value: str | None) -> str | None:
    if value is None:
        return None
    if not REGISTRY.match(value):
        raise reader.error(
            _field("registry"),
            value,
            "a registry host with an optional port and repository prefix, e.g. 'localhost:5001' or "
            "'registry.example.com/team' (no scheme, no tag)",
        )
    return value
