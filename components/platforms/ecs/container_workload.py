"""The ecs platform's ContainerWorkload: one ECS service running the workload's task definition.

The parts live in the package's other modules, one idea each: the task (`task`), its IAM roles and
`connect_to` (`iam`), networking (`service_network`), load balancer target groups and rules
(`load_balancer_targets`), HTTP API routes (`http_api_routes`), EC2 capacity (`ec2_capacity`),
autoscaling (`scaling`) and CodeDeploy blue/green (`blue_green`). This module wires them to the service.
"""

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from aws_provider.ecs_rollout import EcsServiceRollout
from components.platforms.aws.credentials import credentials
from components.platforms.ecs.aws_inputs import snake_keys
from components.platforms.ecs.blue_green import BlueGreen, create_blue_green
from components.platforms.ecs.cluster import cluster_network
from components.platforms.ecs.ec2_capacity import Ec2Capacity, create_ec2_capacity
from components.platforms.ecs.http_api_routes import HttpApiRouting, attach_http_apis
from components.platforms.ecs.iam import Access, create_task_role
from components.platforms.ecs.load_balancer_targets import LoadBalancing, attach_load_balancers
from components.platforms.ecs.scaling import Scaling, create_scaling
from components.platforms.ecs.service_network import ServiceNetwork, create_service_network
from components.platforms.ecs.task import TaskResources, create_task
from components.platforms.secret_args import ECS_RULE, refusing_secret
from components.platforms.service_connect import service_connect_urls
from components.render.ecs.service import (
    deployment_configuration,
    network_configuration,
    service_connect_configuration,
)
from components.spec.container_workload.compute import Ec2Resources
from components.spec.container_workload.containers import ContainerSpec
from components.spec.container_workload.workload import COMPONENT, ContainerWorkloadSpec
from components.spec.errors import InvalidArgumentError

# Time a new task gets before load balancer health checks count, so a slow start is not a failure.
HEALTH_CHECK_GRACE_SECONDS = 60


@dataclass(frozen=True)
class ContainerWorkloadResources:
    service: aws.ecs.Service
    task: TaskResources
    access: Access
    network: ServiceNetwork
    load_balancing: LoadBalancing
    http_api: HttpApiRouting | None
    capacity: Ec2Capacity | None
    scaling: Scaling
    blue_green: BlueGreen | None
    steady: EcsServiceRollout | None
    """Rolling deployments: fails `pulumi up` unless the service runs the new task definition."""
    cluster_name: pulumi.Output[str]
    urls: tuple[pulumi.Output[str], ...]
    """Where the workload is reachable from outside: its load balancer listeners and HTTP APIs."""
    internal_urls: Mapping[str, pulumi.Output[str]]
    """Service-connect alias -> URL other workloads of the cluster use. Known once the service exists:
    a workload given one (e.g. in env) starts after this service, when its alias resolves."""


def deploy_container_workload(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, cluster: Any
) -> ContainerWorkloadResources:
    vpc, _ = cluster_network(cluster)
    namespace = cluster.resources["namespace"]
    service_network = create_service_network(parent, spec, cluster)
    capacity = (
        create_ec2_capacity(parent, spec, spec.resources, cluster, service_network.subnet_ids)
        if isinstance(spec.resources, Ec2Resources)
        else None
    )
    ecs_cluster: aws.ecs.Cluster = capacity.ecs_cluster if capacity else cluster.resources["ecs_cluster"]
    access = create_task_role(parent, spec)
    spec = _refusing_secret_args(spec)
    task = create_task(
        parent, spec, access.role, access.environment, capacity.instance_memory_mib if capacity else None
    )
    load_balancing = attach_load_balancers(
        parent, spec, vpc.vpc_id, traffic_shifted=spec.deployment is not None
    )
    http_api = attach_http_apis(parent, spec, namespace) if spec.http_api_routes else None
    service = _service(
        parent,
        spec,
        ecs_cluster,
        namespace,
        task,
        access,
        service_network,
        load_balancing,
        http_api,
        capacity,
    )
    scaling = create_scaling(parent, spec, ecs_cluster.name, service.name)
    blue_green = None
    if spec.deployment is not None:
        blue = load_balancing.target_groups[spec.load_balanced_targets[0].key]
        assert load_balancing.green_target_group and load_balancing.production_target_group  # traffic_shifted
        blue_green = create_blue_green(
            parent,
            spec,
            spec.deployment,
            cluster_name=ecs_cluster.name,
            service=service,
            service_network=service_network,
            blue=blue,
            green=load_balancing.green_target_group,
            live=load_balancing.production_target_group.arn,
            production_listener=load_balancing.production_listeners[0],
            task_definition_arn=task.task_definition.arn,
        )
    steady = (
        EcsServiceRollout(
            f"{spec.resource_name}-steady",
            cluster_name=ecs_cluster.name,
            service_name=service.name,
            task_definition_arn=task.task_definition.arn,
            credentials=credentials(parent),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[service]),
        )
        if blue_green is None
        else None
    )
    return ContainerWorkloadResources(
        service=service,
        task=task,
        access=access,
        network=service_network,
        load_balancing=load_balancing,
        http_api=http_api,
        capacity=capacity,
        scaling=scaling,
        blue_green=blue_green,
        steady=steady,
        cluster_name=ecs_cluster.name,
        urls=load_balancing.urls + (http_api.urls if http_api else ()),
        internal_urls=after_service(steady or service, service_connect_urls(spec)),
    )


def after_service(
    service: aws.ecs.Service | EcsServiceRollout, urls: Mapping[str, str]
) -> dict[str, pulumi.Output[str]]:
    """`urls` as Outputs of `service` (or its rollout): whatever takes one depends on it."""
    return {alias: service.id.apply(_constant(url)) for alias, url in urls.items()}


def _constant(value: str) -> Callable[[str], str]:
    return lambda _: value


def _servers(spec: ContainerWorkloadSpec) -> list[aws.ecs.Service]:
    """The ECS services of the workloads `connect_to` names (service connect servers)."""
    services = [getattr(target, "service", None) for target in spec.connect_to]
    return [service for service in services if isinstance(service, aws.ecs.Service)]


def _service(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    ecs_cluster: aws.ecs.Cluster,
    namespace: aws.servicediscovery.PrivateDnsNamespace,
    task: TaskResources,
    access: Access,
    service_network: ServiceNetwork,
    load_balancing: LoadBalancing,
    http_api: HttpApiRouting | None,
    capacity: Ec2Capacity | None,
) -> aws.ecs.Service:
    codedeploy = spec.deployment is not None
    # The autoscaling target owns the desired count. Under CODE_DEPLOY, UpdateService refuses a new
    # task definition, load balancer or network configuration: each deployment's AppSpec carries
    # them (blue_green), and CodeDeploy owns the target group the service is on between deployments.
    ignored = [
        "desiredCount",
        *(["taskDefinition", "loadBalancers", "networkConfiguration"] if codedeploy else []),
    ]
    awsvpc = network_configuration(spec, [], [])["awsvpcConfiguration"]
    rolling = deployment_configuration(spec) if not codedeploy else None
    return aws.ecs.Service(
        f"{spec.resource_name}-service",
        cluster=ecs_cluster.arn,
        task_definition=task.task_definition.arn,
        desired_count=spec.scaling.min_instances,
        launch_type="FARGATE" if capacity is None else None,
        capacity_provider_strategies=(
            [
                aws.ecs.ServiceCapacityProviderStrategyArgs(
                    capacity_provider=capacity.capacity_provider.name, weight=1
                )
            ]
            if capacity
            else None
        ),
        # Stacktape packs as many workload instances onto each EC2 instance as fit.
        ordered_placement_strategies=(
            [aws.ecs.ServiceOrderedPlacementStrategyArgs(type="binpack", field="memory")]
            if capacity
            else None
        ),
        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=service_network.subnet_ids,
            security_groups=service_network.security_group_ids,
            assign_public_ip=awsvpc["assignPublicIp"] == "ENABLED",
        ),
        load_balancers=[
            aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=load_balancing.target_groups[target.key].arn,
                container_name=target.container_name,
                container_port=target.container_port,
            )
            for target in spec.load_balanced_targets
        ],
        health_check_grace_period_seconds=HEALTH_CHECK_GRACE_SECONDS if spec.load_balanced_targets else None,
        # CodeDeploy's controller supports neither service connect nor Cloud Map registration.
        service_connect_configuration=None if codedeploy else _service_connect(spec, namespace),
        service_registries=(
            aws.ecs.ServiceServiceRegistriesArgs(
                registry_arn=http_api.discovery_service.arn,
                container_name=http_api.container_name,
                container_port=http_api.container_port,
            )
            if http_api
            else None
        ),
        deployment_controller=aws.ecs.ServiceDeploymentControllerArgs(
            type="CODE_DEPLOY" if codedeploy else "ECS"
        ),
        deployment_circuit_breaker=(
            aws.ecs.ServiceDeploymentCircuitBreakerArgs(**snake_keys(rolling["deploymentCircuitBreaker"]))
            if rolling
            else None
        ),
        deployment_maximum_percent=rolling["maximumPercent"] if rolling else None,
        deployment_minimum_healthy_percent=rolling["minimumHealthyPercent"] if rolling else None,
        enable_execute_command=spec.enable_remote_sessions,
        propagate_tags="SERVICE",
        opts=pulumi.ResourceOptions(
            parent=parent,
            ignore_changes=ignored,
            # Nor does it take a new enableExecuteCommand (UpdateService's reference lists what it
            # updates under CODE_DEPLOY), and no AppSpec carries it: toggling remote sessions
            # replaces the service (auto-named, so the new one is created before the old goes).
            replace_on_changes=["enableExecuteCommand"] if codedeploy else None,
            # Rules and listeners first: ECS checks that a target group is attached to a balancer.
            depends_on=[
                *load_balancing.listener_rules,
                *load_balancing.listeners,
                *service_network.ingress_rules,
                # A task mounts its file systems as it starts: NFS must be open by then.
                *service_network.efs_access,
                *([access.policy] if access.policy else []),
                *([capacity.cluster_capacity_providers] if capacity else []),
                # Service connect clients resolve their servers' aliases only once those exist.
                *_servers(spec),
            ],
        ),
    )


def _service_connect(
    spec: ContainerWorkloadSpec, namespace: aws.servicediscovery.PrivateDnsNamespace
) -> aws.ecs.ServiceServiceConnectConfigurationArgs:
    """Every workload is a service connect client (it can call the others' aliases); its
    service-connect events make it a server too. The namespace comes from Pulumi."""
    rendered = service_connect_configuration(spec, namespace="")
    connect = aws.ecs
    return connect.ServiceServiceConnectConfigurationArgs(
        enabled=rendered["enabled"],
        namespace=namespace.arn,
        services=[
            connect.ServiceServiceConnectConfigurationServiceArgs(
                port_name=entry["portName"],
                discovery_name=entry["discoveryName"],
                client_alias=[
                    connect.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                        port=alias["port"], dns_name=alias["dnsName"]
                    )
                    for alias in entry["clientAliases"]
                ],
            )
            for entry in rendered.get("services", [])
        ]
        or None,
    )


def _refusing_secret_args(spec: ContainerWorkloadSpec) -> ContainerWorkloadSpec:
    """`spec` whose Output args fail the update if secret (the task definition shows its command)."""

    def refused(field: str) -> InvalidArgumentError:
        return InvalidArgumentError(COMPONENT, spec.resource_name, field, "[secret]", ECS_RULE)

    def checked(index: int, container: ContainerSpec) -> ContainerSpec:
        args = tuple(
            arg
            if isinstance(arg, str)
            else refusing_secret(arg, functools.partial(refused, f"containers[{index}].args[{position}]"))
            for position, arg in enumerate(container.args)
        )
        return dataclasses.replace(container, args=args)

    return dataclasses.replace(
        spec, containers=tuple(checked(index, c) for index, c in enumerate(spec.containers))
    )
