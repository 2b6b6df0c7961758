"""Every name the ecs platform hands AWS, from adversarial workload, project and stack names, checked
against botocore's models of the operations that create them (length limits and patterns as the
service teams published them), not against rules restated here. Names Pulumi generates are the
resource name, '-' and 7 random characters (pulumi-aws's auto-naming).

ELBv2 and ECS publish no pattern in their models: their documented rules are checked in test_names.
"""

import pulumi
import pytest

from components import ApplicationLoadBalancer, Cluster, ContainerWorkload, testing
from tests.platforms.ecs.test_names import ADVERSARIAL_NAMES, PROJECTS_AND_STACKS
from tests.support.aws_models import member_problems
from tests.support.ecs_mocks import ECS_CONFIG, lambda_function

AUTONAME = "-abc1234"
# Resource type -> (the input holding its AWS name, botocore service, operation, member).
NAMED: dict[str, tuple[str, str, str, str]] = {
    "aws:iam/role:Role": ("name", "iam", "CreateRole", "RoleName"),
    "aws:iam/rolePolicy:RolePolicy": ("name", "iam", "PutRolePolicy", "PolicyName"),
    "aws:iam/instanceProfile:InstanceProfile": (
        "name",
        "iam",
        "CreateInstanceProfile",
        "InstanceProfileName",
    ),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "logs", "CreateLogGroup", "logGroupName"),
    "aws:ecr/repository:Repository": ("name", "ecr", "CreateRepository", "repositoryName"),
    "aws:ssm/parameter:Parameter": ("name", "ssm", "PutParameter", "Name"),
    "aws:codedeploy/application:Application": ("name", "codedeploy", "CreateApplication", "applicationName"),
    "aws:codedeploy/deploymentGroup:DeploymentGroup": (
        "deploymentGroupName",
        "codedeploy",
        "CreateDeploymentGroup",
        "deploymentGroupName",
    ),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (
        "name",
        "servicediscovery",
        "CreatePrivateDnsNamespace",
        "Name",
    ),
    "aws:autoscaling/group:Group": ("name", "autoscaling", "CreateAutoScalingGroup", "AutoScalingGroupName"),
    "aws:appautoscaling/policy:Policy": ("name", "application-autoscaling", "PutScalingPolicy", "PolicyName"),
}


def program(name: str, build: str) -> None:
    """Every kind of name at once: a build (ECR), a secret (SSM), EC2 capacity, scaling, CodeDeploy
    with a hook function, service connect and the cluster's namespace."""
    cluster = Cluster(f"{name}-net", {"nat_gateways": "Single"})
    balancer = ApplicationLoadBalancer(name, {"cluster": cluster})
    event = {
        "type": "application-load-balancer",
        "load_balancer": balancer,
        "container_port": 80,
        "priority": 1,
    }
    ContainerWorkload(
        name,
        {
            "containers": [
                {
                    "name": "c" * 40,
                    "build": {"context": build},
                    "events": [event],
                    "environment": {"TOKEN": pulumi.Output.secret("t")},
                }
            ],
            "resources": {"instance_types": ["c5.large"]},
            "scaling": {
                "min_instances": 1,
                "max_instances": 2,
                "scaling_policy": {"keep_avg_cpu_utilization_under": 70},
            },
            "deployment": {"strategy": "AllAtOnce", "before_allow_traffic_function": lambda_function("hook")},
            "use_private_subnets_with_nat": True,
            "cluster": cluster,
        },
    )


def aws_name(registration: testing.Registration, key: str) -> str:
    inputs = {**registration.outputs, **registration.inputs}
    return str(inputs.get(key) or f"{registration.name}{AUTONAME}")


CASES = [(name, "containers", "unit") for name in ADVERSARIAL_NAMES] + [
    ("internal-api", project, stack) for project, stack in PROJECTS_AND_STACKS
]


@pytest.mark.parametrize("name,project,stack", CASES)
def test_every_generated_name_is_one_aws_accepts(
    build_context: str, name: str, project: str, stack: str
) -> None:
    mocks = testing.use_mocks("ecs", ECS_CONFIG, project=project, stack=stack)
    registered = mocks.run(lambda: program(name, build_context))
    seen = set()
    problems = []
    for registration in registered:
        if registration.type not in NAMED or registration.name == "hook":
            continue
        key, service, operation, member = NAMED[registration.type]
        seen.add(registration.type)
        problems += [
            f"{registration.name}: {p}"
            for p in member_problems(service, operation, member, aws_name(registration, key))
        ]
    assert seen == set(NAMED), f"not generated: {set(NAMED) - seen}"
    assert problems == []


def test_the_models_refuse_what_aws_refuses() -> None:
    """What makes the test above count: the model checks catch the names AWS rejects."""
    assert member_problems("ecr", "CreateRepository", "repositoryName", "Web-repository")
    assert member_problems("iam", "CreateRole", "RoleName", "r" * 65)
    assert member_problems("logs", "CreateLogGroup", "logGroupName", "a b")
    assert member_problems("codedeploy", "CreateApplication", "applicationName", "a" * 101)
    assert member_problems("ecr", "CreateRepository", "repositoryName", "web-repository") == []
