"""Parse and validate `ContainerWorkloadArgs` (Stacktape's multi-container-workload) into a frozen spec.

Runs once, before any resource exists; platforms read the spec and never re-validate. Fields that
decide the resource graph (containers, ports, events, load balancers, priorities, sizes, ...) must
be plain values; environment values, IAM resources, `connect_to` targets, hook functions and
authorizer targets may be Pulumi Outputs. Load balancers, gateways, clusters and file systems are
the user's component objects, passed through untouched for the platform to wire.

Per-container parsing lives in `containers`, events in `events`, capacity in `compute`, permissions
in `access` (all in this package); this module holds the checks across containers and events.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from components.spec.arg_reader import ArgReader
from components.spec.aws_names import check_aws_resource_name
from components.spec.container_workload.access import (
    IamStatementSpec,
    parse_connect_to,
    parse_iam_role_statements,
)
from components.spec.container_workload.compute import (
    Ec2Resources,
    FargateResources,
    ScalingSpec,
    parse_resources,
    parse_scaling,
)
from components.spec.container_workload.containers import (
    EXIT_CONDITIONS,
    ContainerSpec,
    LoadBalancerHealthCheckSpec,
    parse_container,
)
from components.spec.container_workload.events import (
    ApplicationLoadBalancerEvent,
    HttpApiGatewayEvent,
    NetworkLoadBalancerEvent,
    ServiceConnectEvent,
)

if TYPE_CHECKING:  # the component classes import this module; annotations only
    from components.cluster import Cluster
    from components.load_balancers import ApplicationLoadBalancer, NetworkLoadBalancer


COMPONENT = "ContainerWorkload"
FIELDS = (
    "containers",
    "resources",
    "scaling",
    "deployment",
    "connect_to",
    "iam_role_statements",
    "enable_remote_sessions",
    "use_private_subnets_with_nat",
    "cluster",
)
DEPLOYMENT_FIELDS = (
    "strategy",
    "before_allow_traffic_function",
    "after_traffic_shift_function",
    "test_listener_port",
)
DEPLOYMENT_STRATEGIES = (
    "Canary10Percent5Minutes",
    "Canary10Percent15Minutes",
    "Linear10PercentEvery1Minutes",
    "Linear10PercentEvery3Minutes",
    "AllAtOnce",
)
# The ports a load balancer's listeners use when an event does not name one.
DEFAULT_LISTENER_PORTS = (80, 443)
DEFAULT_ENABLE_REMOTE_SESSIONS = False
DEFAULT_USE_PRIVATE_SUBNETS_WITH_NAT = False
# How a target group probes when `load_balancer_health_check.protocol` is not given, by balancer kind.
DEFAULT_ALB_HEALTH_CHECK_PROTOCOL = "HTTP"
DEFAULT_NLB_HEALTH_CHECK_PROTOCOL = "TCP"


@dataclass(frozen=True)
class DeploymentSpec:
    """Blue/green traffic shifting through the workload's Application Load Balancer."""

    strategy: str
    before_allow_traffic_function: object | None = None
    after_traffic_shift_function: object | None = None
    test_listener_port: int | None = None


@dataclass(frozen=True)
class LoadBalancedTarget:
    """One target group: a container port behind one load balancer, with the events routed to it.

    `key` is unique within the workload and stable across runs, for naming resources.
    """

    key: str
    kind: str  # "application" or "network"
    load_balancer: "ApplicationLoadBalancer | NetworkLoadBalancer"
    container_name: str
    container_port: int
    health_check: LoadBalancerHealthCheckSpec
    events: tuple[ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent, ...]


@dataclass(frozen=True)
class ContainerWorkloadSpec:
    resource_name: str
    containers: tuple[ContainerSpec, ...]
    resources: FargateResources | Ec2Resources
    scaling: ScalingSpec
    deployment: DeploymentSpec | None
    connect_to: tuple[object, ...]
    iam_role_statements: tuple[IamStatementSpec, ...]
    enable_remote_sessions: bool
    use_private_subnets_with_nat: bool
    cluster: "Cluster | None"
    load_balanced_targets: tuple[LoadBalancedTarget, ...]

    @property
    def on_fargate(self) -> bool:
        return isinstance(self.resources, FargateResources)

    def container(self, name: str) -> ContainerSpec:
        return next(c for c in self.containers if c.name == name)

    @property
    def http_api_routes(self) -> tuple[tuple[ContainerSpec, HttpApiGatewayEvent], ...]:
        return tuple((c, e) for c in self.containers for e in c.events if isinstance(e, HttpApiGatewayEvent))

    @property
    def service_connect_ports(self) -> tuple[tuple[ContainerSpec, ServiceConnectEvent], ...]:
        return tuple((c, e) for c in self.containers for e in c.events if isinstance(e, ServiceConnectEvent))


def parse_container_workload(resource_name: str, raw: Mapping[str, Any]) -> ContainerWorkloadSpec:
    """Validate `ContainerWorkloadArgs` for the ContainerWorkload named `resource_name`."""
    reader = ArgReader(COMPONENT, resource_name)
    if not isinstance(raw, Mapping):
        raise reader.error("args", raw, "a dict of ContainerWorkloadArgs")
    raw = reader.mapping("", raw, FIELDS, ("containers", "resources"))
    check_aws_resource_name(reader)

    containers = tuple(
        parse_container(reader, f"containers[{i}]", item, resource_name)
        for i, item in enumerate(
            reader.items("containers", raw["containers"], "container dicts", non_empty=True)
        )
    )
    _check_names(reader, containers)
    _check_dependencies(reader, containers)
    _check_ports(reader, containers)
    _check_events(reader, containers)
    _check_http_api_target(reader, containers)
    if not any(c.essential for c in containers):
        raise reader.error(
            "containers",
            [c.name for c in containers],
            "at least one container with essential: true (ECS requires one per task)",
        )
    targets = load_balanced_targets(containers)

    remote_sessions = reader.boolean(
        "enable_remote_sessions", raw.get("enable_remote_sessions", DEFAULT_ENABLE_REMOTE_SESSIONS)
    )
    if remote_sessions:
        _check_writable_for_remote_sessions(reader, containers)
    cluster = raw.get("cluster")
    if cluster is not None:
        cluster = reader.reference("cluster", cluster, "a Cluster component object")
    return ContainerWorkloadSpec(
        resource_name=resource_name,
        containers=containers,
        resources=parse_resources(reader, raw["resources"]),
        scaling=parse_scaling(reader, raw.get("scaling")),
        deployment=_parse_deployment(reader, raw.get("deployment"), targets),
        connect_to=parse_connect_to(reader, raw.get("connect_to")),
        iam_role_statements=parse_iam_role_statements(reader, raw.get("iam_role_statements")),
        enable_remote_sessions=remote_sessions,
        use_private_subnets_with_nat=reader.boolean(
            "use_private_subnets_with_nat",
            raw.get("use_private_subnets_with_nat", DEFAULT_USE_PRIVATE_SUBNETS_WITH_NAT),
        ),
        cluster=cluster,
        load_balanced_targets=targets,
    )


def _check_writable_for_remote_sessions(reader: ArgReader, containers: tuple[ContainerSpec, ...]) -> None:
    """ECS Exec runs its SSM agent inside each container, writing to the root filesystem: on a
    read-only one the agent crashes (aws/containers-roadmap#1359)."""
    for index, container in enumerate(containers):
        if container.hardening.read_only_root_filesystem:
            raise reader.error(
                f"containers[{index}].read_only_root_filesystem",
                True,
                "false while enable_remote_sessions is true (ECS Exec's agent writes to the root filesystem)",
            )


def _check_names(reader: ArgReader, containers: tuple[ContainerSpec, ...]) -> None:
    seen: set[str] = set()
    for index, container in enumerate(containers):
        # Case-insensitive: names become DNS names and port names, which ignore case.
        if container.name.lower() in seen:
            raise reader.error(
                f"containers[{index}].name",
                container.name,
                "a name no other container of this workload uses (ignoring case)",
            )
        seen.add(container.name.lower())


def _check_dependencies(reader: ArgReader, containers: tuple[ContainerSpec, ...]) -> None:
    by_name = {c.name: c for c in containers}
    for index, container in enumerate(containers):
        for dep_index, dependency in enumerate(container.depends_on):
            field = f"containers[{index}].depends_on[{dep_index}]"
            others = [n for n in by_name if n != container.name]
            if dependency.container_name == container.name:
                raise reader.error(
                    f"{field}.container_name",
                    dependency.container_name,
                    "another container of this workload: " + (", ".join(others) or "(none)"),
                )
            target = by_name.get(dependency.container_name)
            if target is None:
                raise reader.error(
                    f"{field}.container_name",
                    dependency.container_name,
                    "another container of this workload: " + (", ".join(others) or "(none)"),
                )
            if dependency.condition in EXIT_CONDITIONS and target.essential:
                raise reader.error(
                    f"{field}.condition",
                    dependency.condition,
                    f"START or HEALTHY, or make '{target.name}' essential: false (ECS refuses "
                    f"{dependency.condition} on an essential container: the task stops when it exits)",
                )
            if dependency.condition == "HEALTHY" and target.internal_health_check is None:
                raise reader.error(
                    f"{field}.condition",
                    "HEALTHY",
                    f"START, COMPLETE or SUCCESS, or give "
                    f"'{target.name}' an internal_health_check (HEALTHY waits for it)",
                )
    cycle = _dependency_cycle(containers)
    if cycle:
        index = next(i for i, c in enumerate(containers) if c.name == cycle[0])
        raise reader.error(
            f"containers[{index}].depends_on",
            " -> ".join(cycle),
            "dependencies without a cycle (no container can start first)",
        )


def _dependency_cycle(containers: tuple[ContainerSpec, ...]) -> list[str]:
    edges = {c.name: [d.container_name for d in c.depends_on] for c in containers}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for after in edges.get(name, []):
            found = visit(after, [*path, name])
            if found:
                return found
        done.add(name)
        return []

    for container in containers:
        found = visit(container.name, [])
        if found:
            return found
    return []


def _check_ports(reader: ArgReader, containers: tuple[ContainerSpec, ...]) -> None:
    # Containers of one task share a network namespace (awsvpc), so a port belongs to one container.
    owner: dict[int, str] = {}
    for index, container in enumerate(containers):
        for event_index, event in enumerate(container.events):
            other = owner.setdefault(event.container_port, container.name)
            if other != container.name:
                raise reader.error(
                    f"containers[{index}].events[{event_index}].container_port",
                    event.container_port,
                    f"a port container '{other}' does not use (containers "
                    "of one workload share a network, like localhost)",
                )


def _check_events(reader: ArgReader, containers: tuple[ContainerSpec, ...]) -> None:
    """Uniqueness rules AWS enforces per load balancer listener, API route and service alias."""
    seen: dict[tuple[Any, ...], str] = {}

    def claim(key: tuple[Any, ...], field: str, value: Any, allowed: str) -> None:
        if key in seen:
            raise reader.error(field, value, f"{allowed} (already used by {seen[key]})")
        seen[key] = field

    for index, container in enumerate(containers):
        for event_index, event in enumerate(container.events):
            field = f"containers[{index}].events[{event_index}]"
            if isinstance(event, ApplicationLoadBalancerEvent):
                claim(
                    ("alb", id(event.load_balancer), event.listener_port, event.priority),
                    f"{field}.priority",
                    event.priority,
                    "a priority no other event uses on the same load balancer and listener",
                )
            elif isinstance(event, NetworkLoadBalancerEvent):
                claim(
                    ("nlb", id(event.load_balancer), event.listener_port),
                    f"{field}.listener_port",
                    event.listener_port,
                    "a listener no other event uses on the same network load balancer "
                    "(a listener forwards to one target)",
                )
            elif isinstance(event, HttpApiGatewayEvent):
                claim(
                    ("api", id(event.http_api_gateway), event.method, event.path),
                    f"{field}.path",
                    f"{event.method} {event.path}",
                    "a method and path no other event uses on the same gateway",
                )
            elif isinstance(event, ServiceConnectEvent):
                claim(
                    ("alias", event.alias),
                    f"{field}.alias",
                    event.alias,
                    "an alias no other service-connect event of this workload uses",
                )
                claim(
                    ("sc-port", event.container_port),
                    f"{field}.container_port",
                    event.container_port,
                    "a port no other service-connect event of this workload uses",
                )


def _check_http_api_target(reader: ArgReader, containers: tuple[ContainerSpec, ...]) -> None:
    """API Gateway reaches a workload through its one Cloud Map registration (ECS registers a service
    in one registry), which names one container port."""
    first: tuple[str, int] | None = None
    for index, container in enumerate(containers):
        for event_index, event in enumerate(container.events):
            if not isinstance(event, HttpApiGatewayEvent):
                continue
            target = (container.name, event.container_port)
            first = first or target
            if target != first:
                raise reader.error(
                    f"containers[{index}].events[{event_index}].container_port",
                    event.container_port,
                    f"port {first[1]} of container '{first[0]}', like the workload's other http-api-gateway "
                    "events (API Gateway reaches an ECS service through one Cloud Map registration)",
                )


def load_balanced_targets(containers: tuple[ContainerSpec, ...]) -> tuple[LoadBalancedTarget, ...]:
    """Group load balancer events by (balancer, container, port): each group is one target group."""
    groups: dict[
        tuple[str, int, str, int], list[ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent]
    ] = {}
    balancers: dict[tuple[str, int], tuple[int, ApplicationLoadBalancer | NetworkLoadBalancer]] = {}
    for container in containers:
        for event in container.events:
            if not isinstance(event, ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent):
                continue
            kind = "application" if isinstance(event, ApplicationLoadBalancerEvent) else "network"
            balancers.setdefault(
                (kind, id(event.load_balancer)), (sum(k == kind for k, _ in balancers), event.load_balancer)
            )
            groups.setdefault(
                (kind, id(event.load_balancer), container.name, event.container_port), []
            ).append(event)

    targets = []
    by_name = {c.name: c for c in containers}
    for (kind, balancer_id, name, port), events in groups.items():
        number, balancer = balancers[(kind, balancer_id)]
        given = by_name[name].load_balancer_health_check or LoadBalancerHealthCheckSpec()
        protocol = given.protocol or (
            DEFAULT_ALB_HEALTH_CHECK_PROTOCOL if kind == "application" else DEFAULT_NLB_HEALTH_CHECK_PROTOCOL
        )
        targets.append(
            LoadBalancedTarget(
                key=f"{name.lower()}-{port}-{kind[0]}lb{number}",
                kind=kind,
                load_balancer=balancer,
                container_name=name,
                container_port=port,
                health_check=LoadBalancerHealthCheckSpec(
                    path=given.path,
                    interval_seconds=given.interval_seconds,
                    timeout_seconds=given.timeout_seconds,
                    protocol=protocol,
                    port=given.port,
                ),
                events=tuple(events),
            )
        )
    return tuple(targets)


def _parse_deployment(
    reader: ArgReader,
    raw: Any,
    targets: tuple[LoadBalancedTarget, ...],
) -> DeploymentSpec | None:
    if raw is None:
        return None
    value = reader.mapping("deployment", raw, DEPLOYMENT_FIELDS, ("strategy",))
    strategy = reader.choice("deployment.strategy", value["strategy"], DEPLOYMENT_STRATEGIES)
    if not any(t.kind == "application" for t in targets):
        raise reader.error(
            "deployment",
            dict(value),
            "a deployment only for a workload with an "
            "application-load-balancer event (traffic shifting needs one)",
        )
    if len(targets) != 1:
        raise reader.error(
            "deployment",
            [t.key for t in targets],
            "load balancer events that all reach one "
            "container port through one Application Load Balancer (blue/green shifts one pair of "
            "target groups)",
        )
    test_port = value.get("test_listener_port")
    if test_port is not None:
        test_port = reader.port("deployment.test_listener_port", test_port)
        production = _production_listener_ports(targets[0])
        if test_port in production:
            raise reader.error(
                "deployment.test_listener_port",
                test_port,
                "a port other than the production "
                f"listener ports {', '.join(str(p) for p in sorted(production))}",
            )

    def hook(key: str) -> object | None:
        given = value.get(key)
        return (
            None
            if given is None
            else reader.input_value(f"deployment.{key}", given, "a Lambda function (object or ARN)")
        )

    return DeploymentSpec(
        strategy=strategy,
        before_allow_traffic_function=hook("before_allow_traffic_function"),
        after_traffic_shift_function=hook("after_traffic_shift_function"),
        test_listener_port=test_port,
    )


def _production_listener_ports(target: LoadBalancedTarget) -> set[int]:
    ports = {e.listener_port for e in target.events}
    named = {p for p in ports if p is not None}
    return named | set(DEFAULT_LISTENER_PORTS) if None in ports else named
