"""`HttpApiGateway`: Stacktape's http-api-gateway, passed by object in a ContainerWorkload's events.

ecs: an API Gateway HTTP API with a VPC link into a Cluster's VPC (`cluster=`, else the default
cluster). sim: an HAProxy container on 127.0.0.1 routing as API Gateway routes
(`platforms.sim.http_api_gateway`).
"""

from typing import Any, TypedDict

import pulumi

from components.cluster import Cluster, default_cluster
from components.load_balancers import CustomDomainArgs
from components.platforms import platform_package, require_platform
from components.spec.load_balancers import parse_http_api_gateway
from components.spec.platform import Platform
from components.spec.stack_config import read_stack_config

COMPONENT = "HttpApiGateway"


class HttpApiGatewayArgs(TypedDict, total=False):
    certificate_arn: str
    """ACM certificate (in the stack's region) for `domain`, which needs one. Default: none."""
    domain: CustomDomainArgs
    """A custom host for the API, served over TLS (needs `certificate_arn`). Default: none."""
    cluster: Cluster
    """The Cluster whose VPC the API reaches into. Default: the program's default cluster."""


class HttpApiGateway(pulumi.ComponentResource):
    """An HTTP API whose routes (added by workload events) reach containers through a VPC link."""

    url: pulumi.Output[str]
    """e.g. 'https://abc123.execute-api.us-east-1.amazonaws.com', or 'https://HOST' with a domain;
    sim: 'http://127.0.0.1:<stable port>'."""

    pulumi_type = "containers:index:HttpApiGateway"
    """Its type token; other languages pass it by reference (the component provider's schema)."""

    def __init__(
        self, name: str, args: HttpApiGatewayArgs | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        spec = parse_http_api_gateway(name, args)
        platform = require_platform(COMPONENT, name, (Platform.ECS, Platform.SIM))
        super().__init__(f"containers:index:{COMPONENT}", name, {}, opts)
        self.spec = spec
        self.cluster: Cluster = spec.cluster or default_cluster()
        self.claims: dict[str, str] = {}
        """Route key -> the workload holding it; workloads claim theirs before creating anything, so
        two never collide (API Gateway refuses a duplicate route key)."""
        # Escape hatches, each None on the platform that does not make it.
        self.api: Any = None
        self.stage: Any = None
        self.vpc_link: Any = None
        self.security_group: Any = None
        self.domain_name: Any = None
        self.record: Any = None
        self.proxy: Any = None
        self.sim: Any = None
        if platform == Platform.SIM:
            config = read_stack_config(COMPONENT, name)
            self.sim = platform_package(Platform.SIM).create_http_api(self, spec, self.cluster, config)
            """sim: the proxy and the settings workloads add their routes with."""
            self.proxy = self.sim.proxy
            """sim: the gateway's HAProxy container (`sim_provider.proxy.BalancerProxy`)."""
            self.url = self.sim.urls[next(iter(self.sim.urls))]
        else:
            self._on_ecs(spec)
        self.register_outputs({"url": self.url})

    def _on_ecs(self, spec: Any) -> None:
        from components.platforms.ecs.http_api_gateway import create_http_api

        made = create_http_api(self, spec, self.cluster)
        self.api = made.api
        """Escape hatch: the `aws.apigatewayv2.Api`."""
        self.stage = made.stage
        """Escape hatch: its `$default` `aws.apigatewayv2.Stage` (deploys every change)."""
        self.vpc_link = made.vpc_link
        """Escape hatch: the `aws.apigatewayv2.VpcLink` into the cluster's private subnets."""
        self.security_group = made.security_group
        """Escape hatch: the VPC link's `aws.ec2.SecurityGroup`; workloads admit it."""
        self.domain_name = made.domain_name
        self.record = made.record
        self.url = made.url
