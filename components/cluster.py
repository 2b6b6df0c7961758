"""`Cluster`: where workloads run. sim: a Docker network; eks: an EKS cluster; ecs: an ECS cluster."""

import weakref

import pulumi

from components.cluster_args import ClusterArgs
from components.platforms import platform_package
from components.platforms.outputs import ClusterOutputs
from components.spec.cluster import parse_cluster
from components.spec.stack_config import read_stack_config

DEFAULT_CLUSTER_NAME = "app"


class Cluster(pulumi.ComponentResource):
    """A place to run workloads, shared by every workload that names it with `cluster=`."""

    cluster_name: pulumi.Output[str]
    """The cluster's name (on sim: the Docker network's name)."""

    pulumi_type = "containers:index:Cluster"
    """Its type token; other languages pass it by reference (the component provider's schema)."""
    endpoint: pulumi.Output[str | None]
    """The Kubernetes API endpoint (eks); None elsewhere."""
    certificate: pulumi.Output[str | None]
    """The cluster's certificate authority data (eks); None elsewhere."""
    kubeconfig: pulumi.Output[str | None]
    """A kubeconfig for the cluster (eks); None elsewhere."""

    def __init__(
        self,
        name: str,
        args: ClusterArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        _default: bool = False,
    ) -> None:
        config = read_stack_config("Cluster", name)
        platform = config.platform
        spec = parse_cluster(name, args, platform)  # bad input creates nothing, not even this
        super().__init__("containers:index:Cluster", name, {}, opts)
        outputs: ClusterOutputs = platform_package(platform).create_cluster(self, spec, _default, config)
        self.platform = platform
        self.resources = outputs.resources
        """Escape hatches by role: sim "network"; see the README for eks and ecs."""
        self.cluster_name = pulumi.Output.from_input(outputs.cluster_name)
        self.endpoint = pulumi.Output.from_input(outputs.endpoint)
        self.certificate = pulumi.Output.from_input(outputs.certificate)
        self.kubeconfig = pulumi.Output.from_input(outputs.kubeconfig)
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "endpoint": self.endpoint,
                "certificate": self.certificate,
                "kubeconfig": self.kubeconfig,
            }
        )


# One default cluster per program run, for workloads that name none (as Wing gives each app one).
# Keyed by the run's resource monitor connection, which Pulumi makes afresh for every run (and
# every mocks test), so a cluster never leaks from one run into the next.
_default_clusters: "weakref.WeakKeyDictionary[object, Cluster]" = weakref.WeakKeyDictionary()


def default_cluster() -> Cluster:
    run = pulumi.runtime.settings.get_monitor()
    if run not in _default_clusters:
        _default_clusters[run] = Cluster(DEFAULT_CLUSTER_NAME, _default=True)
    return _default_clusters[run]
