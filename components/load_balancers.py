"""`ApplicationLoadBalancer` and `NetworkLoadBalancer`: Stacktape's load balancers, passed by object
in a ContainerWorkload's events. They live in a Cluster's VPC (`cluster=`, else the default cluster).
"""

from typing import Any, NotRequired, TypedDict

import pulumi

from components.cluster import Cluster, default_cluster
from components.platforms import platform_package, require_platform
from components.spec.load_balancers import (
    LoadBalancerSpec,
    parse_application_load_balancer,
    parse_network_load_balancer,
)
from components.spec.platform import Platform
from components.spec.stack_config import read_stack_config


class ListenerArgs(TypedDict):
    port: int
    """The port it accepts traffic on, unique in the balancer."""
    protocol: str
    """Application: 'HTTP' or 'HTTPS'. Network: 'TCP' or 'TLS'."""
    certificate_arn: NotRequired[str]
    """ACM certificate for an HTTPS/TLS listener. Default: the balancer's `certificate_arn`."""


class CustomDomainArgs(TypedDict):
    host: str
    """e.g. 'api.example.com'; URLs use it instead of the AWS-made DNS name."""
    zone_id: NotRequired[str]
    """Route 53 hosted zone to create the host's alias record in; without it, point DNS yourself.
    Default: none."""


class ApplicationLoadBalancerArgs(TypedDict, total=False):
    listeners: list[ListenerArgs]
    """The ports and protocols it accepts. Default: HTTP on 80; with `certificate_arn`, HTTPS on 443
    and 80 redirecting to it."""
    certificate_arn: str
    """ACM certificate for HTTPS listeners that name none, and for the default ones. Default: none."""
    domain: CustomDomainArgs
    """A custom host the balancer's URLs use. Default: none."""
    internal: bool
    """Reachable only from inside the VPC instead of from the internet. Default: false."""
    cluster: Cluster
    """The Cluster whose VPC it lives in. Default: the program's default cluster."""


class NetworkLoadBalancerArgs(TypedDict):
    listeners: list[ListenerArgs]
    """Each port a workload event forwards to one container port."""
    certificate_arn: NotRequired[str]
    """ACM certificate for TLS listeners that name none. Default: none."""
    domain: NotRequired[CustomDomainArgs]
    """A custom host the balancer's URLs use. Default: none."""
    internal: NotRequired[bool]
    """Reachable only from inside the VPC instead of from the internet. Default: false."""
    cluster: NotRequired[Cluster]
    """The Cluster whose VPC it lives in. Default: the program's default cluster."""


class _LoadBalancer(pulumi.ComponentResource):
    """What both kinds share: a balancer, its security group, listeners, and a URL per listener."""

    url: pulumi.Output[str]
    """URL of the first listener, e.g. 'http://my-lb-123.us-east-1.elb.amazonaws.com'."""
    dns_name: pulumi.Output[str]
    """The DNS name AWS gave the balancer."""

    def __init__(self, component: str, spec: LoadBalancerSpec, opts: pulumi.ResourceOptions | None) -> None:
        platform = require_platform(component, spec.resource_name, (Platform.ECS, Platform.SIM))
        super().__init__(f"containers:index:{component}", spec.resource_name, {}, opts)
        self.spec = spec
        """The validated args, read by the workloads that attach to this balancer."""
        self.cluster: Cluster = spec.cluster or default_cluster()
        self.claims: dict[tuple[int, int | None], str] = {}
        """(listener port, rule priority, or None for a whole listener) -> the workload holding it;
        workloads claim theirs before creating anything, so two never collide in AWS."""
        # Escape hatches, each None (or empty) on the platform that does not make it.
        self.load_balancer: Any = None
        self.security_group: Any = None
        self.record: Any = None
        self.proxy: Any = None
        self.sim: Any = None
        if platform == Platform.SIM:
            self._on_sim(spec)
        else:
            self._on_ecs(spec)
        self.register_outputs({"url": self.url, "dns_name": self.dns_name})

    def _on_ecs(self, spec: LoadBalancerSpec) -> None:
        from components.platforms.ecs.load_balancers import create_load_balancer

        made = create_load_balancer(self, spec, self.cluster)
        self.load_balancer = made.load_balancer
        """Escape hatch: the `aws.lb.LoadBalancer`."""
        self.security_group = made.security_group
        """Escape hatch: the balancer's `aws.ec2.SecurityGroup`; targets admit it."""
        self.listeners = made.listeners
        """Escape hatch: `aws.lb.Listener` by port (application balancers; a network balancer's
        listeners belong to the workloads whose events name them)."""
        self.record = made.record
        """Escape hatch: the Route 53 alias record of `domain`, if a zone was given."""
        self.ingress_cidr = made.ingress_cidr
        self.listener_urls = made.urls
        """URL of each listener, by port."""
        self.url = made.urls[spec.listeners[0].port]
        self.dns_name = made.load_balancer.dns_name

    def _on_sim(self, spec: LoadBalancerSpec) -> None:
        config = read_stack_config(type(self).__name__, spec.resource_name)
        made = platform_package(Platform.SIM).create_load_balancer(self, spec, self.cluster, config)
        self.sim = made
        """sim: the proxy and the settings workloads add their routes with."""
        self.proxy = made.proxy
        """sim: the balancer's HAProxy container (`sim_provider.proxy.BalancerProxy`)."""
        self.listeners = {}
        self.ingress_cidr = "127.0.0.1/32"
        self.listener_urls = made.urls
        self.url = made.urls[spec.listeners[0].port]
        self.dns_name = pulumi.Output.from_input("127.0.0.1")


class ApplicationLoadBalancer(_LoadBalancer):
    """An internet-facing (or internal) Application Load Balancer; events add listener rules to it."""

    pulumi_type = "containers:index:ApplicationLoadBalancer"
    """Its type token; other languages pass it by reference (the component provider's schema)."""

    def __init__(
        self,
        name: str,
        args: ApplicationLoadBalancerArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ApplicationLoadBalancer", parse_application_load_balancer(name, args), opts)


class NetworkLoadBalancer(_LoadBalancer):
    """A Network Load Balancer; each event forwards one of its listeners to a container port."""

    pulumi_type = "containers:index:NetworkLoadBalancer"
    """Its type token; other languages pass it by reference (the component provider's schema)."""

    def __init__(
        self, name: str, args: NetworkLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("NetworkLoadBalancer", parse_network_load_balancer(name, args), opts)
