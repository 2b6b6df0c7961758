"""Render a `ContainerWorkloadSpec` as an ECS task definition (RegisterTaskDefinition input, camelCase).

Pure functions: no Pulumi calls, no network. Whatever exists only at deploy time (pushed image
references, log group names, ARNs of the SSM parameters or secrets holding Output-valued
environment variables, EFS file system ids) comes in from the caller, already resolved; the Pulumi
layer calls these inside an `apply` and passes `json.dumps(container_definitions(...))` on.

Container start: `command` replaces the image's ENTRYPOINT (ECS `entryPoint`) and `args` its CMD
(ECS `command`), as in Kubernetes and the `Workload` component.
"""

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from components.spec.container_workload.compute import Ec2Resources
from components.spec.container_workload.containers import ContainerSpec
from components.spec.container_workload.events import ServiceConnectEvent
from components.spec.container_workload.workload import ContainerWorkloadSpec

EMPTY: Mapping[str, Any] = MappingProxyType({})
NETWORK_MODE = "awsvpc"  # one ENI per task: Fargate needs it, and ALB/NLB target groups use type ip
# ECS registers less memory than an instance type's nominal size (kernel, agent); leave headroom so a
# task sized to "the whole instance" still gets placed.
EC2_MEMORY_HEADROOM_FRACTION = 0.1
EC2_MEMORY_HEADROOM_MIN_MIB = 256


def port_name(container_name: str, port: int) -> str:
    """The portMappings name, unique in the task; service connect refers to ports by it."""
    return f"{container_name.lower()}-{port}"


def task_size(spec: ContainerWorkloadSpec, instance_memory_mib: int | None = None) -> tuple[str | None, str]:
    """Task-level (cpu units, memory MiB) as the strings ECS takes; cpu None lets EC2 tasks share CPU.

    On EC2 without `memory`, the task takes the smallest instance type's memory minus headroom:
    pass that type's memory (MiB) as `instance_memory_mib`.
    """
    resources = spec.resources
    if not isinstance(resources, Ec2Resources):
        return str(resources.cpu_units), str(resources.memory)
    cpu = None if resources.cpu_units is None else str(resources.cpu_units)
    if resources.memory is not None:
        return cpu, str(resources.memory)
    if instance_memory_mib is None:
        raise ValueError("instance_memory_mib is needed: the workload runs on EC2 without resources.memory")
    headroom = max(EC2_MEMORY_HEADROOM_MIN_MIB, math.ceil(instance_memory_mib * EC2_MEMORY_HEADROOM_FRACTION))
    return cpu, str(instance_memory_mib - headroom)


def container_definitions(
    spec: ContainerWorkloadSpec,
    *,
    images: Mapping[str, str],
    log_groups: Mapping[str, str],
    region: str,
    secret_arns: Mapping[str, Mapping[str, str]] = EMPTY,
    extra_environment: Mapping[str, str] = EMPTY,
    extra_secret_arns: Mapping[str, str] = EMPTY,
) -> list[dict[str, Any]]:
    """ECS `containerDefinitions`, one per container, in the spec's order.

    images: container name -> image reference to run (e.g. the ECR reference of a build).
    log_groups: container name -> CloudWatch log group (containers with logging disabled need none).
    secret_arns: container name -> {variable -> ARN} for every Output-valued environment variable
        (`ContainerSpec.secret_env_names`); ECS reads them at start, so values never enter the task
        definition.
    extra_environment / extra_secret_arns: variables every container gets (e.g. `connect_to`
        connection details); a container's own `environment` wins over them.
    """
    return [
        _container_definition(
            spec,
            container,
            images,
            log_groups,
            region,
            secret_arns.get(container.name, EMPTY),
            extra_environment,
            extra_secret_arns,
        )
        for container in spec.containers
    ]


def _container_definition(
    spec: ContainerWorkloadSpec,
    container: ContainerSpec,
    images: Mapping[str, str],
    log_groups: Mapping[str, str],
    region: str,
    secret_arns: Mapping[str, str],
    extra_environment: Mapping[str, str],
    extra_secret_arns: Mapping[str, str],
) -> dict[str, Any]:
    if container.name not in images:
        raise ValueError(f"no image given for container '{container.name}'")
    definition: dict[str, Any] = {
        "name": container.name,
        "image": images[container.name],
        "essential": container.essential,
        "stopTimeout": container.stop_timeout,
    }
    if container.command:
        definition["entryPoint"] = list(container.command)
    if container.args:
        definition["command"] = list(container.args)

    environment, secrets = _variables(container, secret_arns, extra_environment, extra_secret_arns)
    if environment:
        definition["environment"] = environment
    if secrets:
        definition["secrets"] = secrets
    if container.container_ports:
        definition["portMappings"] = _port_mappings(container)
    if container.depends_on:
        definition["dependsOn"] = [
            {"containerName": d.container_name, "condition": d.condition} for d in container.depends_on
        ]
    if container.internal_health_check is not None:
        definition["healthCheck"] = _health_check(container)
    if not container.logging.disabled:
        if container.name not in log_groups:
            raise ValueError(f"no log group given for container '{container.name}'")
        definition["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_groups[container.name],
                "awslogs-region": region,
                "awslogs-stream-prefix": container.name,
            },
        }
    # ECS has no allowPrivilegeEscalation or no-new-privileges flag: Fargate refuses `privileged`
    # (never set here) and added capabilities other than SYS_PTRACE (none are added).
    if container.hardening.read_only_root_filesystem:
        definition["readonlyRootFilesystem"] = True
    if container.hardening.run_as_user is not None:
        definition["user"] = str(container.hardening.run_as_user)
    if container.volume_mounts:
        definition["mountPoints"] = [
            {"sourceVolume": m.volume_name, "containerPath": m.mount_path, "readOnly": False}
            for m in container.volume_mounts
        ]
    if spec.enable_remote_sessions:
        # ECS Exec: an init process reaps the SSM agent's children in the container.
        definition["linuxParameters"] = {"initProcessEnabled": True}
    return definition


def _variables(
    container: ContainerSpec,
    secret_arns: Mapping[str, str],
    extra_environment: Mapping[str, str],
    extra_secret_arns: Mapping[str, str],
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    plain: dict[str, str] = {}
    secret: dict[str, str] = {}
    for name, value in extra_environment.items():
        plain[name] = value
    for name, arn in extra_secret_arns.items():
        plain.pop(name, None)
        secret[name] = arn
    for name, setting in container.environment.items():
        plain.pop(name, None)
        secret.pop(name, None)
        if name in container.secret_env_names:
            if name not in secret_arns:
                raise ValueError(f"no secret ARN given for '{container.name}' variable '{name}' (an Output)")
            secret[name] = secret_arns[name]
        else:
            plain[name] = str(setting)
    return (
        [{"name": k, "value": plain[k]} for k in sorted(plain)],
        [{"name": k, "valueFrom": secret[k]} for k in sorted(secret)],
    )


def _port_mappings(container: ContainerSpec) -> list[dict[str, Any]]:
    protocols = {
        e.container_port: e.protocol
        for e in container.events
        if isinstance(e, ServiceConnectEvent) and e.protocol is not None
    }
    mappings = []
    for port in container.container_ports:
        mapping: dict[str, Any] = {
            "containerPort": port,
            "protocol": "tcp",
            "name": port_name(container.name, port),
        }
        if port in protocols:
            mapping["appProtocol"] = protocols[port]
        mappings.append(mapping)
    return mappings


def _health_check(container: ContainerSpec) -> dict[str, Any]:
    check = container.internal_health_check
    assert check is not None
    rendered: dict[str, Any] = {
        "command": list(check.health_check_command),
        "interval": check.interval_seconds,
        "timeout": check.timeout_seconds,
        "retries": check.retries,
    }
    if check.start_period_seconds is not None:
        rendered["startPeriod"] = check.start_period_seconds
    return rendered


def task_volumes(
    spec: ContainerWorkloadSpec, file_system_ids: Mapping[str, str] = EMPTY
) -> list[dict[str, Any]]:
    """Task `volumes` for every EFS mount; `file_system_ids` maps `VolumeMountSpec.volume_name` to an id."""
    volumes = []
    for container in spec.containers:
        for mount in container.volume_mounts:
            if mount.volume_name not in file_system_ids:
                raise ValueError(f"no EFS file system id given for volume '{mount.volume_name}'")
            volumes.append(
                {
                    "name": mount.volume_name,
                    "efsVolumeConfiguration": {
                        "fileSystemId": file_system_ids[mount.volume_name],
                        "rootDirectory": mount.root_directory,
                        "transitEncryption": "ENABLED",
                    },
                }
            )
    return volumes


def register_task_definition_input(
    spec: ContainerWorkloadSpec,
    *,
    family: str,
    execution_role_arn: str,
    task_role_arn: str,
    images: Mapping[str, str],
    log_groups: Mapping[str, str],
    region: str,
    secret_arns: Mapping[str, Mapping[str, str]] = EMPTY,
    file_system_ids: Mapping[str, str] = EMPTY,
    instance_memory_mib: int | None = None,
    extra_environment: Mapping[str, str] = EMPTY,
    extra_secret_arns: Mapping[str, str] = EMPTY,
) -> dict[str, Any]:
    """The whole RegisterTaskDefinition input (what `aws.ecs.TaskDefinition` takes, in camelCase)."""
    cpu, memory = task_size(spec, instance_memory_mib)
    payload: dict[str, Any] = {
        "family": family,
        "taskRoleArn": task_role_arn,
        "executionRoleArn": execution_role_arn,
        "networkMode": NETWORK_MODE,
        "containerDefinitions": container_definitions(
            spec,
            images=images,
            log_groups=log_groups,
            region=region,
            secret_arns=secret_arns,
            extra_environment=extra_environment,
            extra_secret_arns=extra_secret_arns,
        ),
        "requiresCompatibilities": ["FARGATE" if spec.on_fargate else "EC2"],
        "memory": memory,
        "runtimePlatform": {
            "cpuArchitecture": "ARM64" if spec.resources.architecture == "arm64" else "X86_64",
            "operatingSystemFamily": "LINUX",
        },
    }
    if cpu is not None:
        payload["cpu"] = cpu
    volumes = task_volumes(spec, file_system_ids)
    if volumes:
        payload["volumes"] = volumes
    return payload
