"""What a workload's load-balancer events take on their balancers, checked on every platform that
routes as the cloud does: the event's balancer is of the right kind and has the listener it names,
an ALB rule priority belongs to one workload per listener, an NLB listener forwards to one workload.

Nothing here imports an AWS SDK: sim checks balancers too, and pulumi_aws costs a program about 2 s.
"""

from typing import Any

from components.render.ecs.load_balancer_rules import listener_ports
from components.spec.arg_reader import ArgReader
from components.spec.container_workload.events import ApplicationLoadBalancerEvent, NetworkLoadBalancerEvent
from components.spec.container_workload.workload import COMPONENT, ContainerWorkloadSpec
from components.spec.load_balancers import HttpApiGatewaySpec, LoadBalancerSpec

# What an event or a deployment takes on a balancer: (balancer, (listener port, rule priority or None
# for the whole listener), the field asking for it).
Claim = tuple[Any, tuple[int, int | None], str]


def _kind_of(reference: object) -> LoadBalancerSpec | HttpApiGatewaySpec | None:
    spec = getattr(reference, "spec", None)
    return spec if isinstance(spec, LoadBalancerSpec | HttpApiGatewaySpec) else None


def check_balancer_events(spec: ContainerWorkloadSpec) -> None:
    """The balancer checks alone (right kind, known listener, priorities free across workloads), for
    platforms that route as the cloud does without its VPC (sim)."""
    reader = ArgReader(COMPONENT, spec.resource_name)
    claims: list[Claim] = []
    for index, container in enumerate(spec.containers):
        for event_index, event in enumerate(container.events):
            if isinstance(event, ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent):
                claims.extend(balancer_claims(reader, f"containers[{index}].events[{event_index}]", event))
    claim(reader, spec.resource_name, claims)


def balancer_claims(
    reader: ArgReader, field: str, event: ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent
) -> list[Claim]:
    """What the event takes on its balancer: (listener port, priority) rules, or a whole NLB listener."""
    balancer = event.load_balancer
    kind = "application" if isinstance(event, ApplicationLoadBalancerEvent) else "network"
    balancer_spec = _kind_of(balancer)
    if not isinstance(balancer_spec, LoadBalancerSpec) or balancer_spec.kind != kind:
        wanted = "an ApplicationLoadBalancer" if kind == "application" else "a NetworkLoadBalancer"
        raise reader.error(f"{field}.load_balancer", balancer, wanted)
    ports = balancer_spec.forwarding_ports
    if event.listener_port is not None and event.listener_port not in ports:
        raise reader.error(
            f"{field}.listener_port",
            event.listener_port,
            f"a listener port of {balancer.pulumi_resource_name}: {', '.join(map(str, ports))}",
        )
    if isinstance(event, NetworkLoadBalancerEvent):
        return [(balancer, (event.listener_port, None), f"{field}.listener_port")]
    return [(balancer, (port, event.priority), f"{field}.priority") for port in listener_ports(event)]


def claim(reader: ArgReader, owner: str, claims: list[Claim]) -> None:
    """ALB rule priorities are unique per listener, and an NLB listener forwards to one workload,
    whichever workloads share the balancer: record each claim on the balancer."""
    taken: dict[tuple[int, tuple[int, int | None]], str] = {}
    for balancer, key, field in claims:
        holder = balancer.claims.get(key) or taken.get((id(balancer), key))
        if holder is not None:
            port, priority = key
            what = f"listener {port}" if priority is None else f"priority {priority} on listener {port}"
            raise reader.error(
                field,
                priority or port,
                f"a value not taken on {balancer.pulumi_resource_name} ({what} is {holder}'s)",
            )
        taken[(id(balancer), key)] = field
    for balancer, key, _ in claims:
        balancer.claims[key] = owner
