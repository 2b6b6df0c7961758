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
from components.render.haproxy import ProxyBackend, ProxyRule, routes_fragment
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


def create_load_balancer(
    parent: pulumi.Resource, spec: LoadBalancerSpec, cluster: Any, config: StackConfig
) -> SimLoadBalancer:
    child = pulumi.ResourceOptions(parent=parent)
    name = spec.resource_name
    image = LocalImage(
        f"{name}-proxy-image", {"reference": config.sim_ingress_image, "labels": labels(name, "image")}, child
    )
    proxy = BalancerProxy(
        f"{name}-proxy",
        {
            "balancer": name,
            "name_prefix": dns_label(stack_label(), name, "proxy"),
            "network": cluster.resources["network"].name,
            "listeners": [listener.port for listener in spec.listeners],
            "mode": "http" if spec.kind == "application" else "tcp",
            "image_ref": image.image_ref,
            "labels": labels(name, "proxy"),
            "timeout_seconds": config.readiness_timeout_seconds,
        },
        child,
    )
    urls = {listener.port: proxy.urls.apply(_url_of(listener.port)) for listener in spec.listeners}
    return SimLoadBalancer(proxy, urls)


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
        ProxyRoutes(
            f"{spec.resource_name}-{balancer.spec.resource_name}-routes",
            {
                "balancer": balancer.spec.resource_name,
                "owner": spec.resource_name,
                "proxy": balancer.proxy.id,
                "listeners": [listener.port for listener in balancer.spec.listeners],
                "mode": "http" if balancer.spec.kind == "application" else "tcp",
                "stats_port": balancer.proxy.stats_port,
                "fragment": routes_fragment(rules, backends),
                "targets": [backend.name for backend in backends],
                "timeout_seconds": config.readiness_timeout_seconds,
            },
            pulumi.ResourceOptions(parent=parent, depends_on=tasks),
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
