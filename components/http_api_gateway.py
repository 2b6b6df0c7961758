"""`HttpApiGateway`: Stacktape's http-api-gateway, passed by object in a ContainerWorkload's events.

An API Gateway HTTP API with a VPC link into a Cluster's VPC (`cluster=`, else the default cluster).
"""

from typing import TypedDict

import pulumi

from components.cluster import Cluster, default_cluster
from components.load_balancers import CustomDomainArgs
from components.platforms.ecs.http_api_gateway import create_http_api
from components.platforms.ecs.preconditions import require_ecs_platform
from components.spec.load_balancers import parse_http_api_gateway

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
    """e.g. 'https://abc123.execute-api.us-east-1.amazonaws.com', or 'https://HOST' with a domain."""

    pulumi_type = "containers:index:HttpApiGateway"
    """Its type token; other languages pass it by reference (the component provider's schema)."""

    def __init__(
        self, name: str, args: HttpApiGatewayArgs | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        spec = parse_http_api_gateway(name, args)
        require_ecs_platform(COMPONENT, name)
        super().__init__(f"containers:index:{COMPONENT}", name, {}, opts)
        self.spec = spec
        self.cluster: Cluster = spec.cluster or default_cluster()
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
        self.register_outputs({"url": self.url})
