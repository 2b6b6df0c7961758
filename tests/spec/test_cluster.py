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


@pytest.mark.parametrize("name", ["eks", "eks-prod"])
def test_a_fargate_cluster_whose_profile_name_eks_would_refuse_is_refused(name: str) -> None:
    """EKS: "The fargate profile name starts with the reserved prefix: 'eks-'" (pulumi-eks#426); the
    profile is named '<cluster resource>-fargateProfile', our cluster resource '<name>-eks'."""
    with pytest.raises(InvalidArgumentError) as caught:
        parse_cluster(name, {"fargate": True}, Platform.EKS)
    assert (caught.value.component, caught.value.resource, caught.value.field) == ("Cluster", name, "fargate")
    assert "'eks-'" in caught.value.allowed
    assert parse_cluster(name, {}, Platform.EKS).nodes is not None  # node groups have no such prefix


@pytest.mark.parametrize("name", ["prod-eks", "eksprod", "web"])
def test_fargate_clusters_with_other_names_are_accepted(name: str) -> None:
    assert parse_cluster(name, {"fargate": True}, Platform.EKS).nodes is None
