"""One container of a ContainerWorkload: image or build, environment, dependencies, health, logs, volumes.

The bad-input cases are in `tests/support/bad_container_workloads.py`, run by `tests/test_bad_input.py`.
"""

from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.spec.container_workload.events import (
    WorkloadInternalEvent,
)
from components.spec.errors import InvalidArgumentError
from tests.support.container_workload_args import (
    container,
    http_event,
    nlb_event,
    parse,
    workload,
)
from tests.support.stacktape_examples import DOC_2_VCPU, build


def test_environment_variables_snippet_keeps_outputs_as_secrets() -> None:
    db_host = pulumi.Output.from_input("db.internal")
    db_password = pulumi.Output.secret("hunter2")
    spec = parse(
        workload(
            container(
                environment={
                    "STATIC_ENV_VAR": "my-env-var",
                    "DYNAMICALLY_SET_ENV_VAR": "value-from-my-directive",
                    "DB_HOST": db_host,
                    "DB_PASSWORD": db_password,
                }
            )
        )
    )
    (web,) = spec.containers
    assert web.environment["STATIC_ENV_VAR"] == "my-env-var"
    assert web.environment["DB_HOST"] is db_host
    assert web.environment["DB_PASSWORD"] is db_password
    assert web.secret_env_names == {"DB_HOST", "DB_PASSWORD"}


def dependencies_snippet(frontend_depends_on: str) -> dict[str, Any]:
    return {
        "containers": [
            {
                "name": "frontend-container",
                "build": build("src/index.ts"),
                "depends_on": [{"container_name": frontend_depends_on, "condition": "START"}],
                "environment": {"PORT": 80, "API_COINTAINER_PORT": 3000},
                "events": [http_event(path="*", method="*")],
            },
            {
                "name": "api-container",
                "build": build("src/index.ts"),
                "environment": {"PORT": 3000},
                "events": [{"type": "workload-internal", "container_port": 3000}],
            },
        ],
        "resources": DOC_2_VCPU,
    }


def test_dependencies_between_containers_snippet() -> None:
    spec = parse(dependencies_snippet("api-container"), "myMultiContainerWorkload")
    frontend, api = spec.containers
    assert [(d.container_name, d.condition) for d in frontend.depends_on] == [("api-container", "START")]
    assert api.events == (WorkloadInternalEvent(container_port=3000),)
    assert frontend.environment["API_COINTAINER_PORT"] == "3000"


def test_dependencies_snippet_as_printed_names_a_container_it_does_not_have() -> None:
    # The page's snippet depends on 'backend' but names its containers frontend-container and
    # api-container; we say so before deploying rather than let ECS reject the task definition.
    with pytest.raises(InvalidArgumentError) as caught:
        parse(dependencies_snippet("backend"), "myMultiContainerWorkload")
    assert caught.value.field == "containers[0].depends_on[0].container_name"
    assert "api-container" in caught.value.allowed


def test_healthcheck_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "api-container",
                    "build": build(),
                    "internal_health_check": {
                        "health_check_command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                        "interval_seconds": 20,
                        "timeout_seconds": 5,
                        "start_period_seconds": 150,
                        "retries": 2,
                    },
                }
            ],
            "resources": DOC_2_VCPU,
        },
        "myContainerWorkload",
    )
    check = spec.containers[0].internal_health_check
    assert check is not None
    assert check.health_check_command == ("CMD-SHELL", "curl -f http://localhost/ || exit 1")
    assert (check.interval_seconds, check.timeout_seconds, check.start_period_seconds, check.retries) == (
        20,
        5,
        150,
        2,
    )


def test_shutdown_and_logging_defaults() -> None:
    (web,) = parse(workload()).containers
    assert web.stop_timeout == 2  # "By default, they have 2 seconds before a SIGKILL"
    assert web.essential is True
    assert (web.logging.disabled, web.logging.retention_days) == (False, 90)
    custom = parse(workload(container(stop_timeout=30, logging={"retention_days": 30}))).containers[0]
    assert (custom.stop_timeout, custom.logging.retention_days) == (30, 30)


# ------------------------------------------------------------------------------------ build contexts


def test_build_hash_follows_sources_and_dockerfile(project: Path) -> None:
    def build_hash(**extra: Any) -> str:
        spec = parse(workload({"name": "web", "build": {"context": "./app", **extra}}))
        return spec.containers[0].build.content_hash

    everything = build_hash()
    only_src = build_hash(sources=["src/**/*"])
    assert everything != only_src
    (project / "app" / "README.md").write_text("changed docs\n")
    assert build_hash(sources=["src/**/*"]) == only_src  # README is not a source
    assert build_hash() != everything
    (project / "app" / "Dockerfile").write_text("FROM node:23\n")
    assert build_hash(sources=["src/**/*"]) != only_src  # the Dockerfile always counts


def test_build_with_another_dockerfile(project: Path) -> None:
    (project / "app" / "Dockerfile.prod").write_text("FROM node:22-slim\n")
    spec = parse(workload({"name": "web", "build": {"context": "./app", "dockerfile": "Dockerfile.prod"}}))
    assert spec.containers[0].build.dockerfile == "Dockerfile.prod"
    assert spec.containers[0].build.sources == ("**/*",)


def test_nlb_health_check_over_http_with_a_path() -> None:
    spec = parse(
        workload(
            container(
                events=[nlb_event(listener_port=80)],
                load_balancer_health_check={"path": "/ready", "protocol": "HTTP", "port": 8081},
            )
        )
    )
    check = spec.load_balanced_targets[0].health_check
    assert (check.protocol, check.path, check.port) == ("HTTP", "/ready", 8081)
