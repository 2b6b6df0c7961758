"""Application and Network Load Balancers on the ecs platform, in a Cluster's VPC.

An Application Load Balancer gets all its listeners here; each answers 404 until workloads add
listener rules (or redirects to HTTPS). A Network Load Balancer listener has a single action,
forwarding to one target group, so the workload whose event names a port creates that listener
from the spec here.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.platforms.ecs.cluster import ANYWHERE, cluster_network, egress_security_group
from components.platforms.ecs.names import short_aws_name
from components.spec.aws_names import LOAD_BALANCER_RESERVED_PREFIXES
from components.spec.load_balancers import HTTP_PORT, HTTPS_PORT, DomainSpec, ListenerSpec, LoadBalancerSpec

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
DEFAULT_PORTS = {"http": HTTP_PORT, "https": HTTPS_PORT}


@dataclass(frozen=True)
class LoadBalancerResources:
    load_balancer: aws.lb.LoadBalancer
    security_group: aws.ec2.SecurityGroup
    listeners: Mapping[int, aws.lb.Listener]
    """Application Load Balancers: every listener by port. Network ones: none (workloads own them)."""
    record: aws.route53.Record | None
    ingress_cidr: str
    """Who may connect: anyone, or (internal balancers) the VPC."""
    urls: Mapping[int, pulumi.Output[str]]
    """The URL of each listener, by port."""


def listener_url(listener: ListenerSpec, host: pulumi.Input[str]) -> pulumi.Output[str]:
    scheme = listener.protocol.lower()
    port = "" if DEFAULT_PORTS.get(scheme) == listener.port else f":{listener.port}"
    return pulumi.Output.concat(scheme, "://", host, port)


def create_load_balancer(
    parent: pulumi.Resource, spec: LoadBalancerSpec, cluster: Any
) -> LoadBalancerResources:
    vpc, settings = cluster_network(cluster)
    child = pulumi.ResourceOptions(parent=parent)
    name = spec.resource_name
    ingress_cidr = settings.vpc_cidr if spec.internal else ANYWHERE
    # Out to targets and health checks; what reaches the targets is up to their own groups.
    security_group = egress_security_group(
        f"{name}-sg", vpc.vpc_id, f"load balancer {name}", child, to_cidr=settings.vpc_cidr
    )
    for listener in spec.listeners:
        allow_port(f"{name}-in-{listener.port}", security_group, listener.port, ingress_cidr, child)
    load_balancer = aws.lb.LoadBalancer(
        f"{name}-lb",
        # Changing either replaces the balancer: the new one needs a new name to exist beside the old.
        name=short_aws_name(name, spec.kind, spec.internal, reserved=LOAD_BALANCER_RESERVED_PREFIXES),
        load_balancer_type=spec.kind,
        internal=spec.internal,
        subnets=vpc.private_subnet_ids if spec.internal else vpc.public_subnet_ids,
        security_groups=[security_group.id],
        opts=child,
    )
    listeners = (
        {
            listener.port: create_listener(
                f"{name}-{listener.port}", load_balancer, listener, _alb_default_action(listener), child
            )
            for listener in spec.listeners
        }
        if spec.kind == "application"
        else {}
    )
    record = (
        _alias_record(name, spec.domain, load_balancer, child)
        if spec.domain and spec.domain.zone_id
        else None
    )
    host = spec.domain.host if spec.domain else load_balancer.dns_name
    return LoadBalancerResources(
        load_balancer=load_balancer,
        security_group=security_group,
        listeners=listeners,
        record=record,
        ingress_cidr=ingress_cidr,
        urls={listener.port: listener_url(listener, host) for listener in spec.listeners},
    )


def allow_port(
    name: str,
    security_group: aws.ec2.SecurityGroup,
    port: int,
    cidr: str,
    opts: pulumi.ResourceOptions,
) -> aws.vpc.SecurityGroupIngressRule:
    return aws.vpc.SecurityGroupIngressRule(
        name,
        security_group_id=security_group.id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        cidr_ipv4=cidr,
        opts=opts,
    )


def create_listener(
    name: str,
    load_balancer: aws.lb.LoadBalancer,
    listener: ListenerSpec,
    action: aws.lb.ListenerDefaultActionArgs,
    opts: pulumi.ResourceOptions,
) -> aws.lb.Listener:
    """A listener answering with `action` unless a rule matches; TLS when the spec has a certificate."""
    return aws.lb.Listener(
        name,
        load_balancer_arn=load_balancer.arn,
        port=listener.port,
        protocol=listener.protocol,
        certificate_arn=listener.certificate_arn,
        ssl_policy=TLS_POLICY if listener.certificate_arn else None,
        default_actions=[action],
        opts=opts,
    )


def _alb_default_action(listener: ListenerSpec) -> aws.lb.ListenerDefaultActionArgs:
    if listener.forwards:
        return aws.lb.ListenerDefaultActionArgs(
            type="fixed-response",
            fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                content_type="text/plain", message_body="no route", status_code="404"
            ),
        )
    return aws.lb.ListenerDefaultActionArgs(
        type="redirect",
        redirect=aws.lb.ListenerDefaultActionRedirectArgs(
            port=str(listener.redirect_to_port), protocol="HTTPS", status_code="HTTP_301"
        ),
    )


def _alias_record(
    name: str, domain: DomainSpec, load_balancer: aws.lb.LoadBalancer, opts: pulumi.ResourceOptions
) -> aws.route53.Record:
    return aws.route53.Record(
        f"{name}-dns",
        zone_id=domain.zone_id,
        name=domain.host,
        type="A",
        aliases=[
            {"name": load_balancer.dns_name, "zone_id": load_balancer.zone_id, "evaluate_target_health": True}
        ],
        opts=opts,
    )
