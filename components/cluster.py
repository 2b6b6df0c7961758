"""`Cluster`: where workloads run. On sim, the stack's Docker network."""

import weakref
from typing import TypedDict

import pulumi

from components.platforms import sim
from components.spec.errors import InvalidArgumentError
from components.spec.platform import Platform, current_platform

DEFAULT_CLUSTER_NAME = "app"


class ClusterArgs(TypedDict, total=False):
    """Options of a Cluster. The sim platform needs none."""


class Cluster(pulumi.ComponentResource):
    """A place to run workloads, shared by every Workload that names it with `cluster=`."""

    cluster_name: pulumi.Output[str]
    """The cluster's name (on sim: the Docker network's name)."""
    endpoint: pulumi.Output[str | None]
    """The Kubernetes API endpoint (eks); None elsewhere."""
    certificate: pulumi.Output[str | None]
    """The cluster's certificate authority data (eks); None elsewhere."""
    kubeconfig: pulumi.Output[str | None]
    """A kubeconfig for the cluster (eks); None elsewhere."""

    def __init__(self, name: str, args: ClusterArgs | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        platform = current_platform("Cluster", name)
        if platform is not Platform.SIM:
            raise InvalidArgumentError(
                "Cluster", name, "containers:platform (stack config)", platform.value,
                "sim (the eks and ecs platforms are not available in this version yet)",
            )
        super().__init__("containers:index:Cluster", name, {}, opts)
        self.network = sim.create_network(self, name)
        """Escape hatch: the Docker network resource (sim)."""
        self.cluster_name = self.network.name
        self.endpoint = pulumi.Output.from_input(None)
        self.certificate = pulumi.Output.from_input(None)
        self.kubeconfig = pulumi.Output.from_input(None)
        self.register_outputs({
            "cluster_name": self.cluster_name,
            "endpoint": self.endpoint,
            "certificate": self.certificate,
            "kubeconfig": self.kubeconfig,
        })


# One default cluster per program run, for workloads that name none (as Wing gives each app one).
# Keyed by the run's resource monitor connection, which Pulumi makes afresh for every run (and
# every mocks test), so a cluster never leaks from one run into the next.
_default_clusters: "weakref.WeakKeyDictionary[object, Cluster]" = weakref.WeakKeyDictionary()


def default_cluster() -> Cluster:
    run = pulumi.runtime.settings.get_monitor()
    if run not in _default_clusters:
        _default_clusters[run] = Cluster(DEFAULT_CLUSTER_NAME)
    return _default_clusters[run]
