"""The eks platform's Workload: the shared Helm chart (components/platforms/kubernetes/chart.py)
with the AWS Load Balancer Controller's Ingress, and a folder's image pushed to ECR.

`WorkloadOutputs.resources` keys (escape hatches, documented in the README):
  "chart": the `kubernetes.helm.v4.Chart`; its `resources` output lists the Kubernetes objects.
  "ingress": `Output` of the chart's `kubernetes.networking.v1.Ingress` (public workloads), whose
      status holds the ALB's host name, e.g. for the DNS record of a custom domain; None otherwise.
  "namespace": the namespace's name.
"""

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.platforms.aws.registry_image import registry_image
from components.platforms.kubernetes.chart import (
    ingress_address,
    install_chart,
    warn_without_metrics_server,
)
from components.platforms.outputs import WorkloadOutputs
from components.render.helm.ingress import alb_ingress
from components.spec.errors import InvalidArgumentError
from components.spec.stack_config import StackConfig
from components.spec.workload import COMPONENT, WorkloadSpec


def deploy_workload(
    parent: pulumi.Resource, spec: WorkloadSpec, cluster: Any, config: StackConfig
) -> WorkloadOutputs:
    provider: k8s.Provider = cluster.resources["provider"]
    namespace: pulumi.Output[str] = cluster.resources["namespace"].metadata.name
    controller: pulumi.Resource | None = cluster.resources["load_balancer_controller"]
    _check_cluster(spec, cluster)
    image = registry_image(parent, spec.resource_name, spec.image_reference, spec.build)
    installed = install_chart(
        parent,
        spec,
        alb_ingress(spec),
        image,
        provider,
        namespace,
        # The controller's webhooks must answer before a Service or an Ingress can be created.
        depends_on=[controller] if controller else [],
    )
    ingress = installed.ingress
    return WorkloadOutputs(
        image_ref=image,
        internal_url=installed.internal_url,
        public_url=_public_url(spec, ingress) if ingress else None,
        resources={"chart": installed.chart, "ingress": ingress, "namespace": namespace},
    )


def _check_cluster(spec: WorkloadSpec, cluster: Any) -> None:
    """What the cluster is known to lack: refuse a public workload on a cluster made here without the
    AWS Load Balancer Controller (its Ingress would never get an address); warn that `scaling` needs
    a metrics server an existing cluster may not run."""
    made_here = cluster.resources.get("eks_cluster") is not None
    if spec.public and made_here and cluster.resources.get("load_balancer_controller") is None:
        raise InvalidArgumentError(
            COMPONENT,
            spec.resource_name,
            "public",
            True,
            "false on a Cluster with load_balancer_controller false (no controller gives its Ingress an "
            "ALB); set load_balancer_controller true on the cluster",
        )
    if cluster.resources.get("metrics_server") is None:
        warn_without_metrics_server(spec)


def _public_url(spec: WorkloadSpec, ingress: pulumi.Output[k8s.networking.v1.Ingress]) -> pulumi.Output[str]:
    if spec.domain is not None:
        # The certificate names the custom host, not the ALB's: that is the URL that works over TLS
        # (once the host's DNS record points at the ALB's host name).
        host = spec.domain.host
        return ingress.apply(lambda _: f"https://{host}")
    return ingress_address(spec, ingress).apply(lambda host: f"http://{host}")
