"""Input one platform cannot run is refused before anything registers, not even the component."""

import pytest

from components import Cluster, Workload
from tests.support.pulumi_mocks import refused, run_with_mocks

ECS = {"containers:platform": "ecs", "aws:region": "us-east-1"}
EKS = {"containers:platform": "eks", "aws:region": "us-east-1"}


def test_a_workload_bigger_than_fargate_allows_registers_nothing_on_ecs() -> None:
    # 0.5 vCPU with 200 GiB: no Fargate task has that much memory (the largest has 120 GiB).
    big = {"image": "nginx", "resources": {"cpu": 0.5, "memory": 204800}}
    error = refused(lambda: Workload("big", big), ECS)
    assert (error.component, error.field) == ("Workload", "resources")
    assert "122880 MiB" in error.allowed


@pytest.mark.parametrize(
    ("config", "args", "field"),
    [
        (EKS, {"kubernetes_version": 1.35}, "kubernetes_version"),
        (EKS, {"vpc_cidr": "10.0.0.0/8"}, "vpc_cidr"),
        (ECS, {"vpc_cidr": "not-a-cidr"}, "vpc_cidr"),
    ],
)
def test_bad_cluster_args_register_nothing(config: dict[str, str], args: dict, field: str) -> None:
    error = refused(lambda: Cluster("main", args), config)
    assert (error.component, error.field) == ("Cluster", field)


def test_sim_ignores_cloud_cluster_args() -> None:
    resources = run_with_mocks(lambda: Cluster("main", {"kubernetes_version": "1.35"}))
    assert resources["main"].type == "containers:index:Cluster"
