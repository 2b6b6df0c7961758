"""A ContainerWorkload's task definition and what it needs first: images, log groups, secrets and the
execution role.

The task definition is rendered by `render.ecs.task_definition` from values Pulumi knows only at deploy
time (pushed image references, log group names, parameter ARNs), inside one `apply`; this module
only turns that RegisterTaskDefinition input into `aws.ecs.TaskDefinition` arguments.

Environment values that are Outputs may be secrets: each goes into an SSM SecureString parameter
that ECS reads at start (the task definition's `secrets`), never into plain `environment`.
"""

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

from components.platforms.aws.credentials import region_of
from components.platforms.aws.registry_image import registry_image
from components.platforms.ecs.aws_inputs import snake_keys
from components.platforms.ecs.iam import ECS_TASKS, service_role
from components.platforms.ecs.names import parameter_path
from components.render.ecs.task_definition import register_task_definition_input
from components.render.ecs.task_role import allow
from components.spec.container_workload.workload import ContainerWorkloadSpec

EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
IMAGE_PLATFORMS = {"x86_64": docker_build.Platform.LINUX_AMD64, "arm64": docker_build.Platform.LINUX_ARM64}


@dataclass(frozen=True)
class TaskResources:
    task_definition: aws.ecs.TaskDefinition
    execution_role: aws.iam.Role
    log_groups: Mapping[str, aws.cloudwatch.LogGroup]
    """By container name; containers with logging disabled have none."""
    secret_parameters: Mapping[str, Mapping[str, aws.ssm.Parameter]]
    """Container name -> variable -> the SecureString parameter holding its value."""
    images: Mapping[str, pulumi.Output[str]]
    """Container name -> the image reference it runs."""


def family(spec: ContainerWorkloadSpec) -> str:
    """Task definition family: project, stack and workload, in the characters ECS allows."""
    text = f"{pulumi.get_project()}-{pulumi.get_stack()}-{spec.resource_name}"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text)[:255]


def create_task(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    task_role: aws.iam.Role,
    environment: Mapping[str, pulumi.Input[str]],
    instance_memory_mib: pulumi.Output[int] | None = None,
) -> TaskResources:
    """`environment`: variables every container gets (e.g. connect_to's). `instance_memory_mib`: the
    smallest instance type's memory, which sizes EC2 tasks that give no `memory`."""
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    platform = IMAGE_PLATFORMS[spec.resources.architecture]
    images = {
        c.name: registry_image(parent, f"{name}-{c.name}", c.image, c.build, platform)
        for c in spec.containers
    }
    log_groups = {
        c.name: aws.cloudwatch.LogGroup(
            f"{name}-{c.name}-logs", retention_in_days=c.logging.retention_days, opts=child
        )
        for c in spec.containers
        if not c.logging.disabled
    }
    parameters = {
        c.name: {
            variable: aws.ssm.Parameter(
                f"{name}-{c.name}-{variable}",
                name=parameter_path(name, c.name, variable),
                type="SecureString",
                value=c.environment[variable],
                opts=child,
            )
            for variable in sorted(c.secret_env_names)
        }
        for c in spec.containers
        if c.secret_env_names
    }
    execution_role, grants = _execution_role(
        parent, name, [p for by_name in parameters.values() for p in by_name.values()]
    )
    payload = pulumi.Output.all(
        images=images,
        log_groups={container: group.name for container, group in log_groups.items()},
        secret_arns={c: {v: p.arn for v, p in by_name.items()} for c, by_name in parameters.items()},
        file_system_ids={
            m.volume_name: file_system_id(m.efs_filesystem) for c in spec.containers for m in c.volume_mounts
        },
        args={c.name: list(c.args) for c in spec.containers},
        environment=dict(environment),
        region=region_of(parent),
        task_role_arn=task_role.arn,
        execution_role_arn=execution_role.arn,
        instance_memory_mib=instance_memory_mib,
    ).apply(lambda values: _render(spec, values))
    task_definition = aws.ecs.TaskDefinition(
        f"{name}-task",
        family=payload["family"],
        container_definitions=payload.apply(lambda p: json.dumps(p["containerDefinitions"])),
        cpu=payload.apply(lambda p: p.get("cpu")),
        memory=payload["memory"],
        network_mode=payload["networkMode"],
        requires_compatibilities=payload["requiresCompatibilities"],
        runtime_platform=payload.apply(lambda p: snake_keys(p["runtimePlatform"])),
        execution_role_arn=payload["executionRoleArn"],
        task_role_arn=payload["taskRoleArn"],
        volumes=payload.apply(lambda p: snake_keys(p.get("volumes", []))),
        # Tasks start as soon as a service runs this definition: the role must be able to start them.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=grants),
    )
    return TaskResources(task_definition, execution_role, log_groups, parameters, images)


def _render(spec: ContainerWorkloadSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    # Container args may be Outputs; the renderer takes them resolved.
    resolved = dataclasses.replace(
        spec,
        containers=tuple(dataclasses.replace(c, args=tuple(values["args"][c.name])) for c in spec.containers),
    )
    return register_task_definition_input(
        resolved,
        family=family(spec),
        execution_role_arn=values["execution_role_arn"],
        task_role_arn=values["task_role_arn"],
        images=values["images"],
        log_groups=values["log_groups"],
        region=values["region"],
        secret_arns=values["secret_arns"],
        file_system_ids=values["file_system_ids"],
        instance_memory_mib=values["instance_memory_mib"],
        extra_environment=values["environment"],
    )


def file_system_id(file_system: object) -> pulumi.Input[str]:
    """A volume mount's `efs_filesystem` (an `aws.efs.FileSystem` or its id) as an id."""
    return file_system.id if isinstance(file_system, aws.efs.FileSystem) else file_system  # type: ignore[return-value]


def _execution_role(
    parent: pulumi.Resource, name: str, parameters: list[aws.ssm.Parameter]
) -> tuple[aws.iam.Role, list[pulumi.Resource]]:
    """The role ECS uses to start tasks (pull images, write logs, read this task's secrets only), and
    the resources granting it that."""
    secrets = [allow(["ssm:GetParameters"], [p.arn for p in parameters])]
    return service_role(
        f"{name}-execution-role",
        ECS_TASKS,
        pulumi.ResourceOptions(parent=parent),
        description=f"starts the tasks of {name}",
        managed_policies={f"{name}-execution-policy": EXECUTION_POLICY},
        inline_policies={f"{name}-execution-secrets": secrets} if parameters else {},
    )
