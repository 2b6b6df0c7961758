"""A ContainerWorkload on sim: `scaling.min_instances` tasks on the stack's Docker network.

Each instance is a `sim_provider.task.Task` (its containers in one network namespace, started in
`depends_on` order, with their health checks); service-connect aliases are network aliases of every
instance, so `protocol://alias:port` resolves from every workload of the stack, Workloads included.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.platforms.balancer_claims import check_balancer_events
from components.platforms.http_api_claims import check_http_api_events
from components.platforms.names import dns_label, stack_label
from components.platforms.service_connect import service_connect_environment, service_connect_urls
from components.platforms.sim.hardening import hardening_props
from components.platforms.sim.http_api_gateway import attach_to_http_apis, http_api_alias
from components.platforms.sim.labels import labels
from components.platforms.sim.load_balancers import attach_to_balancers, target_alias
from components.spec.arg_reader import ArgReader
from components.spec.container_workload.containers import ContainerSpec
from components.spec.container_workload.workload import COMPONENT, ContainerWorkloadSpec
from components.spec.stack_config import StackConfig
from sim_provider.image import LocalImage
from sim_provider.network import DockerNetwork
from sim_provider.task import Task
from sim_provider.volumes import WorkloadVolumes


@dataclass(frozen=True)
class SimContainerWorkload:
    """What the sim platform made for a ContainerWorkload, and its outputs."""

    images: Mapping[str, LocalImage]
    """Container name -> the image it runs."""
    tasks: list[Task]
    """One per instance."""
    cluster_name: pulumi.Output[str]
    internal_urls: Mapping[str, str]
    urls: tuple[pulumi.Output[str], ...] = field(default=())


def check_container_workload(spec: ContainerWorkloadSpec) -> Any:
    """What sim cannot run, refused before anything registers; returns the cluster named by the
    workload or by its `connect_to` targets (None: the default cluster)."""
    reader = ArgReader(COMPONENT, spec.resource_name)
    for index, container in enumerate(spec.containers):
        if container.volume_mounts:
            raise reader.error(
                f"containers[{index}].volume_mounts",
                [mount.volume_name for mount in container.volume_mounts],
                "none on sim (EFS file systems exist only in AWS); deploy to ecs, or leave them out of the "
                "sim stack",
            )
    deployment = spec.deployment
    if deployment and (deployment.before_allow_traffic_function or deployment.after_traffic_shift_function):
        raise reader.error(
            "deployment",
            deployment.strategy,
            "a deployment without before_allow_traffic_function / after_traffic_shift_function on sim "
            "(its hooks are Lambda functions; sim deploys every strategy all at once)",
        )
    clusters = [spec.cluster] if spec.cluster is not None else []
    clusters += [target.load_balancer.cluster for target in spec.load_balanced_targets]
    _check_balancers(spec)
    check_http_api_events(spec)
    clusters += [event.http_api_gateway.cluster for _, event in spec.http_api_routes]
    for index, target in enumerate(spec.connect_to):
        target_spec = getattr(target, "spec", None)
        if not isinstance(target_spec, ContainerWorkloadSpec) or not target_spec.service_connect_ports:
            raise reader.error(
                f"connect_to[{index}]",
                target,
                "a ContainerWorkload with a service-connect event on sim (AWS buckets, tables, queues and "
                "topics exist only in AWS)",
            )
        clusters.append(target.cluster)  # type: ignore[attr-defined]
    for index, cluster in enumerate(clusters):
        if "network" not in getattr(cluster, "resources", {}):
            where = "cluster" if spec.cluster else f"connect_to[{index}]"
            raise reader.error(where, cluster, "a Cluster created on the sim platform")
        if cluster is not clusters[0]:
            raise reader.error(f"connect_to[{index}]", cluster, "a workload in the same Cluster")
    return clusters[0] if clusters else None


def _check_balancers(spec: ContainerWorkloadSpec) -> None:
    """The checks ecs makes on balancers hold on sim too (right kind, known listener, one priority per
    listener across workloads): sim routes as the cloud would, or refuses as the cloud would."""
    if spec.load_balanced_targets:
        check_balancer_events(spec)


def deploy_container_workload(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, cluster: Any, config: StackConfig
) -> SimContainerWorkload:
    network: DockerNetwork = cluster.resources["network"]
    child = pulumi.ResourceOptions(parent=parent)
    name = spec.resource_name
    images = {container.name: _image(name, container, child) for container in spec.containers}
    infra = LocalImage(
        f"{name}-infra-image", {"reference": config.sim_prober_image, "labels": labels(name, "image")}, child
    )
    # Made by each task for its containers' image VOLUMEs; removed with the workload, after its tasks.
    volumes = WorkloadVolumes(f"{name}-volumes", {"workload": name, "labels": labels(name, "volume")}, child)
    connected: dict[str, str] = {}
    for target in spec.connect_to:
        connected.update(service_connect_environment(target.spec))  # type: ignore[attr-defined]
    tasks = [
        Task(
            f"{name}-task-{index}",
            {
                "workload": name,
                "name_prefix": dns_label(stack_label(), name, str(index)),
                "network": network.name,
                "aliases": sorted(
                    {event.alias for _, event in spec.service_connect_ports}
                    | {target_alias(name, target) for target in spec.load_balanced_targets}
                    | ({alias} if (alias := http_api_alias(spec)) else set())
                ),
                "infra_image": infra.image_ref,
                "containers": [
                    _container(container, images[container.name]) for container in spec.containers
                ],
                "environment": {
                    container.name: {**connected, **container.environment} for container in spec.containers
                },
                "labels": {**labels(name, "task"), "containers.instance": str(index)},
                "timeout_seconds": config.readiness_timeout_seconds,
            },
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[volumes])),
        )
        for index in range(1, spec.scaling.min_instances + 1)
    ]
    return SimContainerWorkload(
        images=images,
        tasks=tasks,
        cluster_name=network.name,
        internal_urls=service_connect_urls(spec),
        urls=(
            *attach_to_balancers(parent, spec, tasks, config),
            *attach_to_http_apis(parent, spec, tasks, config),
        ),
    )


def _image(workload: str, container: ContainerSpec, child: pulumi.ResourceOptions) -> LocalImage:
    image_labels = labels(workload, "image")
    props: dict[str, object]
    if container.build is None:
        props = {"reference": container.image, "labels": image_labels}
    else:
        props = {
            "context": str(container.build.path),
            "dockerfile": container.build.dockerfile,
            "repository": dns_label(stack_label(), workload, container.name),
            "content_hash": container.build.content_hash,
            "labels": image_labels,
        }
    return LocalImage(f"{workload}-{container.name}-image", props, child)


def _container(container: ContainerSpec, image: LocalImage) -> dict[str, Any]:
    check = container.internal_health_check
    return {
        "name": container.name,
        "image_ref": image.image_ref,
        "image_id": image.image_id,
        "command": list(container.command),
        "args": list(container.args),
        "essential": container.essential,
        "stop_timeout": container.stop_timeout,
        "depends_on": [
            {"container_name": d.container_name, "condition": d.condition} for d in container.depends_on
        ],
        "health_check": None
        if check is None
        else {
            "command": list(check.health_check_command),
            "interval_seconds": check.interval_seconds,
            "timeout_seconds": check.timeout_seconds,
            "retries": check.retries,
            "start_period_seconds": check.start_period_seconds,
        },
        **hardening_props(container.hardening),
    }
