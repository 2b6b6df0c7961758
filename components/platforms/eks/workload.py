"""The eks platform's Workload: a Helm chart written to disk, installed with `helm.v4.Chart`.

The chart (components/render/helm/chart.py) goes to `.charts/<stack>/<name>` under the program's
folder: the same spec always writes the same bytes, and a person can `helm template` it. Everything
known only at deploy time (the image pushed to ECR, Output env values and args, secrets) reaches
the chart as install values, never as a file.

`helm.v4.Chart` rather than `helm.v3.Release`: the chart's objects become Pulumi resources with
Pulumi's await logic, so `pulumi up` returns only once the Deployment has rolled out with ready
pods and the Ingress has its ALB host name; a workload that never becomes ready fails the update
with the pods' reasons, and `public_url` is known at the end of the first update. A Release waits
for pods but not for the Ingress's load balancer, so its URL would have to be read in a race.

`WorkloadOutputs.resources` keys (escape hatches, documented in the README):
  "chart": the `kubernetes.helm.v4.Chart`; its `resources` output lists the Kubernetes objects.
  "ingress": `Output` of the chart's `kubernetes.networking.v1.Ingress` (public workloads), whose
      status holds the ALB's host name, e.g. for the DNS record of a custom domain; None otherwise.
"""

import asyncio
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.platforms.aws.registry_image import registry_image
from components.platforms.outputs import WorkloadOutputs
from components.platforms.secret_args import refusing_secret
from components.render.helm.chart import chart_values, internal_url, write_chart
from components.spec.errors import InvalidArgumentError
from components.spec.stack_config import StackConfig
from components.spec.workload import COMPONENT, WorkloadSpec

CHARTS_FOLDER = ".charts"
# pulumi-kubernetes's annotation forcing a Server-Side Apply through field conflicts.
PATCH_FORCE = "pulumi.com/patchForce"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SECRET_ARGS_RULE = (
    "plain values on eks (a Deployment's args are stored in plain text in the state); "
    "pass a secret as an `env` value, which goes to a Kubernetes Secret"
)


def deploy_workload(
    parent: pulumi.Resource, spec: WorkloadSpec, cluster: Any, config: StackConfig
) -> WorkloadOutputs:
    provider: k8s.Provider = cluster.resources["provider"]
    namespace: pulumi.Output[str] = cluster.resources["namespace"].metadata.name
    controller: pulumi.Resource | None = cluster.resources["load_balancer_controller"]
    _check_cluster(spec, cluster)
    chart_dir = write_chart(spec, Path.cwd() / CHARTS_FOLDER / pulumi.get_stack())
    image = registry_image(parent, spec.resource_name, spec.image_reference, spec.build)
    chart = k8s.helm.v4.Chart(
        f"{spec.resource_name}-chart",
        chart=str(chart_dir),
        name=spec.name,
        namespace=namespace,
        values=pulumi.Output.all(image, _split_env(spec.env), _plain_args(spec)).apply(
            lambda resolved: chart_values(spec, resolved[0], *resolved[1], args=resolved[2])
        ),
        # The controller's webhooks must answer before a Service or an Ingress can be created.
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            depends_on=[controller] if controller else [],
            transforms=[hpa_owns_replicas] if spec.scaling else [replicas_back_from_hpa],
        ),
    )
    ingress = _ingress(chart) if spec.public else None
    return WorkloadOutputs(
        image_ref=image,
        internal_url=namespace.apply(lambda name: internal_url(spec, name) or "") if spec.port else None,
        public_url=_public_url(spec, ingress) if ingress else None,
        resources={"chart": chart, "ingress": ingress, "namespace": namespace},
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
    if spec.scaling and cluster.resources.get("metrics_server") is None:
        pulumi.log.warn(
            f"Workload '{spec.resource_name}' scales with a HorizontalPodAutoscaler, which reads pod CPU "
            "from a metrics server: the existing cluster must run one (e.g. EKS's metrics-server add-on), "
            "or the workload stays at min_instances.",
        )


def hpa_owns_replicas(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """With an HPA the chart's Deployment has no `replicas`. Dropping the field from a Server-Side
    Apply would reset it to 1, the default, before the HPA acts (Kubernetes' SSA docs, "Transferring
    ownership"). With `ignore_changes`, pulumi-kubernetes (SSA, its v4 default) sends the live count
    while its field manager owns `spec.replicas`, and leaves the field out once the HPA's controller
    (kube-controller-manager, through the scale subresource) owns it: the count is never reset and
    never fought over (the provider's handleSSAIgnoreFields)."""
    if args.type_ != DEPLOYMENT:
        return None
    return pulumi.ResourceTransformResult(
        args.props,
        pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(ignore_changes=["spec.replicas"])),
    )


def replicas_back_from_hpa(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """Without `scaling` the chart's Deployment declares `replicas`, a field an HPA's controller may
    still own from before `scaling` was removed: a plain Server-Side Apply would then fail with a
    field conflict ("conflict with kube-controller-manager with subresource scale"). The chart is the
    Deployment's sole author, so its applies take the fields back (`pulumi.com/patchForce`)."""
    if args.type_ != DEPLOYMENT:
        return None
    props: dict[str, Any] = dict(args.props)
    # A chart object's metadata is plain (helm rendered it); install values reach only the spec.
    metadata: dict[str, Any] = dict(props.get("metadata") or {})
    metadata["annotations"] = {**(metadata.get("annotations") or {}), PATCH_FORCE: "true"}
    props["metadata"] = metadata
    return pulumi.ResourceTransformResult(props, args.opts)


def _plain_args(spec: WorkloadSpec) -> pulumi.Output[list[str]]:
    """The args resolved; a secret one is refused (the chart's Deployment keeps args in plain text)."""

    def refused(index: int) -> InvalidArgumentError:
        return InvalidArgumentError(
            COMPONENT, spec.resource_name, f"args[{index}]", "[secret]", SECRET_ARGS_RULE
        )

    return pulumi.Output.all(
        *(refusing_secret(arg, functools.partial(refused, index)) for index, arg in enumerate(spec.args))
    )


def _split_env(env: Mapping[str, pulumi.Input[str]]) -> pulumi.Output[tuple[dict[str, str], dict[str, str]]]:
    """The env values resolved, as (plain, secret): secret ones go to a Kubernetes Secret, never to
    the pod spec. A value counts as secret exactly when its Output is: another workload's URL stays a
    plain variable, as it is on sim."""
    values = {key: pulumi.Output.from_input(value) for key, value in env.items()}

    async def split(resolved: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        secret = await asyncio.gather(*(value.is_secret() for value in values.values()))
        plain_env: dict[str, str] = {}
        secret_env: dict[str, str] = {}
        for key, value, is_secret in zip(values, resolved, secret, strict=True):
            (secret_env if is_secret else plain_env)[key] = value
        return plain_env, secret_env

    return pulumi.Output.all(*values.values()).apply(split)


def _ingress(chart: k8s.helm.v4.Chart) -> pulumi.Output[k8s.networking.v1.Ingress]:
    def find(objects: Sequence[Any] | None) -> k8s.networking.v1.Ingress:
        for obj in objects or []:
            if isinstance(obj, k8s.networking.v1.Ingress):
                return obj
        raise RuntimeError("the chart of a public workload rendered no Ingress")

    return chart.resources.apply(find)


def _public_url(spec: WorkloadSpec, ingress: pulumi.Output[k8s.networking.v1.Ingress]) -> pulumi.Output[str]:
    if spec.domain is not None:
        # The certificate names the custom host, not the ALB's: that is the URL that works over TLS
        # (once the host's DNS record points at the ALB's host name).
        host = spec.domain.host
        return ingress.apply(lambda _: f"https://{host}")
    return ingress.apply(lambda obj: obj.status.load_balancer.ingress[0].hostname).apply(
        lambda host: f"http://{host}"
    )
