"""The ecs platform's Workload: a one-container ContainerWorkload on Fargate.

The validated WorkloadSpec becomes a one-container ContainerWorkloadSpec, deployed by the same
machinery: `port` becomes a service-connect port under the workload's name (so `internal_url` is
`http://<name>:<port>` on ecs as on sim, for every workload of the cluster), `public` an
Application Load Balancer of its own probing `readiness` (a private workload's `readiness` is the
container's own health check instead), `domain` that balancer's TLS certificate and host,
`replicas` a fixed instance count, `scaling` autoscaling, and Output-valued `env` values SSM
SecureString parameters read at start.

`WorkloadOutputs.resources` keys: "service", "task_definition", "task_role", "execution_role",
"log_group", "security_group", "target_group", "scalable_target", "load_balancer" (the
`ApplicationLoadBalancer` component, public workloads only) and "container_workload" (every
resource, as `platforms.ecs.container_workload.ContainerWorkloadResources`).
"""

import functools
from typing import TYPE_CHECKING, Any

import pulumi

from components.platforms.ecs.container_workload import deploy_container_workload
from components.platforms.outputs import WorkloadOutputs
from components.platforms.secret_args import ECS_RULE, refusing_secret
from components.spec.arg_reader import ArgReader
from components.spec.aws_names import check_aws_resource_name
from components.spec.container_workload.compute import FargateResources, ScalingPolicySpec, ScalingSpec
from components.spec.container_workload.containers import (
    DEFAULT_STOP_TIMEOUT_SECONDS,
    ContainerSpec,
    InternalHealthCheckSpec,
    LoadBalancerHealthCheckSpec,
    LoggingSpec,
)
from components.spec.container_workload.events import (
    ApplicationLoadBalancerEvent,
    ContainerEvent,
    ServiceConnectEvent,
)
from components.spec.container_workload.workload import ContainerWorkloadSpec, load_balanced_targets
from components.spec.errors import InvalidArgumentError
from components.spec.fargate import (
    FARGATE_MEMORY_BY_VCPU,
    FARGATE_VCPUS,
    describe_memory,
    smallest_fitting_size,
)
from components.spec.image_reference import check_ecs_image_reference
from components.spec.stack_config import StackConfig
from components.spec.workload import COMPONENT, WorkloadSpec

if TYPE_CHECKING:
    from components.load_balancers import ApplicationLoadBalancer

MAX_VCPU = max(FARGATE_MEMORY_BY_VCPU)
MAX_MEMORY = max(FARGATE_MEMORY_BY_VCPU[MAX_VCPU])


def _secret_arg(spec: WorkloadSpec, index: int) -> InvalidArgumentError:
    return InvalidArgumentError(COMPONENT, spec.resource_name, f"args[{index}]", "[secret]", ECS_RULE)


def validate_workload(spec: WorkloadSpec, config: StackConfig) -> None:
    """Refuse what ecs cannot run, before the Workload registers: a size beyond every Fargate task, a
    resource name AWS cannot name its roles after, an image reference ECS refuses."""
    reader = ArgReader(COMPONENT, spec.resource_name)
    check_aws_resource_name(reader)
    if spec.image_reference is not None:
        check_ecs_image_reference(reader, "image", spec.image_reference)
    fargate_size(spec)


def fargate_size(spec: WorkloadSpec) -> tuple[float, int]:
    """The cheapest Fargate size with the CPU and memory asked for (default: the smallest)."""
    cpu = spec.resources.cpu if spec.resources else None
    memory = spec.resources.memory if spec.resources else None
    size = smallest_fitting_size(cpu, memory)
    if size is None:
        raise InvalidArgumentError(
            COMPONENT, spec.resource_name, "resources", {"cpu": cpu, "memory": memory}, _allowed_sizes(cpu)
        )
    return size


def _allowed_sizes(cpu: float | None) -> str:
    """The largest Fargate task, and the memory Fargate pairs with the vCPU count `cpu` rounds up to."""
    vcpu = next((v for v in FARGATE_VCPUS if cpu is not None and v >= cpu), MAX_VCPU)
    larger = "; more memory rounds up to more vCPU" if vcpu < MAX_VCPU else ""
    return (
        f"at most {MAX_VCPU:g} vCPU and {MAX_MEMORY} MiB on ecs (the largest Fargate task);"
        f" memory for {vcpu:g} vCPU on Fargate: {describe_memory(vcpu)} MiB{larger}"
    )


def container_workload_spec(
    spec: WorkloadSpec, cluster: Any, balancer: "ApplicationLoadBalancer | None"
) -> ContainerWorkloadSpec:
    """The one-container ContainerWorkload that runs `spec` (already valid: nothing to parse again)."""
    cpu, memory = fargate_size(spec)
    events: list[ContainerEvent] = []
    if spec.port is not None:
        events.append(ServiceConnectEvent(container_port=spec.port, alias=spec.name, protocol=None))
    if balancer is not None and spec.port is not None:
        events.append(
            ApplicationLoadBalancerEvent(
                load_balancer=balancer,
                container_port=spec.port,
                priority=1,
                listener_port=None,
                paths=(),
                methods=(),
                hosts=(),
                headers=(),
                query_params=(),
                source_ips=(),
            )
        )
    container = ContainerSpec(
        name=container_name(spec),
        image=spec.image_reference if spec.build is None else None,
        build=spec.build,
        command=(),
        args=tuple(
            arg if isinstance(arg, str) else refusing_secret(arg, functools.partial(_secret_arg, spec, index))
            for index, arg in enumerate(spec.args)
        ),
        environment={
            key: value if isinstance(value, str) else pulumi.Output.from_input(value)
            for key, value in spec.env.items()
        },
        events=tuple(events),
        # Behind the balancer, readiness is its target group's health check; a private workload
        # has no balancer, so readiness becomes the container's own health check.
        load_balancer_health_check=(
            LoadBalancerHealthCheckSpec(path=spec.readiness) if balancer and spec.readiness else None
        ),
        essential=True,
        logging=LoggingSpec(),
        depends_on=(),
        internal_health_check=(
            _readiness_check(spec.port, spec.readiness) if spec.readiness and not balancer else None
        ),
        stop_timeout=DEFAULT_STOP_TIMEOUT_SECONDS,
        volume_mounts=(),
        hardening=spec.hardening,
    )
    containers = (container,)
    scaling = (
        ScalingSpec(
            min_instances=spec.scaling.min_instances,
            max_instances=spec.scaling.max_instances,
            scaling_policy=ScalingPolicySpec(
                keep_avg_cpu_utilization_under=spec.scaling.cpu_utilization_target
            ),
        )
        if spec.scaling
        else ScalingSpec(min_instances=spec.replicas, max_instances=spec.replicas)
    )
    return ContainerWorkloadSpec(
        resource_name=spec.resource_name,
        containers=containers,
        resources=FargateResources(cpu=cpu, memory=memory),
        scaling=scaling,
        deployment=None,
        connect_to=(),
        iam_role_statements=(),
        enable_remote_sessions=False,
        use_private_subnets_with_nat=False,
        cluster=cluster,
        load_balanced_targets=load_balanced_targets(containers),
    )


def _readiness_check(port: int | None, path: str) -> InternalHealthCheckSpec:
    """An HTTP GET of `path` from inside the container, with whichever of curl or wget the image has.

    ECS runs it in the container, so the image needs a shell and one of the two (README: ecs)."""
    url = f"http://localhost:{port}{path}"
    probe = f"curl -fsS -o /dev/null {url} || wget -q -O /dev/null {url} || exit 1"
    return InternalHealthCheckSpec(health_check_command=("CMD-SHELL", probe))


def container_name(spec: WorkloadSpec) -> str:
    """The workload's name (a DNS label, so a valid container name) within the 50 characters ECS allows."""
    return spec.name[:50].rstrip("-")


def deploy_workload(
    parent: pulumi.Resource, spec: WorkloadSpec, cluster: Any, config: StackConfig
) -> WorkloadOutputs:
    # Imported here: the component imports this package (its balancer is made by `load_balancers`).
    from components.load_balancers import ApplicationLoadBalancer, ApplicationLoadBalancerArgs

    balancer = None
    if spec.public:
        domain = spec.domain
        balancer_args: ApplicationLoadBalancerArgs = {"cluster": cluster}
        if domain is not None:
            balancer_args["domain"] = {"host": domain.host}
            if domain.certificate_arn:
                balancer_args["certificate_arn"] = domain.certificate_arn
        balancer = ApplicationLoadBalancer(
            f"{spec.resource_name}-alb",
            balancer_args,
            pulumi.ResourceOptions(parent=parent),
        )
    deployed = deploy_container_workload(parent, container_workload_spec(spec, cluster, balancer), cluster)
    name = container_name(spec)
    return WorkloadOutputs(
        image_ref=deployed.task.images[name],
        internal_url=deployed.service.id.apply(lambda _: f"http://{spec.name}:{spec.port}")
        if spec.port
        else None,
        public_url=balancer.url if balancer else None,
        resources={
            "service": deployed.service,
            "task_definition": deployed.task.task_definition,
            "task_role": deployed.access.role,
            "execution_role": deployed.task.execution_role,
            "log_group": deployed.task.log_groups[name],
            "security_group": deployed.network.security_group,
            "target_group": next(iter(deployed.load_balancing.target_groups.values()), None),
            "scalable_target": deployed.scaling.scalable_target,
            "load_balancer": balancer,
            "container_workload": deployed,
        },
    )
