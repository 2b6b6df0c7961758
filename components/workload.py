"""`Workload`: one image, one port, N replicas (Wing's `containers.Workload`) on any platform."""

from typing import NotRequired, TypedDict

import pulumi

from components.cluster import Cluster, default_cluster
from components.platforms import platform_package, validate_workload_on
from components.platforms.outputs import WorkloadOutputs
from components.spec.platform import current_platform
from components.spec.workload import parse_workload


class ResourcesArgs(TypedDict, total=False):
    cpu: float
    """vCPUs reserved and allowed per replica, e.g. 0.25."""
    memory: int
    """Memory per replica in MiB; the container is stopped beyond it."""


class ScalingPolicyArgs(TypedDict, total=False):
    keep_avg_cpu_utilization_under: int
    """Target average CPU utilization in percent (default 80)."""


class ScalingArgs(TypedDict, total=False):
    min_instances: int
    """Fewest replicas (default 1)."""
    max_instances: int
    """Most replicas (default min_instances)."""
    scaling_policy: ScalingPolicyArgs
    """What autoscaling keeps under its target."""


class DomainArgs(TypedDict, total=False):
    host: str
    """The custom host name, e.g. api.example.com."""
    certificate_arn: str
    """ACM certificate for TLS on that host."""


class WorkloadArgs(TypedDict):
    image: str
    """A registry reference (e.g. 'nginx:1.27') or a path to a folder with a Dockerfile (e.g. './backend')."""
    name: NotRequired[str]
    """The workload's name (a DNS-1123 label); defaults to the resource name."""
    port: NotRequired[int]
    """The port the container listens on."""
    public: NotRequired[bool]
    """Reachable from outside through `public_url` (needs `port`)."""
    readiness: NotRequired[str]
    """HTTP path answering 2xx once the workload is ready, e.g. '/healthz'."""
    replicas: NotRequired[int]
    """How many containers run (default 1)."""
    sources: NotRequired[list[str]]
    """Globs (relative to the image folder) whose content decides rebuilds; default: every file."""
    args: NotRequired[list[pulumi.Input[str]]]
    """Arguments passed to the image's entrypoint."""
    env: NotRequired[dict[str, pulumi.Input[str]]]
    """Environment variables; values may be Outputs and secrets."""
    resources: NotRequired[ResourcesArgs]
    """CPU and memory per replica."""
    scaling: NotRequired[ScalingArgs]
    """Autoscaling bounds and target (cloud platforms; sim runs min_instances)."""
    domain: NotRequired[DomainArgs]
    """Custom host with TLS for a public workload (cloud platforms)."""
    cluster: NotRequired[Cluster]
    """The Cluster to run on; default: one cluster shared by the program's workloads."""


class Workload(pulumi.ComponentResource):
    """A containerized service: local Docker on sim, a Helm release on eks, an ECS service on ecs."""

    public_url: pulumi.Output[str | None]
    """URL reachable from outside (on sim: http://127.0.0.1:PORT); None unless public."""

    pulumi_type = "containers:index:Workload"
    """Its type token; other languages pass it by reference (the component provider's schema)."""
    internal_url: pulumi.Output[str | None]
    """URL other workloads of the app use to reach this one; None without a port."""
    image_ref: pulumi.Output[str]
    """The image reference the containers run."""

    def __init__(self, name: str, args: WorkloadArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Validate everything before registering anything, so bad input creates nothing.
        spec = parse_workload(name, args)
        platform = current_platform("Workload", name)
        validate_workload_on(platform, spec)
        super().__init__("containers:index:Workload", name, {}, opts)
        cluster = args.get("cluster") or default_cluster()
        outputs: WorkloadOutputs = platform_package(platform).deploy_workload(self, spec, cluster)
        self.resources = outputs.resources
        """Escape hatches by role (sim: "image", "replicas", "ingress"; see the README for eks and ecs)."""
        self.image_ref = pulumi.Output.from_input(outputs.image_ref)
        self.internal_url = pulumi.Output.from_input(outputs.internal_url)
        self.public_url = pulumi.Output.from_input(outputs.public_url)
        self.register_outputs(
            {
                "public_url": self.public_url,
                "internal_url": self.internal_url,
                "image_ref": self.image_ref,
            }
        )
