"""The sim platform: workloads as containers on the local Docker engine, through dynamic providers.

Everything it creates in Docker is labelled with its stack and resource, so tests (and users) can
find it, and an interrupted update's leftovers can be recognized and cleaned up.
"""

import functools
import importlib
import os
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_monitor

from components.platforms.names import dns_label, stack_label
from components.platforms.outputs import ClusterOutputs, WorkloadOutputs
from components.platforms.sim.hardening import hardening_props
from components.platforms.sim.labels import labels
from components.spec.cluster import ClusterSpec
from components.spec.stack_config import StackConfig
from components.spec.workload import WorkloadSpec
from sim_provider.docker_ops import SimError, connect
from sim_provider.image import LocalImage
from sim_provider.ingress import Ingress, IngressBackends
from sim_provider.network import DockerNetwork
from sim_provider.replica import Replica
from sim_provider.volumes import WorkloadVolumes

__all__ = [
    "check_container_workload",
    "create_cluster",
    "create_http_api",
    "create_load_balancer",
    "deploy_container_workload",
    "deploy_workload",
    "labels",
]


# The entry points of ContainerWorkload, the balancers and the gateway, each imported on first use:
# a program of Workloads alone never loads their modules (and the task and proxy providers they
# import), which cost a tenth of every `up`'s program start.
LAZY_ENTRY_POINTS = {
    "check_container_workload": "container_workload",
    "deploy_container_workload": "container_workload",
    "create_http_api": "http_api_gateway",
    "create_load_balancer": "load_balancers",
}


def __getattr__(name: str) -> Any:
    if name not in LAZY_ENTRY_POINTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{LAZY_ENTRY_POINTS[name]}"), name)


def checkout() -> str:
    """Where this stack's program and state live: two checkouts of one project and stack (every
    clone is `containers`/`sim`) are two stacks to Pulumi, and must not share Docker resources."""
    where = os.path.realpath(os.getcwd())
    backend = os.environ.get("PULUMI_BACKEND_URL")
    return f"{where} (state: {backend})" if backend else where


def require_docker() -> None:
    """Before an update registers anything: the Docker engine answers, or ONE error says why.

    Every sim resource needs the engine; left to the providers, each of the creates started in
    parallel (the network, every image) failed with the same message. Not at preview (it needs no
    Docker) and not under `components.testing`'s mocks (no engine there).
    """
    if pulumi.runtime.is_dry_run() or isinstance(get_monitor(), MockMonitor):
        return
    try:
        connect().close()
    except SimError as error:
        raise pulumi.RunError(str(error)) from None


def create_cluster(
    parent: pulumi.Resource, spec: ClusterSpec, default: bool, config: StackConfig
) -> ClusterOutputs:
    """A cluster on sim is the Docker network its workloads share."""
    require_docker()
    network = DockerNetwork(
        f"{spec.resource_name}-network",
        {
            "name": dns_label(stack_label(), spec.resource_name),
            "labels": labels(spec.resource_name, "network"),
            "checkout": checkout(),
        },
        pulumi.ResourceOptions(parent=parent),
    )
    return ClusterOutputs(
        cluster_name=network.name,
        resources={"network": network, "entry_image": _entry_image_of(parent, spec, config)},
    )


def _entry_image_of(
    parent: pulumi.Resource, spec: ClusterSpec, config: StackConfig
) -> Callable[[], LocalImage]:
    """The HAProxy image every entry of the cluster runs: one resource for all of them (a resource
    per workload cost every update its steps and state writes), made when the first entry asks for
    it, so a stack of workers alone never pulls HAProxy."""

    @functools.cache
    def entry_image() -> LocalImage:
        return LocalImage(
            f"{spec.resource_name}-entry-image",
            {"reference": config.sim_ingress_image, "labels": labels(spec.resource_name, "image")},
            pulumi.ResourceOptions(parent=parent),
        )

    return entry_image


def deploy_workload(
    parent: pulumi.Resource, spec: WorkloadSpec, cluster: Any, config: StackConfig
) -> WorkloadOutputs:
    network: DockerNetwork = cluster.resources["network"]
    child = pulumi.ResourceOptions(parent=parent)

    image = LocalImage(f"{spec.resource_name}-image", _image_props(spec), child)
    # Made by each replica at create; removed with the workload, after its replicas.
    volumes = WorkloadVolumes(
        f"{spec.resource_name}-volumes", {"workload": spec.name, "labels": labels(spec.name, "volume")}, child
    )
    replicas = [
        Replica(
            f"{spec.resource_name}-replica-{index}",
            {
                "name_prefix": dns_label(stack_label(), spec.name, str(index)),
                "pending_name": dns_label(stack_label(), f"{spec.resource_name}-replica-{index}-pending"),
                "network": network.name,
                "alias": spec.name,
                "image_ref": image.image_ref,
                "image_id": image.image_id,
                "command": list(spec.args),
                "env": dict(spec.env),
                "port": spec.port,
                "readiness": spec.readiness,
                "nano_cpus": int(spec.resources.cpu * 1e9) if spec.resources and spec.resources.cpu else None,
                "memory_mib": spec.resources.memory if spec.resources else None,
                **hardening_props(spec.hardening),
                "labels": {**labels(spec.name, "replica"), "containers.replica": str(index)},
                "timeout_seconds": config.readiness_timeout_seconds,
                # Readiness is probed from the host, or from a busybox on the network where the
                # host cannot reach container addresses (Docker Desktop): see sim_provider/prober.py.
                "probe_from": config.sim_probe_from,
                "prober_image": config.sim_prober_image,
            },
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[volumes])),
        )
        for index in range(1, _replica_count(spec) + 1)
    ]
    entry = _entry(spec, cluster, network, replicas, config, child) if spec.port else None
    return WorkloadOutputs(
        image_ref=image.image_ref,
        internal_url=f"http://{spec.name}:{spec.port}" if spec.port else None,
        public_url=entry.url if entry and spec.public else None,
        resources={"image": image, "replicas": replicas, "ingress": entry if spec.public else None},
    )


def _replica_count(spec: WorkloadSpec) -> int:
    # Nothing autoscales on a laptop: run the floor the cloud would start from.
    return spec.scaling.min_instances if spec.scaling else spec.replicas


def _image_props(spec: WorkloadSpec) -> dict[str, object]:
    image_labels = labels(spec.name, "image")
    if spec.build is None:
        return {"reference": spec.image_reference, "labels": image_labels}
    return {
        "context": str(spec.build.path),
        "dockerfile": spec.build.dockerfile,
        "repository": dns_label(stack_label(), spec.name),
        "content_hash": spec.build.content_hash,
        "labels": image_labels,
    }


def _entry(
    spec: WorkloadSpec,
    cluster: Any,
    network: DockerNetwork,
    replicas: list[Replica],
    config: StackConfig,
    child: pulumi.ResourceOptions,
) -> Ingress:
    """The workload's name on the network (and its URL, when public): an HAProxy container started
    beside the replicas, then told which replicas to forward to once they are ready."""
    # Public: the "ingress"; private: the "service" of the workload, as in Kubernetes.
    role = "ingress" if spec.public else "service"
    image: LocalImage = cluster.resources["entry_image"]()
    entry = Ingress(
        f"{spec.resource_name}-{role}",
        {
            "name_prefix": dns_label(stack_label(), spec.name, role),
            "pending_name": dns_label(stack_label(), spec.resource_name, role, "pending"),
            "network": network.name,
            "alias": spec.name,
            "port": spec.port,
            "public": spec.public,
            "image_ref": image.image_ref,
            "labels": labels(spec.name, role),
            "timeout_seconds": config.readiness_timeout_seconds,
        },
        child,
    )
    IngressBackends(
        f"{spec.resource_name}-{role}-backends",
        {
            "entry": entry.id,
            "network": network.name,
            "alias": spec.name,
            "port": spec.port,
            "public": spec.public,
            "host_port": entry.host_port,
            "readiness": spec.readiness,
            # Replaced or added replicas change this list: the entry reloads and checks that
            # traffic reaches them, before Pulumi removes the replicas they replace.
            "backends": [replica.container_name for replica in replicas],
            "timeout_seconds": config.readiness_timeout_seconds,
        },
        child,
    )
    return entry
