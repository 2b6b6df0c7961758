"""`Workload`: one image, one port, N replicas (Wing's `containers.Workload`) on any platform."""

from typing import TYPE_CHECKING, NotRequired, TypedDict

import pulumi

from components.cluster import Cluster, default_cluster
from components.platforms import platform_package, validate_workload_on
from components.platforms.outputs import WorkloadOutputs
from components.spec.stack_config import read_stack_config
from components.spec.workload import parse_workload

if TYPE_CHECKING:  # the escape hatches' types; a sim program never imports the cloud SDKs
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    from components.load_balancers import ApplicationLoadBalancer
    from sim_provider.image import LocalImage
    from sim_provider.ingress import Ingress
    from sim_provider.replica import Replica


class ResourcesArgs(TypedDict, total=False):
    cpu: float
    """vCPUs reserved and allowed per replica, e.g. 0.25. Default: 0.25 on eks, the least Fargate size
    that fits `memory` on ecs, no limit on sim."""
    memory: int
    """Memory per replica in MiB; the container is stopped beyond it. Default: 512 on eks, the least
    Fargate size that fits `cpu` on ecs, no limit on sim."""


class ScalingPolicyArgs(TypedDict, total=False):
    keep_avg_cpu_utilization_under: int
    """Average CPU utilization in percent (1..100) that autoscaling keeps under. Default: 80."""


class ScalingArgs(TypedDict, total=False):
    min_instances: int
    """Fewest replicas, 1..1000. Default: 1."""
    max_instances: int
    """Most replicas, 1..1000. Default: min_instances."""
    scaling_policy: ScalingPolicyArgs
    """What autoscaling keeps under its target. Default: CPU under 80 percent."""


class DomainArgs(TypedDict, total=False):
    host: str
    """The custom host name, e.g. api.example.com."""
    certificate_arn: str
    """ACM certificate for TLS on that host. Default: none."""


class WorkloadArgs(TypedDict):
    image: str
    """A registry reference (e.g. 'nginx:1.27') or a path to a folder with a Dockerfile (e.g. './backend')."""
    name: NotRequired[str]
    """The workload's name, a DNS-1123 label of at most 53 characters. Default: the resource name."""
    port: NotRequired[int]
    """The port the container listens on. Default: none."""
    public: NotRequired[bool]
    """Reachable from outside through `public_url` (needs `port`). Default: false."""
    readiness: NotRequired[str]
    """HTTP path answering 2xx once the workload is ready, e.g. '/healthz' (needs `port`). Default: none."""
    replicas: NotRequired[int]
    """How many containers run when there is no `scaling`, 1..1000. Default: 1."""
    sources: NotRequired[list[str]]
    """Globs (relative to the image folder) whose files decide a rebuild. Default: ['**/*']."""
    args: NotRequired[list[pulumi.Input[str]]]
    """Arguments passed to the image's entrypoint, replacing its CMD. Default: the image's CMD."""
    env: NotRequired[dict[str, pulumi.Input[str] | pulumi.Output[str | None]]]
    """Environment variables; values may be Outputs (e.g. an `internal_url`), secrets. Default: none."""
    resources: NotRequired[ResourcesArgs]
    """CPU and memory per replica. Default: the defaults of its fields."""
    scaling: NotRequired[ScalingArgs]
    """Autoscaling bounds and target instead of `replicas` (sim runs min_instances). Default: none."""
    domain: NotRequired[DomainArgs]
    """Custom host with TLS for a public workload (cloud platforms). Default: none."""
    cluster: NotRequired[Cluster]
    """The Cluster to run on. Default: one cluster shared by the program's workloads."""
    read_only_root_filesystem: NotRequired[bool]
    """Run with the image's filesystem read-only (writes fail outside volumes). Default: false."""
    run_as_user: NotRequired[int]
    """Run as this non-root user id (1..2147483647), not the image's USER. Default: the image's USER."""


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
        config = read_stack_config("Workload", name)
        validate_workload_on(config.platform, spec)
        super().__init__("containers:index:Workload", name, {}, opts)
        cluster = args.get("cluster") or default_cluster()
        outputs: WorkloadOutputs = platform_package(config.platform).deploy_workload(
            self, spec, cluster, config
        )
        made = outputs.resources
        # Escape hatches: the resources the platform made, to reach a property we did not foresee.
        # Each is None (or empty) on the platforms that do not make it; the README lists them.
        self.image: LocalImage | None = made.get("image")
        """sim: the image the replicas run (pulled, or built from the image folder)."""
        self.replicas: list[Replica] = made.get("replicas", [])
        """sim: one container per replica."""
        self.ingress: Ingress | pulumi.Output[k8s.networking.v1.Ingress] | None = made.get("ingress")
        """sim: the HAProxy entry of a public workload; eks: the chart's Ingress."""
        self.chart: k8s.helm.v4.Chart | None = made.get("chart")
        """eks: the Helm chart (Deployment, Service, ...)."""
        self.namespace: pulumi.Output[str] | None = made.get("namespace")
        """eks: the Kubernetes namespace the chart is installed in."""
        self.service: aws.ecs.Service | None = made.get("service")
        """ecs: the ECS service."""
        self.task_definition: aws.ecs.TaskDefinition | None = made.get("task_definition")
        """ecs: the task definition of the current revision."""
        self.task_role: aws.iam.Role | None = made.get("task_role")
        """ecs: the role the container's AWS calls run as."""
        self.execution_role: aws.iam.Role | None = made.get("execution_role")
        """ecs: the role ECS pulls the image and reads secrets with."""
        self.log_group: aws.cloudwatch.LogGroup | None = made.get("log_group")
        """ecs: the CloudWatch log group of the container."""
        self.security_group: aws.ec2.SecurityGroup | None = made.get("security_group")
        """ecs: the tasks' security group."""
        self.target_group: aws.lb.TargetGroup | None = made.get("target_group")
        """ecs, public: the load balancer's target group."""
        self.scalable_target: aws.appautoscaling.Target | None = made.get("scalable_target")
        """ecs, with `scaling`: the Application Auto Scaling target."""
        self.load_balancer: ApplicationLoadBalancer | None = made.get("load_balancer")
        """ecs, public: the workload's own ApplicationLoadBalancer."""
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
