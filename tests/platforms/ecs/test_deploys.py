"""What a real ECS deploy would refuse or get wrong, under mocks: each test is a documented AWS rule
(botocore's models, the ECS and CodeDeploy API references) the platform must meet at preview.
"""

import json
from typing import Any

import pytest

from components import ContainerWorkload, InvalidArgumentError
from tests.support.ecs_mocks import ACCOUNT, only, registered_before_error, run_ecs


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
