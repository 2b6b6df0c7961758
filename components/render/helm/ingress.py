"""What a platform puts on a public workload's Ingress: pure functions of a spec and the platform's
settings, rendered into the chart's values (chart.py's template is the same for every platform).

- eks: the AWS Load Balancer Controller's class `alb` and its annotations (an internet-facing ALB
  that targets pod IPs, health-checked where the workload is ready; HTTPS with an ACM certificate
  for a custom domain).
- kubernetes: whatever ingress controller the cluster runs, by class name (or the cluster's default
  IngressClass), and the host the rule matches.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from components.spec.workload import WorkloadSpec

ALB_CLASS = "alb"
ALB = "alb.ingress.kubernetes.io"
# pulumi-kubernetes waits this long for an Ingress to get an address before it fails the update
# (its default is 10 minutes); the annotation is the provider's documented way to change it.
PULUMI_TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds"


@dataclass(frozen=True)
class IngressValues:
    """A platform's Ingress for a public workload: class, annotations and the host the rule matches."""

    class_name: str | None
    """The IngressClass; None: the cluster's default IngressClass."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    host: str | None = None
    """The host the rule matches; None: every host."""


def alb_ingress(spec: WorkloadSpec) -> IngressValues:
    """eks: an ALB made by the AWS Load Balancer Controller."""
    annotations = {
        f"{ALB}/scheme": "internet-facing",
        # Pod IPs as targets: no NodePort, and the ALB health-checks the pods themselves.
        f"{ALB}/target-type": "ip",
        # Wing always checks "/"; a workload with a readiness path is checked where it is ready.
        f"{ALB}/healthcheck-path": spec.readiness or "/",
        # Kubernetes' httpGet probe counts 200-399 as success; the controller's default is 200 only.
        f"{ALB}/success-codes": "200-399",
    }
    domain = spec.domain
    if domain is None:
        return IngressValues(ALB_CLASS, {**annotations, f"{ALB}/listen-ports": '[{"HTTP": 80}]'})
    annotations |= {f"{ALB}/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]', f"{ALB}/ssl-redirect": "443"}
    # Without an ARN the controller finds the ACM certificate by the rule's host.
    if domain.certificate_arn:
        annotations[f"{ALB}/certificate-arn"] = domain.certificate_arn
    return IngressValues(ALB_CLASS, annotations, domain.host)


def class_ingress(
    spec: WorkloadSpec, class_name: str | None, public_host: str | None, timeout_seconds: int
) -> IngressValues:
    """kubernetes: the cluster's own ingress controller. The rule's host is the workload's `domain`,
    else `<name>.<public_host>` when the stack names a public host, else none (every host)."""
    if spec.domain is not None:
        host: str | None = spec.domain.host
    else:
        host = f"{spec.name}.{public_host}" if public_host else None
    return IngressValues(class_name, {PULUMI_TIMEOUT_ANNOTATION: str(timeout_seconds)}, host)
