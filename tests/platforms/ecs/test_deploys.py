"""What a real ECS deploy would refuse or get wrong, under mocks: each test is a documented AWS rule
(botocore's models, the ECS and CodeDeploy API references) the platform must meet at preview.
"""

import json
from typing import Any

import pytest

from components import ContainerWorkload, InvalidArgumentError
from tests.support.ecs_mocks import ACCOUNT, ec2_network, only, registered_before_error, run_ecs


def two_containers(condition: str, essential: bool | None) -> dict[str, Any]:
    migrate: dict[str, Any] = {"name": "migrate", "image": "app:1", "command": ["./migrate"]}
    if essential is not None:
        migrate["essential"] = essential
    return {
        "containers": [
            migrate,
            {
                "name": "web",
                "image": "app:1",
                "depends_on": [{"container_name": "migrate", "condition": condition}],
            },
        ],
        "resources": {"cpu": 0.5, "memory": 1024},
    }


@pytest.mark.parametrize("condition", ["COMPLETE", "SUCCESS"])
@pytest.mark.parametrize("essential", [None, True])
def test_depends_on_an_exit_of_an_essential_container_is_refused_at_preview(
    condition: str, essential: bool | None
) -> None:
    error, registered = registered_before_error(
        lambda: ContainerWorkload("shop", two_containers(condition, essential))
    )
    assert isinstance(error, InvalidArgumentError)
    assert error.field == "containers[1].depends_on[0].condition"
    assert "essential" in str(error) and "migrate" in str(error)
    assert registered == []


def test_depends_on_an_exit_of_a_non_essential_container_registers() -> None:
    resources = run_ecs(lambda: ContainerWorkload("shop", two_containers("SUCCESS", False)))
    definitions = json.loads(
        only(resources, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    )
    web = next(d for d in definitions if d["name"] == "web")
    assert web["dependsOn"] == [{"containerName": "migrate", "condition": "SUCCESS"}]


def test_task_roles_trust_ecs_only_on_behalf_of_this_account() -> None:
    resources = run_ecs(lambda: ContainerWorkload("shop", two_containers("START", None)))
    for name in ("shop-task-role", "shop-execution-role"):
        [statement] = json.loads(resources[name].inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_a_client_service_starts_after_the_service_connect_servers_it_calls() -> None:
    def program() -> None:
        api = ContainerWorkload(
            "api",
            {
                "containers": [
                    {
                        "name": "api",
                        "image": "api:1",
                        "events": [{"type": "service-connect", "container_port": 80}],
                    }
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )
        ContainerWorkload(
            "web",
            {
                "containers": [{"name": "web", "image": "web:1"}],
                "resources": {"cpu": 0.5, "memory": 1024},
                "connect_to": [api],
            },
        )
        ContainerWorkload(
            "worker",
            {
                "containers": [
                    {"name": "w", "image": "w:1", "environment": {"API": api.internal_urls["api-api"]}}
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )

    resources = run_ecs(program)
    assert "api-service" in resources["web-service"].depends_on
    # An env value from the server's internal URL waits for the server's service too.
    assert "api-steady" in resources["worker-w-API"].depends_on  # its SSM parameter, which the task reads


def ec2_worker(**args: Any) -> ContainerWorkload:
    return ContainerWorkload(
        "batch",
        {
            "containers": [{"name": "worker", "image": "ghcr.io/shop/worker:1"}],
            "resources": {"instance_types": ["c5.large"]},
            **args,
        },
    )


@pytest.mark.parametrize(
    "network",
    [
        {},  # the default cluster, public subnets
        {"use_private_subnets_with_nat": False},
    ],
)
def test_an_ec2_workload_in_public_subnets_is_refused_at_preview(network: dict[str, Any]) -> None:
    """ECS gives awsvpc tasks on EC2 no public IP (assignPublicIp is for Fargate): in a public
    subnet without NAT they have no route out."""
    error, registered = registered_before_error(lambda: ec2_worker(**network))
    assert isinstance(error, InvalidArgumentError)
    assert error.field == "use_private_subnets_with_nat"
    assert "EC2" in str(error) and "nat_gateways" in str(error)
    assert registered == []


def test_an_ec2_workload_in_private_subnets_needs_a_cluster_with_nat() -> None:
    error, registered = registered_before_error(lambda: ec2_worker(use_private_subnets_with_nat=True))
    assert isinstance(error, InvalidArgumentError) and error.field == "use_private_subnets_with_nat"
    assert registered == []


def test_an_ec2_workload_runs_in_the_private_subnets_of_a_cluster_with_nat() -> None:
    resources = run_ecs(lambda: ec2_worker(**ec2_network()))
    vpc = resources["app-vpc"].inputs
    service = only(resources, "aws:ecs/service:Service").inputs["networkConfiguration"]
    assert service["subnets"] == vpc["privateSubnetIds"] and service["assignPublicIp"] is False
    assert resources["app-vpc"].inputs["natGateways"] == {"strategy": "Single"}


def test_efs_mounts_open_nfs_from_the_task_group_to_the_mount_targets_before_the_service() -> None:
    """A task mounts EFS through a mount target that admits only its security groups' rules: the
    workload adds NFS (2049) from its task group to them (aws_provider.efs_access), once per file
    system however many containers mount it, and its service starts after that."""
    import pulumi_aws as aws

    def program() -> None:
        shared = aws.efs.FileSystem("shared")
        mount = {"type": "efs", "efs_filesystem": shared, "mount_path": "/data"}
        ContainerWorkload(
            "shop",
            {
                "containers": [
                    {"name": "web", "image": "app:1", "volume_mounts": [mount]},
                    {"name": "jobs", "image": "app:1", "volume_mounts": [{**mount, "mount_path": "/jobs"}]},
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )

    resources = run_ecs(program)
    accesses = [r for r in resources.values() if "file_system_id" in r.inputs]
    assert [a.name for a in accesses] == ["shop-nfs-web-efs-0"]
    (access,) = accesses
    assert access.parent == "shop"
    assert access.inputs["file_system_id"] == resources["shared"].inputs["id"]
    assert access.inputs["security_group_id"] == resources["shop-tasks"].inputs["id"]
    assert access.inputs["region"] == "us-east-1"
    assert "shop-nfs-web-efs-0" in resources["shop-service"].depends_on
