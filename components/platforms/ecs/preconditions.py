"""Checks the ecs platform makes before a component registers anything, so bad input creates nothing.

The spec checks each component's own args; these check what only the objects it references can
tell: that an event's balancer is of the right kind and has the listener it names, that everything
lives in one cluster (one VPC), and what AWS refuses across them (one ALB rule per listener and
priority, one production listener for CodeDeploy, NAT for private subnets, ...).
"""

from typing import Any

from components.platforms.balancer_claims import Claim, balancer_claims, claim
from components.platforms.ecs.iam import SUPPORTED_TARGETS, connection, workload_spec
from components.platforms.http_api_claims import check_http_api_events
from components.render.ecs.load_balancer_rules import listener_ports
from components.spec.arg_reader import ArgReader
from components.spec.cluster import ClusterSpec, default_cluster_spec
from components.spec.container_workload.events import (
    ApplicationLoadBalancerEvent,
    HttpApiGatewayEvent,
    NetworkLoadBalancerEvent,
)
from components.spec.container_workload.workload import COMPONENT, ContainerWorkloadSpec, DeploymentSpec
from components.spec.image_reference import check_ecs_image_reference
from components.spec.platform import Platform

PLATFORM_FIELD = "containers:platform (stack config)"


def check_container_workload(spec: ContainerWorkloadSpec) -> Any:
    """Check what the workload references; return its cluster: `cluster`, else the one its balancers,
    gateways and connect_to workloads live in, else None for the default cluster (not created yet)."""
    reader = ArgReader(COMPONENT, spec.resource_name)
    clusters: list[tuple[str, Any]] = [("cluster", spec.cluster)] if spec.cluster is not None else []
    claims: list[Claim] = []
    for index, container in enumerate(spec.containers):
        if container.image is not None:
            check_ecs_image_reference(reader, f"containers[{index}].image", container.image)
        for event_index, event in enumerate(container.events):
            field = f"containers[{index}].events[{event_index}]"
            if isinstance(event, ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent):
                clusters.append((f"{field}.load_balancer", event.load_balancer.cluster))
                claims.extend(balancer_claims(reader, field, event))
            elif isinstance(event, HttpApiGatewayEvent):
                clusters.append((f"{field}.http_api_gateway", event.http_api_gateway.cluster))
                _check_authorizer(reader, f"{field}.authorizer", event)
    for index, target in enumerate(spec.connect_to):
        if connection(target) is None:
            raise reader.error(f"connect_to[{index}]", target, SUPPORTED_TARGETS)
        target_spec = workload_spec(target)
        if target_spec is not None:
            if not target_spec.service_connect_ports:
                raise reader.error(
                    f"connect_to[{index}]",
                    target,
                    "a ContainerWorkload with a service-connect event (nothing else is reachable)",
                )
            clusters.append((f"connect_to[{index}]", target.cluster))  # type: ignore[attr-defined]
    check_http_api_events(spec)
    cluster = _one_cluster(reader, clusters)
    settings = _settings(reader, cluster)
    if not spec.on_fargate and not spec.use_private_subnets_with_nat:
        # ECS gives an awsvpc task on EC2 no public IP (AssignPublicIp is Fargate's only): in a
        # public subnet it has no route out, so service connect, AWS APIs and the internet fail.
        raise reader.error(
            "use_private_subnets_with_nat",
            False,
            "true for a workload on EC2 (resources.instance_types), with a Cluster with nat_gateways "
            "'Single' or 'OnePerAz': ECS gives awsvpc tasks on EC2 no public IP, so only a private "
            "subnet's NAT route takes them out",
        )
    if spec.use_private_subnets_with_nat and not settings.has_nat:
        raise reader.error(
            "use_private_subnets_with_nat",
            True,
            "true only on a Cluster with nat_gateways 'Single' or 'OnePerAz' (private subnets reach ECR "
            "through NAT); pass such a cluster=",
        )
    if spec.deployment is not None:
        claims.extend(_check_deployment(reader, spec, spec.deployment))
    claim(reader, spec.resource_name, claims)
    return cluster


def _check_authorizer(reader: ArgReader, field: str, event: HttpApiGatewayEvent) -> None:
    user_pool = getattr(event.authorizer, "user_pool", None)
    if user_pool is not None and not hasattr(user_pool, "user_pool_id"):
        raise reader.error(
            f"{field}.user_pool",
            user_pool,
            "an aws.cognito.UserPoolClient (the JWT audience; its pool is the issuer)",
        )


def _one_cluster(reader: ArgReader, clusters: list[tuple[str, Any]]) -> Any:
    if not clusters:
        return None
    first_field, first = clusters[0]
    for field, cluster in clusters[1:]:
        if cluster is not first:
            raise reader.error(
                field,
                cluster,
                f"something in the same Cluster as {first_field} "
                "(one VPC: tasks, balancers and gateways must meet)",
            )
    return first


def _settings(reader: ArgReader, cluster: Any) -> ClusterSpec:
    if cluster is None:  # the default cluster, made without args when first needed
        return default_cluster_spec(Platform.ECS)
    settings = getattr(cluster, "resources", {}).get("settings")
    if not isinstance(settings, ClusterSpec):
        raise reader.error("cluster", cluster, "a Cluster created on the ecs platform")
    return settings


def _check_deployment(
    reader: ArgReader, spec: ContainerWorkloadSpec, deployment: DeploymentSpec
) -> list[Claim]:
    """Check what CodeDeploy needs; return the test listener's claim on the balancer, if any."""
    target = spec.load_balanced_targets[0]  # the spec allows a deployment with exactly one
    ports = sorted({port for event in target.events for port in listener_ports(event)})  # type: ignore[arg-type]
    if len(ports) != 1:
        raise reader.error(
            "deployment",
            f"listeners {', '.join(map(str, ports))}",
            "application-load-balancer events on one listener (CodeDeploy shifts one production listener): "
            "set listener_port",
        )
    if spec.service_connect_ports or spec.http_api_routes:
        raise reader.error(
            "deployment",
            deployment.strategy,
            "a deployment only without service-connect and http-api-gateway events (ECS services under "
            "CodeDeploy support neither service connect nor Cloud Map)",
        )
    balancer: Any = target.load_balancer
    test_port = deployment.test_listener_port
    if test_port is None:
        return []
    if balancer.spec.listener(test_port):
        raise reader.error(
            "deployment.test_listener_port",
            test_port,
            f"a port {balancer.pulumi_resource_name} has no listener on",
        )
    return [(balancer, (test_port, None), "deployment.test_listener_port")]
