"""Every name the eks platform hands AWS, from adversarial Cluster, Workload, project and stack names,
checked against botocore's models of the operations that create them, like the ecs platform's
test_generated_names.

Two kinds of names: those this program registers (node group, IAM roles and policy, ECR repository),
read from the mocks; and those pulumi-eks gives the resources inside its `eks.Cluster` (control
plane, IAM roles, security groups, Fargate profile), which its own provider registers and the mocks
never see: `eks_named_resources` says what they are (from pulumi-eks' source) and the registered
`eks.Cluster` is checked to be configured as it assumes. Pulumi names them '<Pulumi name>-<7 random
characters>' (pulumi-aws's auto-naming).

A Cluster name is refused at preview exactly when one of those names is one AWS would refuse.
"""

from typing import Any

import pytest

from components import Cluster, InvalidArgumentError, Workload, testing
from components.spec.cluster import (
    EKS_CLUSTER,
    FARGATE_PROFILE,
    IAM_POLICY,
    NODE_GROUP,
    ROLE,
    SECURITY_GROUP,
    eks_cluster_resource_name,
    eks_named_resources,
    parse_cluster,
    pulumi_eks_named_resources,
)
from components.spec.platform import Platform
from tests.platforms.ecs.test_names import ADVERSARIAL_NAMES, PROJECTS_AND_STACKS
from tests.support.aws_models import member_problems, operation_shape

EKS_CONFIG = {"containers:platform": "eks", "aws:region": testing.REGION}
AUTONAME = "-abc1234"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
# Resource type -> (the input holding its AWS name, botocore service, operation, member).
NAMED: dict[str, tuple[str, str, str, str]] = {
    EKS_CLUSTER: ("name", "eks", "CreateCluster", "name"),
    ROLE: ("name", "iam", "CreateRole", "RoleName"),
    IAM_POLICY: ("name", "iam", "CreatePolicy", "PolicyName"),
    NODE_GROUP: ("nodeGroupName", "eks", "CreateNodegroup", "nodegroupName"),
    FARGATE_PROFILE: ("fargateProfileName", "eks", "CreateFargateProfile", "fargateProfileName"),
    SECURITY_GROUP: ("name", "ec2", "CreateSecurityGroup", "GroupName"),
    ECR_REPOSITORY: ("name", "ecr", "CreateRepository", "repositoryName"),
}
# What AWS documents outside botocore's patterns and limits. A managed node group: "can't be longer
# than 63 characters. It must start with a letter or digit, but can also include hyphens and
# underscores" (pulumi-aws's eks.NodeGroup nodeGroupName docs; botocore's CreateNodegroup has no
# constraint). A security group: "Can't start with sg-" (botocore's GroupName documentation; names
# are case-insensitive, so 'SG-' counts too). A Fargate profile: EKS refuses "the reserved prefix:
# 'eks-'" (its error in pulumi-eks#426).
NODE_GROUP_NAME_MAX_LENGTH = 63
EKS_NAMES = [
    "a" * 30,  # the longest with Fargate: '<name>-eks-podExecutionRole-role-abc1234' is 64
    "a" * 31,
    "a" * 37,  # the longest with nodes and the controller: '<name>-lb-controller-role-abc1234'
    "a" * 38,
    "a" * 63,
    "2048-game",
    "Prod-EKS",
    "eks",
    "eks-prod",
    "EKS-Prod",
    "aws-prod",
    "SG-web",
    "_hidden",
    "my.cluster",
    "my cluster",
    "web-",
]
OPTIONS: list[dict[str, Any]] = [{}, {"fargate": True}, {"load_balancer_controller": False}]


def documented_problems(kind: str, name: str) -> list[str]:
    if kind == NODE_GROUP and (len(name) > NODE_GROUP_NAME_MAX_LENGTH or not name[0].isalnum()):
        return [f"node group {name!r}: longer than {NODE_GROUP_NAME_MAX_LENGTH} or not starting alphanumeric"]
    if kind == SECURITY_GROUP:
        documentation = operation_shape("ec2", "CreateSecurityGroup").members["GroupName"].documentation
        assert "Can't start with <code>sg-</code>" in documentation
        if name.lower().startswith("sg-"):
            return [f"security group {name!r} starts with 'sg-'"]
    if kind == FARGATE_PROFILE and name.lower().startswith("eks-"):
        return [f"Fargate profile {name!r} starts with 'eks-'"]
    return []


def problems(kind: str, aws_name: str) -> list[str]:
    _, service, operation, member = NAMED[kind]
    return member_problems(service, operation, member, aws_name) + documented_problems(kind, aws_name)


def derived_problems(name: str, options: dict[str, Any]) -> list[str]:
    named = eks_named_resources(
        name, options.get("fargate", False), options.get("load_balancer_controller", True)
    )
    return [p for kind, pulumi_name in named for p in problems(kind, f"{pulumi_name}{AUTONAME}")]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("name", ADVERSARIAL_NAMES + EKS_NAMES)
def test_a_cluster_name_is_refused_exactly_when_aws_would_refuse_a_name_made_from_it(
    name: str, options: dict[str, Any]
) -> None:
    expected = derived_problems(name, options)
    try:
        parse_cluster(name, options, Platform.EKS)
    except InvalidArgumentError as refused:
        assert expected, f"refused, yet AWS takes every name made from it: {refused}"
        assert (refused.component, refused.resource, refused.field) == (
            "Cluster",
            name,
            "name (the resource name)",
        )
    else:
        assert expected == []


def program(name: str, build: str, fargate: bool) -> None:
    cluster = Cluster(name, {"fargate": fargate})
    Workload("w" * 53, {"image": build, "port": 8080, "public": True, "cluster": cluster})


def aws_name(registration: testing.Registration, key: str) -> str:
    """The name the program gives, else pulumi-aws's auto-name (the mocks' outputs make up others)."""
    return str(registration.inputs.get(key) or f"{registration.name}{AUTONAME}")


def accepted(name: str, fargate: bool) -> bool:
    try:
        parse_cluster(name, {"fargate": fargate}, Platform.EKS)
    except InvalidArgumentError:
        return False
    return True


CASES = [
    (name, "containers", "unit", fargate)
    for name in ADVERSARIAL_NAMES + EKS_NAMES
    for fargate in (False, True)
    if accepted(name, fargate)
] + [("main", project, stack, False) for project, stack in PROJECTS_AND_STACKS]


@pytest.mark.parametrize("name,project,stack,fargate", CASES)
def test_every_generated_name_is_one_aws_accepts(
    build_context: str, name: str, project: str, stack: str, fargate: bool
) -> None:
    mocks = testing.use_mocks("eks", EKS_CONFIG, project=project, stack=stack)
    registered = mocks.run(lambda: program(name, build_context, fargate))
    [eks_cluster] = [r for r in registered if r.type == "eks:index:Cluster"]
    # What eks_named_resources assumes of the pulumi-eks cluster.
    assert eks_cluster.name == eks_cluster_resource_name(name)
    assert eks_cluster.inputs["skipDefaultNodeGroup"] is True
    assert eks_cluster.inputs.get("name") is None  # the control plane is auto-named
    assert bool(eks_cluster.inputs.get("fargate")) is fargate
    names = {(r.type, r.name): aws_name(r, NAMED[r.type][0]) for r in registered if r.type in NAMED}
    inside = pulumi_eks_named_resources(eks_cluster.name, fargate)
    ours = set(eks_named_resources(name, fargate, load_balancer_controller=True)) - set(inside)
    assert ours <= set(names), "eks_named_resources lists a name the platform does not make"
    names |= {(kind, n): f"{n}{AUTONAME}" for kind, n in inside}
    assert {kind for kind, _ in names} == set(NAMED) - {NODE_GROUP if fargate else FARGATE_PROFILE}
    assert [p for (kind, _), aws in names.items() for p in problems(kind, aws)] == []


def test_the_models_refuse_what_aws_refuses() -> None:
    """What makes the tests above count: the checks catch the names AWS rejects."""
    assert problems(EKS_CLUSTER, "_cluster")
    assert problems(EKS_CLUSTER, "c" * 101)
    assert problems(ROLE, "r" * 65)
    assert problems(NODE_GROUP, "n" * 64)
    assert problems(SECURITY_GROUP, "sg-web-eks-nodeSecurityGroup-abc1234")
    assert problems(FARGATE_PROFILE, "eks-eks-fargateProfile-abc1234")
    assert problems(EKS_CLUSTER, "2048-game-eks-eksCluster-abc1234") == []


def test_pulumi_eks_renames_a_fargate_profile_that_would_take_the_reserved_prefix() -> None:
    """pulumi-eks#430: 'eks-...' becomes 'eks_...fargateProfile', so such Clusters need no refusal."""
    [profile] = [n for kind, n in pulumi_eks_named_resources("eks-prod-eks", True) if kind == FARGATE_PROFILE]
    assert profile == "eks_prod-eksfargateProfile"
    assert parse_cluster("eks-prod", {"fargate": True}, Platform.EKS).nodes is None
