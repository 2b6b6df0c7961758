"""`ClusterArgs` parsed once for every platform: unknown keys refused everywhere, another platform's
keys accepted (one program runs on every platform), each platform's own rules applied."""

import pytest

from components import InvalidArgumentError
from components.spec.cluster import DEFAULT_NAT, parse_cluster
from components.spec.platform import Platform


@pytest.mark.parametrize("platform", list(Platform))
def test_a_misspelt_key_is_refused_on_every_platform(platform: Platform) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_cluster("main", {"nat_gateway": "Single"}, platform)
    assert (caught.value.component, caught.value.field) == ("Cluster", "nat_gateway")
    assert caught.value.allowed.startswith("did you mean `nat_gateways`?")


@pytest.mark.parametrize("platform", list(Platform))
def test_every_known_key_is_accepted_on_every_platform(platform: Platform) -> None:
    args = {"kubernetes_version": "1.34", "vpc_cidr": "10.1.0.0/20", "nat_gateways": "Single"}
    spec = parse_cluster("main", args, platform)
    assert spec.resource_name == "main"


def test_each_cloud_platform_has_its_own_nat_default_and_choices() -> None:
    assert parse_cluster("main", {}, Platform.ECS).nat_gateways == DEFAULT_NAT[Platform.ECS] == "None"
    assert parse_cluster("main", {}, Platform.EKS).nat_gateways == DEFAULT_NAT[Platform.EKS] == "Single"
    with pytest.raises(InvalidArgumentError):
        parse_cluster("main", {"nat_gateways": "None"}, Platform.EKS)


@pytest.mark.parametrize(("platform", "smallest"), [(Platform.ECS, 24), (Platform.EKS, 20)])
def test_the_vpc_block_is_bounded_per_platform(platform: Platform, smallest: int) -> None:
    assert (
        parse_cluster("main", {"vpc_cidr": f"10.0.0.0/{smallest}"}, platform).vpc_cidr
        == f"10.0.0.0/{smallest}"
    )
    with pytest.raises(InvalidArgumentError) as caught:
        parse_cluster("main", {"vpc_cidr": f"10.0.0.0/{smallest + 1}"}, platform)
    assert f"/16 to /{smallest}" in caught.value.allowed


def test_sim_ignores_the_cloud_rules() -> None:
    spec = parse_cluster("main", {"vpc_cidr": "not checked on sim", "nat_gateways": "None"}, Platform.SIM)
    assert spec.nodes is None


@pytest.mark.parametrize("name", ["eks", "eks-prod", "EKS-Prod", "prod-eks", "web"])
def test_fargate_clusters_named_with_eks_s_reserved_prefix_are_accepted(name: str) -> None:
    """EKS refuses Fargate profile names starting with 'eks-' (pulumi-eks#426), and pulumi-eks
    renames such a profile itself (pulumi-eks#430): see tests/platforms/eks/test_generated_names."""
    assert parse_cluster(name, {"fargate": True}, Platform.EKS).nodes is None


@pytest.mark.parametrize(
    ("options", "longest"),
    [({}, 37), ({"fargate": True}, 30), ({"load_balancer_controller": False}, 39)],
)
def test_an_eks_cluster_name_too_long_for_the_iam_roles_named_after_it_is_refused(
    options: dict[str, bool], longest: int
) -> None:
    """IAM role names are at most 64 characters and pulumi-aws does not shorten one to fit: the
    controller's role is '<name>-lb-controller-role-<7>', pulumi-eks' Fargate pod execution role
    '<name>-eks-podExecutionRole-role-<7>', its cluster role '<name>-eks-eksRole-role-<7>'."""
    assert parse_cluster("a" * longest, options, Platform.EKS).resource_name == "a" * longest
    with pytest.raises(InvalidArgumentError) as caught:
        parse_cluster("a" * (longest + 1), options, Platform.EKS)
    assert (caught.value.component, caught.value.field) == ("Cluster", "name (the resource name)")
    assert f"at most {longest} characters" in caught.value.allowed
    assert "IAM role" in caught.value.allowed
    assert parse_cluster("a" * (longest + 1), options, Platform.ECS)  # ecs names nothing after it


@pytest.mark.parametrize("name", ["sg-web", "SG-web", "_hidden", "my.cluster", "my cluster"])
def test_an_eks_cluster_name_aws_refuses_in_a_derived_name_is_refused(name: str) -> None:
    """Security groups may not start with 'sg-'; EKS cluster names take letters, digits, '-' and '_'
    and start with a letter or digit."""
    with pytest.raises(InvalidArgumentError) as caught:
        parse_cluster(name, {}, Platform.EKS)
    assert caught.value.resource == name
    assert "'sg-'" in caught.value.allowed


@pytest.mark.parametrize("name", ["2048-game", "Prod_EKS", "aws-prod", "w"])
def test_eks_cluster_names_aws_accepts_everywhere_are_accepted(name: str) -> None:
    assert parse_cluster(name, {}, Platform.EKS).resource_name == name
