"""The kubernetes platform's Workload: the shared Helm chart (chart.py) with an Ingress for the
cluster's own ingress controller, and a folder's image pushed to the stack's registry.

- Image: a registry reference as given (the cluster pulls it); a folder is built with docker-build
  and pushed to `containers:registry` as `<registry>/<name>:<content hash>`: any registry the
  cluster's nodes pull from (a kind cluster's local registry, GHCR, ...), logged in with `docker
  login` beforehand. Without a registry, a folder is refused at preview.
- Public: an Ingress of `containers:ingressClass` (else the cluster's default IngressClass) whose
  rule matches `domain.host`, else `<name>.<containers:publicHost>`, else every host. `public_url`
  is `http://` and that host, or the address the controller published in the Ingress's status;
  either way the update waits (at most `containers:ingressTimeoutSeconds`) for that address.

`WorkloadOutputs.resources` keys: "chart", "ingress" and "namespace", as on eks.
"""

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.platforms.kubernetes.chart import ingress_address, install_chart, warn_without_metrics_server
from components.platforms.outputs import WorkloadOutputs
from components.platforms.pushed_image import pushed_image
from components.render.helm.ingress import class_ingress
from components.spec.errors import InvalidArgumentError
from components.spec.stack_config import KubernetesConfig, StackConfig
from components.spec.workload import COMPONENT, WorkloadSpec

REGISTRY_RULE = (
    "a registry the cluster pulls from, e.g. 'localhost:5001' (a kind cluster's local registry) or "
    "'ghcr.io/my-team', to push the image built from {folder}; or give 'image' a registry reference"
)


def validate_workload(spec: WorkloadSpec, config: StackConfig) -> None:
    """Refuse, before the Workload registers, what this platform cannot run: a folder to build with no
    registry to push it to, or an ACM certificate (an AWS thing) for its domain."""
    assert config.kubernetes is not None
    if spec.build is not None and config.kubernetes.registry is None:
        raise InvalidArgumentError(
            COMPONENT,
            spec.resource_name,
            "containers:registry (stack config)",
            None,
            REGISTRY_RULE.format(folder=f"'{spec.build.path}'"),
        )
    if spec.domain is not None and spec.domain.certificate_arn is not None:
        raise InvalidArgumentError(
            COMPONENT,
            spec.resource_name,
            "domain.certificate_arn",
            spec.domain.certificate_arn,
            "nothing on kubernetes (an ACM certificate is for AWS load balancers; TLS for the host is "
            "the cluster's ingress controller's, e.g. with cert-manager)",
        )


def deploy_workload(
    parent: pulumi.Resource, spec: WorkloadSpec, cluster: Any, config: StackConfig
) -> WorkloadOutputs:
    settings = config.kubernetes
    assert settings is not None
    provider: k8s.Provider = cluster.resources["provider"]
    namespace: pulumi.Output[str] = cluster.resources["namespace"].metadata.name
    image = _image(parent, spec, settings)
    ingress_values = class_ingress(
        spec, settings.ingress_class, settings.public_host, settings.ingress_timeout_seconds
    )
    installed = install_chart(parent, spec, ingress_values, image, provider, namespace)
    warn_without_metrics_server(spec)
    ingress = installed.ingress
    public_url = None
    if ingress is not None:
        host = ingress_values.host
        # Waiting for the address either way: a URL is public once the controller serves it.
        public_url = ingress_address(spec, ingress).apply(lambda found: f"http://{host or found}")
    return WorkloadOutputs(
        image_ref=image,
        internal_url=installed.internal_url,
        public_url=public_url,
        resources={"chart": installed.chart, "ingress": ingress, "namespace": namespace},
    )


def _image(parent: pulumi.Resource, spec: WorkloadSpec, settings: KubernetesConfig) -> pulumi.Input[str]:
    if spec.build is None:
        assert spec.image_reference is not None  # the spec gives a reference or a build
        return spec.image_reference
    assert settings.registry is not None  # validate_workload refused a build without one
    return pushed_image(parent, spec.resource_name, spec.build, f"{settings.registry}/{spec.name}")
