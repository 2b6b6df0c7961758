"""Load balancers on sim: a `BalancerProxy` (HAProxy) per balancer, and what each workload adds to it.

An ApplicationLoadBalancer listens on every listener port (HTTPS listeners serve plain HTTP on sim);
a NetworkLoadBalancer forwards TCP on each listener to the one workload whose event names it (TLS
listeners pass TCP through on sim);
each workload's application-load-balancer events become `ProxyRoutes`: its rules, rendered from the
same ELBv2 conditions the AWS listener rules get, and a backend per target (container and port),
whose instances answer to a network alias and are checked as the target group checks them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.platforms.names import dns_label, stack_label
from components.platforms.sim.labels import labels
from components.render.ecs.load_balancer_rules import listener_ports, rule_conditions
from components.render.haproxy import ALB_NO_ROUTE, NLB_NO_ROUTE, ProxyBackend, ProxyRule, routes_fragment
from components.spec.container_workload.events import ApplicationLoadBalancerEvent
from components.spec.container_workload.workload import ContainerWorkloadSpec, LoadBalancedTarget
from components.spec.load_balancers import LoadBalancerSpec
from components.spec.stack_config import StackConfig
from sim_provider.image import LocalImage
from sim_provider.proxy import BalancerProxy, ProxyRoutes


@dataclass(frozen=True)
class SimLoadBalancer:
    proxy: BalancerProxy
    urls: Mapping[int, pulumi.Output[str]]
    """Listener port -> http://127.0.0.1:<stable host port>."""
    settings: Mapping[str, Any]
    """What every `ProxyRoutes` on this proxy renders the whole configuration with."""


def create_proxy(
    parent: pulumi.Resource,
    name: str,
    listeners: list[int],
    mode: str,
    no_route: str,
    cluster: Any,
    config: StackConfig,
) -> SimLoadBalancer:
    """The HAProxy container of a balancer or gateway `name`, answering `no_route` until routes come."""
    child = pulumi.ResourceOptions(parent=parent)
    image = LocalImage(
        f"{name}-proxy-image", {"reference": config.sim_ingress_image, "labels": labels(name, "image")}, child
    )
    settings = {"balancer": name, "listeners": listeners, "mode": mode, "no_route": no_route}
    proxy = BalancerProxy(
        f"{name}-proxy",
        {
            **settings,
            "name_prefix": dns_label(stack_label(), name, "proxy"),
            "network": cluster.resources["network"].name,
            "image_ref": image.image_ref,
            "labels": labels(name, "proxy"),
            "timeout_seconds": config.readiness_timeout_seconds,
        },
        child,
    )
    urls = {port: proxy.urls.apply(_url_of(port)) for port in listeners}
    return SimLoadBalancer(proxy, urls, settings)


def create_load_balancer(
    parent: pulumi.Resource, spec: LoadBalancerSpec, cluster: Any, config: StackConfig
) -> SimLoadBalancer:
    application = spec.kind == "application"
    return create_proxy(
        parent,
        spec.resource_name,
        [listener.port for listener in spec.listeners],
        "http" if application else "tcp",
        ALB_NO_ROUTE if application else NLB_NO_ROUTE,
        cluster,
        config,
    )


def add_routes(
    parent: pulumi.Resource,
    owner: str,
    proxy: SimLoadBalancer,
    fragment: dict[str, Any],
    backends: list[ProxyBackend],
    tasks: list[Any],
    config: StackConfig,
) -> ProxyRoutes:
    """A workload's rules and backends on one proxy, added once its tasks exist."""
    return ProxyRoutes(
        f"{owner}-{proxy.settings['balancer']}-routes",
        {
            **proxy.settings,
            "owner": owner,
            "proxy": proxy.proxy.id,
            "stats_port": proxy.proxy.stats_port,
            "fragment": fragment,
            "targets": [backend.name for backend in backends],
            "timeout_seconds": config.readiness_timeout_seconds,
        },
        pulumi.ResourceOptions(parent=parent, depends_on=tasks),
    )


def _url_of(port: int) -> Callable[[dict[str, str]], str]:
    return lambda urls: (urls or {}).get(str(port), "")


def target_alias(workload: str, target: LoadBalancedTarget) -> str:
    """The network alias every instance of `workload` answers to for one target group."""
    return dns_label(workload, target.container_name, str(target.container_port), "targets")


def _backend_name(target: LoadBalancedTarget) -> str:
    return dns_label(target.key).replace("-", "_")


def attach_to_balancers(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    tasks: list[Any],
    config: StackConfig,
) -> list[pulumi.Output[str]]:
    """Each balancer the workload's events name gets its `ProxyRoutes`; returns the URLs."""
    by_balancer: dict[int, list[LoadBalancedTarget]] = {}
    for target in spec.load_balanced_targets:
        by_balancer.setdefault(id(target.load_balancer), []).append(target)
    urls: list[pulumi.Output[str]] = []
    for targets in by_balancer.values():
        balancer: Any = targets[0].load_balancer
        backends = [
            ProxyBackend(
                name=f"{dns_label(spec.resource_name).replace('-', '_')}__{_backend_name(target)}",
                alias=target_alias(spec.resource_name, target),
                port=target.container_port,
                health_check_path=(
                    target.health_check.path if target.health_check.protocol == "HTTP" else None
                ),
                interval_seconds=target.health_check.interval_seconds,
                mode="http" if target.kind == "application" else "tcp",
            )
            for target in targets
        ]
        rules = [
            rule
            for target, backend in zip(targets, backends, strict=True)
            for event in target.events
            for rule in _rules(event, backend.name)
        ]
        add_routes(
            parent,
            spec.resource_name,
            balancer.sim,
            routes_fragment(rules, backends),
            backends,
            tasks,
            config,
        )
        ports = {port for target in targets for event in target.events for port in _event_ports(event)}
        urls += [balancer.listener_urls[port] for port in sorted(ports)]
    return urls


def _rules(event: Any, backend: str) -> list[ProxyRule]:
    """ALB events: a rule per listener; NLB events: the whole listener (priority 0, no conditions)."""
    if isinstance(event, ApplicationLoadBalancerEvent):
        conditions = rule_conditions(event)
        return [ProxyRule(port, event.priority, conditions, backend) for port in listener_ports(event)]
    return [ProxyRule(event.listener_port, 0, [], backend)]


def _event_ports(event: Any) -> tuple[int, ...]:
    if isinstance(event, ApplicationLoadBalancerEvent):
        return listener_ports(event)
    return (event.listener_port,)
