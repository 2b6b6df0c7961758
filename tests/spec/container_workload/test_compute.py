"""What a ContainerWorkload runs on (Fargate sizes, EC2 instance types) and how it scales.

The bad-input cases are in `tests/support/bad_container_workloads.py`, run by `tests/test_bad_input.py`.
"""

import pytest

from components.spec.container_workload.compute import Ec2Resources, FargateResources
from components.spec.errors import InvalidArgumentError
from tests.support.container_workload_args import (
    http_event,
    parse,
    workload,
)
from tests.support.stacktape_examples import build


def test_the_pages_2_vcpu_2048_mib_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse(workload(resources={"cpu": 2, "memory": 2048}))
    assert caught.value.field == "resources.memory"
    assert "4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384" in (
        caught.value.allowed
    )


def test_using_fargate_snippet() -> None:
    spec = parse(
        {
            "containers": [{"name": "api-container", "build": build()}],
            "resources": {"cpu": 0.25, "memory": 512},
        },
        "myContainerWorkload",
    )
    assert spec.on_fargate and spec.resources.cpu_units == 256


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [
        (0.25, 512),
        (0.5, 4096),
        (1, 8192),
        (2, 16384),
        (4, 30720),
        (8, 61440),
        (16, 122880),
        (16, 32768),
        (4, 9216),
        (8, 20480),
    ],
)
def test_every_fargate_edge_pair_is_accepted(cpu: float, memory: int) -> None:
    resources = parse(workload(resources={"cpu": cpu, "memory": memory})).resources
    assert resources == FargateResources(cpu=float(cpu), memory=memory)


def test_using_ec2_instances_snippet() -> None:
    spec = parse(
        {
            "containers": [{"name": "api-container", "build": build()}],
            "resources": {"instance_types": ["c5.large"]},
        },
        "myContainerWorkload",
    )
    assert spec.resources == Ec2Resources(
        instance_types=("c5.large",), cpu=None, memory=None, enable_warm_pool=False, architecture="x86_64"
    )
    assert not spec.on_fargate


def test_warm_pool_snippet() -> None:
    resources = parse(
        workload(resources={"instance_types": ["c5.large"], "enable_warm_pool": True})
    ).resources
    assert isinstance(resources, Ec2Resources) and resources.enable_warm_pool


def test_ec2_with_cpu_and_memory_binpacks_and_graviton_is_arm64() -> None:
    # "If you specify cpu and memory, AWS uses a binpack strategy" -- allowed together with instanceTypes.
    resources = parse(
        workload(
            resources={
                "instance_types": ["m7g.large", "c7g.xlarge"],
                "cpu": 1,
                "memory": 2048,
                "architecture": "arm64",
            }
        )
    ).resources
    assert resources == Ec2Resources(
        instance_types=("m7g.large", "c7g.xlarge"),
        cpu=1.0,
        memory=2048,
        enable_warm_pool=False,
        architecture="arm64",
    )
    assert parse(workload(resources={"instance_types": ["t4g.small"]})).resources.architecture == "arm64"


def test_fargate_arm64() -> None:
    assert (
        parse(workload(resources={"cpu": 1, "memory": 2048, "architecture": "arm64"})).resources.architecture
        == "arm64"
    )


def test_scaling_snippet() -> None:
    spec = parse(
        {
            "containers": [
                {
                    "name": "container-1",
                    "build": build(),
                    "events": [http_event(method="*", path="*")],
                },
                {
                    "name": "container-2",
                    "build": build(),
                    "events": [{"type": "workload-internal", "container_port": 3000}],
                },
            ],
            "resources": {"cpu": 0.5, "memory": 1024},
            "scaling": {
                "min_instances": 1,
                "max_instances": 5,
                "scaling_policy": {
                    "keep_avg_memory_utilization_under": 80,
                    "keep_avg_cpu_utilization_under": 80,
                },
            },
        },
        "myContainerWorkload",
    )
    assert spec.scaling.autoscaled
    assert spec.scaling.scaling_policy.keep_avg_cpu_utilization_under == 80
    assert spec.scaling.scaling_policy.keep_avg_memory_utilization_under == 80


def test_scaling_defaults() -> None:
    scaling = parse(workload()).scaling
    assert (scaling.min_instances, scaling.max_instances) == (1, 1)  # Stacktape's defaults
    assert not scaling.autoscaled
    assert scaling.scaling_policy.keep_avg_cpu_utilization_under == 80
    assert scaling.scaling_policy.keep_avg_memory_utilization_under == 80
    partial = parse(
        workload(scaling={"max_instances": 4, "scaling_policy": {"keep_avg_cpu_utilization_under": 60}})
    )
    assert partial.scaling.scaling_policy.keep_avg_cpu_utilization_under == 60
    assert partial.scaling.scaling_policy.keep_avg_memory_utilization_under == 80
    assert parse(workload(scaling={"min_instances": 3})).scaling.max_instances == 3
