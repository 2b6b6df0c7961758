"""The ecs platform's Workload: a one-container ContainerWorkload on Fargate.

The Workload's args are translated into ContainerWorkload args and deployed by the same machinery:
`port` becomes a service-connect port under the workload's name (so `internal_url` is
`http://<name>:<port>` on ecs as on sim, for every workload of the cluster), `public` an
Application Load Balancer of its own probing `readiness`, `domain` that balancer's TLS
certificate and host, `replicas` a fixed instance count, `scaling` autoscaling, and Output-valued
`env` values SSM SecureString parameters read at start.

`WorkloadOutputs.resources` keys: "service", "task_definition", "task_role", "execution_role",
"log_group", "security_group", "target_group", "scalable_target", "load_balancer" (the
`ApplicationLoadBalancer` component, public workloads only) and "container_workload" (every
resource, as `platforms.ecs.container_workload.ContainerWorkloadResources`).
"""

from typing import TYPE_CHECKING, Any

import pulumi

from components.platforms.ecs.container_workload import deploy_container_workload
from components.platforms.outputs import WorkloadOutputs
from components.spec.container_workload.workload import parse_container_workload
from components.spec.errors import InvalidArgumentError
from components.spec.fargate import (
    FARGATE_MEMORY_BY_VCPU,
    FARGATE_VCPUS,
    describe_memory,
    smallest_fitting_size,
)
from components.spec.stack_config import StackConfig
from components.spec.workload import COMPONENT, WorkloadSpec

if TYPE_CHECKING:
    from components.load_balancers import ApplicationLoadBalancer

MAX_VCPU = max(FARGATE_MEMORY_BY_VCPU)
MAX_MEMORY = max(FARGATE_MEMORY_BY_VCPU[MAX_VCPU])


def validate_workload(spec: WorkloadSpec) -> None:
    """Refuse what ecs cannot run, before the Workload registers: a size beyond every Fargate task."""
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


def container_workload_args(
    spec: WorkloadSpec, cluster: Any, balancer: "ApplicationLoadBalancer | None"
) -> dict[str, Any]:
    """The ContainerWorkload args that run `spec`."""
    cpu, memory = fargate_size(spec)
    container: dict[str, Any] = {"name": container_name(spec)}
    if spec.build is None:
        container["image"] = spec.image_reference
    else:
        container["build"] = {
            "context": str(spec.build.path),
            "dockerfile": spec.build.dockerfile,
            "sources": list(spec.build.sources),
        }
    if spec.args:
        container["args"] = list(spec.args)
    if spec.env:
        container["environment"] = dict(spec.env)
    events: list[dict[str, Any]] = []
    if spec.port is not None:
        events.append({"type": "service-connect", "container_port": spec.port, "alias": spec.name})
    if balancer is not None:
        events.append(
            {
                "type": "application-load-balancer",
                "load_balancer": balancer,
                "container_port": spec.port,
                "priority": 1,
            }
        )
        if spec.readiness:
            container["load_balancer_health_check"] = {"path": spec.readiness}
    if events:
        container["events"] = events
    scaling = (
        {
            "min_instances": spec.scaling.min_instances,
            "max_instances": spec.scaling.max_instances,
            "scaling_policy": {"keep_avg_cpu_utilization_under": spec.scaling.cpu_utilization_target},
        }
        if spec.scaling
        else {"min_instances": spec.replicas, "max_instances": spec.replicas}
    )
    return {
        "containers": [container],
        "resources": {"cpu": cpu, "memory": memory},
        "scaling": scaling,
        "cluster": cluster,
    }


def container_name(spec: WorkloadSpec) -> str:
    """The workload's name (a DNS label, so a valid container name) within the 50 characters ECS allows."""
    return spec.name[:50].rstrip("-")


def deploy_workload(
    parent: pulumi.Resource, spec: WorkloadSpec, cluster: Any, config: StackConfig
) -> WorkloadOutputs:
    # Imported here: the component imports this package (its balancer is made by `load_balancers`).
    from components.load_balancers import ApplicationLoadBalancer

    balancer = None
    if spec.public:
        domain = spec.domain
        balancer_args: dict[str, Any] = {"cluster": cluster}
        if domain is not None:
            balancer_args["domain"] = {"host": domain.host}
            if domain.certificate_arn:
                balancer_args["certificate_arn"] = domain.certificate_arn
        balancer = ApplicationLoadBalancer(
            f"{spec.resource_name}-alb",
            balancer_args,
            pulumi.ResourceOptions(parent=parent),  # type: ignore[arg-type]
        )
    container_spec = parse_container_workload(
        spec.resource_name, container_workload_args(spec, cluster, balancer)
    )
    deployed = deploy_container_workload(parent, container_spec, cluster)
    name = container_name(spec)
    return WorkloadOutputs(
        image_ref=deployed.task.images[name],
        internal_url=f"http://{spec.name}:{spec.port}" if spec.port else None,
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
