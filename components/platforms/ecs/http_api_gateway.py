"""An HTTP API (API Gateway v2) on the ecs platform, reaching workloads in a Cluster's VPC.

The API has one `$default` stage that deploys every change, and one VPC link into the cluster's
private subnets; workloads add their own integrations and routes (`http_api_routes`).
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.platforms.ecs.cluster import cluster_network, egress_security_group
from components.spec.load_balancers import HttpApiGatewaySpec

TLS_POLICY = "TLS_1_2"


@dataclass(frozen=True)
class GatewayResources:
    api: aws.apigatewayv2.Api
    stage: aws.apigatewayv2.Stage
    vpc_link: aws.apigatewayv2.VpcLink
    security_group: aws.ec2.SecurityGroup
    """Carried by the VPC link; workloads admit it on the ports their routes reach."""
    domain_name: aws.apigatewayv2.DomainName | None
    record: aws.route53.Record | None
    url: pulumi.Output[str]


def create_http_api(parent: pulumi.Resource, spec: HttpApiGatewaySpec, cluster: Any) -> GatewayResources:
    vpc, settings = cluster_network(cluster)
    child = pulumi.ResourceOptions(parent=parent)
    name = spec.resource_name
    api = aws.apigatewayv2.Api(f"{name}-api", protocol_type="HTTP", opts=child)
    stage = aws.apigatewayv2.Stage(
        f"{name}-stage", api_id=api.id, name="$default", auto_deploy=True, opts=child
    )
    security_group = egress_security_group(
        f"{name}-link-sg",
        vpc.vpc_id,
        f"VPC link of HTTP API {name}",
        child,
        to_cidr=settings.vpc_cidr,
        protocol="tcp",
    )
    vpc_link = aws.apigatewayv2.VpcLink(
        f"{name}-link",
        subnet_ids=vpc.private_subnet_ids,
        security_group_ids=[security_group.id],
        opts=child,
    )
    domain_name = record = None
    url: pulumi.Output[str] = api.api_endpoint
    if spec.domain is not None:
        domain_name = aws.apigatewayv2.DomainName(
            f"{name}-domain",
            domain_name=spec.domain.host,
            domain_name_configuration=aws.apigatewayv2.DomainNameDomainNameConfigurationArgs(
                # The spec refuses a domain without a certificate (API Gateway serves it over TLS only).
                certificate_arn=spec.certificate_arn or "",
                endpoint_type="REGIONAL",
                security_policy=TLS_POLICY,
            ),
            opts=child,
        )
        aws.apigatewayv2.ApiMapping(
            f"{name}-mapping", api_id=api.id, domain_name=domain_name.id, stage=stage.id, opts=child
        )
        url = pulumi.Output.from_input(f"https://{spec.domain.host}")
        if spec.domain.zone_id is not None:
            target = domain_name.domain_name_configuration
            record = aws.route53.Record(
                f"{name}-dns",
                zone_id=spec.domain.zone_id,
                name=spec.domain.host,
                type="A",
                aliases=[
                    {
                        "name": target.target_domain_name,
                        "zone_id": target.hosted_zone_id,
                        "evaluate_target_health": False,
                    }
                ],
                opts=child,
            )
    return GatewayResources(
        api=api,
        stage=stage,
        vpc_link=vpc_link,
        security_group=security_group,
        domain_name=domain_name,
        record=record,
        url=url,
    )
