"""A Workload's Helm chart on a Kubernetes cluster: written to disk, installed with `helm.v4.Chart`.

Shared by the eks and kubernetes platforms: they differ only in the `IngressValues` they pass (the
ingress controller's class and annotations, the public host), the image they hand over, and what
the chart must wait for.

The chart (components/render/helm/chart.py) goes to `.charts/<stack>/<name>` under the program's
folder: the same input always writes the same bytes, and a person can `helm template` it. Everything
known only at deploy time (the image pushed, Output env values and args, secrets) reaches the chart
as install values, never as a file.

`helm.v4.Chart` rather than `helm.v3.Release`: the chart's objects become Pulumi resources with
Pulumi's await logic, so `pulumi up` returns only once the Deployment has rolled out with ready
pods and the Ingress has its address; a workload that never becomes ready fails the update with
the pods' reasons, and `public_url` is known at the end of the first update. A Release waits for
pods but not for the Ingress's load balancer, so its URL would have to be read in a race.
"""

import asyncio
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.platforms.secret_args import refusing_secret
from components.render.helm.chart import chart_values, internal_url, write_chart
from components.render.helm.ingress import IngressValues
from components.spec.errors import InvalidArgumentError
from components.spec.workload import COMPONENT, WorkloadSpec

CHARTS_FOLDER = ".charts"
# pulumi-kubernetes's annotation forcing a Server-Side Apply through field conflicts.
PATCH_FORCE = "pulumi.com/patchForce"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SECRET_ARGS_RULE = (
    "plain values on Kubernetes (a Deployment's args are stored in plain text in the state); "
    "pass a secret as an `env` value, which goes to a Kubernetes Secret"
)


@dataclass(frozen=True)
class InstalledChart:
    chart: k8s.helm.v4.Chart
    ingress: pulumi.Output[k8s.networking.v1.Ingress] | None
    """The chart's Ingress (public workloads), once Pulumi saw it get an address."""
    internal_url: pulumi.Output[str] | None


def install_chart(
    parent: pulumi.Resource,
    spec: WorkloadSpec,
    ingress: IngressValues,
    image: pulumi.Input[str],
    provider: k8s.Provider,
    namespace: pulumi.Output[str],
    depends_on: Sequence[pulumi.Resource] = (),
) -> InstalledChart:
    chart_dir = write_chart(spec, ingress, Path.cwd() / CHARTS_FOLDER / pulumi.get_stack())
    chart = k8s.helm.v4.Chart(
        f"{spec.resource_name}-chart",
        chart=str(chart_dir),
        name=spec.name,
        namespace=namespace,
        values=pulumi.Output.all(image, _split_env(spec.env), _plain_args(spec)).apply(
            lambda resolved: chart_values(spec, ingress, resolved[0], *resolved[1], args=resolved[2])
        ),
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            depends_on=list(depends_on),
            transforms=[hpa_owns_replicas] if spec.scaling else [replicas_back_from_hpa],
        ),
    )
    return InstalledChart(
        chart=chart,
        ingress=_ingress(chart) if spec.public else None,
        internal_url=namespace.apply(lambda name: internal_url(spec, name) or "") if spec.port else None,
    )


def warn_without_metrics_server(spec: WorkloadSpec) -> None:
    """An HPA reads pod CPU from a metrics server, which a cluster made elsewhere may not run."""
    if spec.scaling:
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


def ingress_address(
    spec: WorkloadSpec, ingress: pulumi.Output[k8s.networking.v1.Ingress]
) -> pulumi.Output[str]:
    """The host name or IP address the ingress controller published in the Ingress's status."""

    def status_of(obj: k8s.networking.v1.Ingress) -> pulumi.Output[Any]:
        return obj.status

    def first(status: Any) -> str:
        entries = (status.load_balancer.ingress if status and status.load_balancer else None) or []
        for entry in entries:
            if entry.hostname or entry.ip:
                return str(entry.hostname or entry.ip)
        raise RuntimeError(
            f"Workload '{spec.resource_name}': its Ingress has no address in its status (is an ingress "
            "controller of its class running?)"
        )

    return ingress.apply(status_of).apply(first)


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
