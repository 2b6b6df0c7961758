"""`ContainerWorkload`: Stacktape's multi-container workload (several containers per instance, load
balancers, HTTP APIs, service connect, autoscaling, CodeDeploy blue/green, IAM links) on ECS.

Every resource it creates is its child, so Pulumi `transforms` given in `opts` reach all of them.
"""

from typing import Any

import pulumi

from components.cluster import default_cluster
from components.platforms import platform_package, require_platform
from components.spec.container_workload.args import ContainerWorkloadArgs
from components.spec.container_workload.workload import (
    COMPONENT,
    ContainerWorkloadSpec,
    parse_container_workload,
)
from components.spec.platform import Platform
from components.spec.stack_config import read_stack_config

__all__ = ["ContainerWorkload", "ContainerWorkloadArgs"]


class ContainerWorkload(pulumi.ComponentResource):
    """Containers run together as tasks: an ECS service (Fargate or EC2), or local Docker on sim."""

    url: pulumi.Output[str | None]
    """The first of `urls`; None when nothing outside the VPC reaches the workload."""

    pulumi_type = "containers:index:ContainerWorkload"
    """Its type token; other languages pass it by reference (the component provider's schema)."""
    urls: pulumi.Output[list[str]]
    """Load balancer listeners and HTTP APIs that route to the workload's containers."""
    internal_urls: pulumi.Output[dict[str, str]]
    """Service-connect alias -> URL (e.g. 'http://my-service:8080') for other workloads of the cluster."""
    service_name: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    """The ECS cluster the service runs in (its own cluster on EC2)."""
    task_definition_arn: pulumi.Output[str]
    log_group_names: pulumi.Output[dict[str, str]]
    """Container name -> CloudWatch log group (containers with logging disabled have none)."""
    codedeploy_deployment: pulumi.Output[str | None]
    """With `deployment`: the CodeDeploy CreateDeployment input (JSON) that rolls the service to the
    current task definition. A service under CodeDeploy changes revision only through a deployment;
    `pulumi up` runs it (the `<name>-rollout` resource) and fails if CodeDeploy rolls back. By hand:
    `aws deploy create-deployment --cli-input-json "$(pulumi stack output ...)"`."""

    def __init__(
        self, name: str, args: ContainerWorkloadArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Everything is checked before anything is registered, so bad input creates nothing.
        spec = parse_container_workload(name, args)
        platform = require_platform(COMPONENT, name, (Platform.ECS, Platform.SIM))
        package = platform_package(platform)
        if platform == Platform.ECS:
            from components.platforms.ecs.preconditions import check_container_workload

            cluster = check_container_workload(spec)
        else:
            cluster = package.check_container_workload(spec)
        super().__init__(f"containers:index:{COMPONENT}", name, {}, opts)
        self.spec = spec
        """The validated args, read by workloads that `connect_to` this one."""
        self.cluster = cluster or default_cluster()
        if platform == Platform.ECS:
            self._deploy_ecs(spec, package)
        else:
            self._deploy_sim(spec, package, read_stack_config(COMPONENT, name))
        self.register_outputs(
            {
                "url": self.url,
                "urls": self.urls,
                "internal_urls": self.internal_urls,
                "service_name": self.service_name,
                "cluster_name": self.cluster_name,
                "task_definition_arn": self.task_definition_arn,
                "log_group_names": self.log_group_names,
                "codedeploy_deployment": self.codedeploy_deployment,
            }
        )

    def _deploy_ecs(self, spec: ContainerWorkloadSpec, package: Any) -> None:
        self.images: dict[str, Any] = {}
        """sim: container name -> the `LocalImage` it runs."""
        self.tasks: list[Any] = []
        """sim: one `sim_provider.task.Task` per instance."""
        deployed = package.deploy_container_workload(self, spec, self.cluster)
        self.resources = deployed
        """Every resource created, by role (`platforms.ecs.container_workload.ContainerWorkloadResources`)."""
        self.service = deployed.service
        self.task_definition = deployed.task.task_definition
        self.task_role = deployed.access.role
        self.execution_role = deployed.task.execution_role
        self.log_groups = deployed.task.log_groups
        self.secret_parameters = deployed.task.secret_parameters
        """Container -> variable -> the SSM SecureString parameter ECS reads the value from."""
        self.security_group = deployed.network.security_group
        self.target_groups = deployed.load_balancing.target_groups
        """By target key ('<container>-<port>-alb0', ...); with `deployment`, the blue ones."""
        self.listener_rules = deployed.load_balancing.listener_rules
        self.scalable_target = deployed.scaling.scalable_target
        self.scaling_policies = deployed.scaling.policies
        capacity, blue_green = deployed.capacity, deployed.blue_green
        self.auto_scaling_group = capacity.auto_scaling_group if capacity else None
        """EC2 workloads: the instances' `aws.autoscaling.Group`."""
        self.capacity_provider = capacity.capacity_provider if capacity else None
        self.deployment_group = blue_green.deployment_group if blue_green else None
        """With `deployment`: the `aws.codedeploy.DeploymentGroup` that shifts traffic."""
        self.rollout = blue_green.rollout if blue_green else None
        """With `deployment`: the `CodeDeployDeployment` that deploys a new task definition on `pulumi up`."""

        self.url = pulumi.Output.all(*deployed.urls).apply(lambda urls: urls[0] if urls else None)
        self.urls = pulumi.Output.all(*deployed.urls).apply(list)
        self.internal_urls = pulumi.Output.from_input(dict(deployed.internal_urls))
        self.service_name = deployed.service.name
        self.cluster_name = deployed.cluster_name
        self.task_definition_arn = deployed.task.task_definition.arn
        self.log_group_names = pulumi.Output.all(
            **{container: group.name for container, group in deployed.task.log_groups.items()}
        )
        self.codedeploy_deployment = (
            deployed.blue_green.deployment_input if deployed.blue_green else pulumi.Output.from_input(None)
        )

    def _deploy_sim(self, spec: ContainerWorkloadSpec, package: Any, config: Any) -> None:
        deployed = package.deploy_container_workload(self, spec, self.cluster, config)
        self.resources = deployed
        self.images = dict(deployed.images)
        self.tasks = list(deployed.tasks)
        for hatch in ("service", "task_definition", "task_role", "execution_role", "security_group"):
            setattr(self, hatch, None)  # ecs only
        self.log_groups, self.secret_parameters, self.target_groups, self.listener_rules = {}, {}, {}, {}
        self.scalable_target, self.scaling_policies = None, []
        self.auto_scaling_group = self.capacity_provider = self.deployment_group = self.rollout = None
        self.url = pulumi.Output.all(*deployed.urls).apply(lambda urls: urls[0] if urls else None)
        self.urls = pulumi.Output.all(*deployed.urls).apply(list)
        self.internal_urls = pulumi.Output.from_input(dict(deployed.internal_urls))
        self.service_name = pulumi.Output.from_input(spec.resource_name)
        self.cluster_name = deployed.cluster_name
        self.task_definition_arn = pulumi.Output.from_input(None)  # type: ignore[arg-type]  # no task definition on sim
        self.log_group_names = pulumi.Output.from_input({})
        self.codedeploy_deployment = pulumi.Output.from_input(None)
