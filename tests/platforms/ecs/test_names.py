"""Every AWS name the ecs platform generates, from adversarial resource, project and stack names, checked
against AWS's documented rules (botocore's models and API references): load balancers and target
groups (ELBv2: 32 letters, digits and '-', no leading or trailing '-', no 'internal-' prefix),
capacity providers (no 'aws', 'ecs' or 'fargate' prefix), Cloud Map services (DNS labels of at most
63 characters), IAM roles (64) and ECS services. What the user wrote is refused at preview instead.
"""

import re
from typing import Any

import pytest

from components import ApplicationLoadBalancer, ContainerWorkload, InvalidArgumentError, testing
from components.spec.aws_names import (
    CAPACITY_PROVIDER_RESERVED_PREFIXES,
    IAM_ROLE_NAME_MAX_LENGTH,
    LOAD_BALANCER_RESERVED_PREFIXES,
    RESOURCE_NAME_MAX_LENGTH,
    reserved_prefix,
    valid_elb_name,
)
from components.spec.container_workload.events import ALIAS_PATTERN
from tests.support.ecs_mocks import ECS_CONFIG, ec2_network

# Names AWS treats specially, at the length limit, in upper case, with digits.
ADVERSARIAL_NAMES = [
    "internal-api",
    "Internal-API",
    "ecs-worker",
    "ECSWorker",
    "aws-batch",
    "fargate-jobs",
    "sg-web",
    "a" * RESOURCE_NAME_MAX_LENGTH,
    "internal-" + "x" * (RESOURCE_NAME_MAX_LENGTH - len("internal-")),
    "Web2-0_Front",
    "w",
]
PROJECTS_AND_STACKS = [("SHOP", "Prod-EU-1"), ("ecs", "internal-"), ("p" * 60, "s" * 60)]
AUTONAME_SUFFIX = 8  # Pulumi's '-' and 7 random characters
CLOUD_MAP_LABEL = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]$|^[a-zA-Z0-9]$")
ECS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def deploy(name: str, project: str, stack: str, **resources: Any) -> list[testing.Registration]:
    def program() -> None:
        network = ec2_network(f"{name}-net") if "instance_types" in resources else {}
        balancer = ApplicationLoadBalancer(name, {"cluster": network["cluster"]} if network else None)
        ContainerWorkload(
            name,
            {
                "containers": [
                    {
                        "name": "c" * 50,
                        "image": "nginx:1.27",
                        "events": [
                            {
                                "type": "application-load-balancer",
                                "load_balancer": balancer,
                                "container_port": 80,
                                "priority": 1,
                            },
                        ],
                    },
                    {
                        "name": "Api-" + "s" * 30,
                        "image": "api:1",
                        "events": [{"type": "service-connect", "container_port": 8080}],
                    },
                ],
                "resources": resources or {"cpu": 0.5, "memory": 1024},
                "scaling": {"min_instances": 1, "max_instances": 2},
                **network,
            },
        )

    return testing.use_mocks("ecs", ECS_CONFIG, project=project, stack=stack).run(program)


def named(registered: list[testing.Registration], type_: str) -> list[str]:
    """The name AWS gets for each resource of a type: its `name` input, else Pulumi's auto-name."""
    return [r.inputs.get("name") or f"{r.name}-abcdefg" for r in registered if r.type == type_]


CASES = [(name, "containers", "unit") for name in ADVERSARIAL_NAMES] + [
    ("internal-api", project, stack) for project, stack in PROJECTS_AND_STACKS
]


@pytest.mark.parametrize("name,project,stack", CASES)
def test_generated_names_follow_aws_rules_for_any_resource_project_and_stack_name(
    name: str, project: str, stack: str
) -> None:
    registered = deploy(name, project, stack, instance_types=["c5.large"])
    balancers = named(registered, "aws:lb/loadBalancer:LoadBalancer")
    groups = named(registered, "aws:lb/targetGroup:TargetGroup")
    assert balancers and groups
    for balancer in balancers:
        assert valid_elb_name(balancer, LOAD_BALANCER_RESERVED_PREFIXES), balancer
    for group in groups:
        assert valid_elb_name(group), group
    (provider,) = named(registered, "aws:ecs/capacityProvider:CapacityProvider")
    assert reserved_prefix(provider, CAPACITY_PROVIDER_RESERVED_PREFIXES) is None, provider
    assert ECS_NAME.match(provider)
    for service_name in named(registered, "aws:ecs/service:Service"):
        assert ECS_NAME.match(service_name), service_name
    for role in named(registered, "aws:iam/role:Role"):
        assert len(role) <= IAM_ROLE_NAME_MAX_LENGTH, role
    (service,) = [r for r in registered if r.type == "aws:ecs/service:Service"]
    for entry in service.inputs["serviceConnectConfiguration"].get("services", []):
        assert CLOUD_MAP_LABEL.match(entry["discoveryName"]) and ALIAS_PATTERN.match(entry["discoveryName"])


def test_a_long_default_alias_is_shortened_to_a_dns_label_not_refused() -> None:
    registered = deploy("a" * RESOURCE_NAME_MAX_LENGTH, "containers", "unit")
    (service,) = [r for r in registered if r.type == "aws:ecs/service:Service"]
    (entry,) = service.inputs["serviceConnectConfiguration"]["services"]
    assert len(entry["discoveryName"]) == 63 and entry["discoveryName"].startswith("aaaa")
    assert ALIAS_PATTERN.match(entry["discoveryName"])


def test_a_balancer_named_internal_gets_a_name_elbv2_accepts() -> None:
    registered = deploy("internal-api", "containers", "unit")
    (balancer,) = named(registered, "aws:lb/loadBalancer:LoadBalancer")
    assert balancer.startswith("lb-internal-api-")


def test_a_capacity_provider_of_an_ecs_named_workload_does_not_start_with_ecs() -> None:
    registered = deploy("ecs-worker", "containers", "unit", instance_types=["c5.large"])
    (provider,) = named(registered, "aws:ecs/capacityProvider:CapacityProvider")
    assert provider.startswith("cp-ecs-worker-capacity-provider")


def test_an_alias_the_user_writes_over_63_characters_is_refused_at_preview() -> None:
    def program() -> None:
        ContainerWorkload(
            "api",
            {
                "containers": [
                    {
                        "name": "api",
                        "image": "api:1",
                        "events": [{"type": "service-connect", "container_port": 80, "alias": "a" * 64}],
                    }
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
            },
        )

    with pytest.raises(InvalidArgumentError, match="at most 63 characters"):
        testing.use_mocks("ecs", ECS_CONFIG).run(program)
