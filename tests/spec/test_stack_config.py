"""The `containers:*` stack config: every key read and validated in one place."""

import json

import pulumi
import pytest

from components import InvalidArgumentError
from components.spec.platform import Platform
from components.spec.stack_config import (
    DEFAULT_READINESS_TIMEOUT_SECONDS,
    DEFAULT_SIM_PROBE_FROM,
    read_stack_config,
)


@pytest.fixture
def config():
    """Set the stack config for one test (as the engine would, as strings), then clear it."""

    def set_config(values: dict[str, str]) -> None:
        pulumi.runtime.set_all_config({f"containers:{k}": v for k, v in values.items()})

    yield set_config
    pulumi.runtime.set_all_config({})


def refused(values: dict[str, str], set_config) -> InvalidArgumentError:
    set_config(values)
    with pytest.raises(InvalidArgumentError) as caught:
        read_stack_config("Workload", "web")
    return caught.value


def test_nothing_set_means_sim_with_the_documented_defaults(config) -> None:
    config({})
    read = read_stack_config("Workload", "web")
    assert read.platform is Platform.SIM
    assert read.readiness_timeout_seconds == DEFAULT_READINESS_TIMEOUT_SECONDS
    assert read.sim_probe_from == DEFAULT_SIM_PROBE_FROM
    assert read.eks_cluster is None


def test_values_are_parsed(config) -> None:
    cluster = {"clusterName": "shared", "endpoint": "https://x.eks.amazonaws.com", "certificate": "Q0E="}
    config({"platform": "eks", "readinessTimeoutSeconds": "90", "eks": json.dumps(cluster)})
    read = read_stack_config("Cluster", "main")
    assert (read.platform, read.readiness_timeout_seconds) == (Platform.EKS, 90.0)
    assert read.eks_cluster is not None and read.eks_cluster.cluster_name == "shared"


@pytest.mark.parametrize(
    ("key", "suggested"),
    [("platfrom", "containers:platform"), ("readinessTimeout", "containers:readinessTimeoutSeconds")],
)
def test_a_misspelt_key_is_refused_with_the_closest_one(config, key: str, suggested: str) -> None:
    error = refused({key: "x"}, config)
    assert (error.component, error.resource) == ("Workload", "web")
    assert error.field == f"containers:{key} (stack config)"
    assert error.allowed.startswith(f"did you mean `{suggested}`?")


def test_an_unrelated_key_lists_every_known_key(config) -> None:
    error = refused({"zzzzzz": "1"}, config)
    assert "did you mean" not in error.allowed
    assert "containers:platform" in error.allowed and "containers:eks" in error.allowed


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"platform": "k8s"}, "platform"),
        ({"simProbeFrom": "sideways"}, "simProbeFrom"),
        ({"readinessTimeoutSeconds": "soon"}, "readinessTimeoutSeconds"),
        ({"readinessTimeoutSeconds": "0"}, "readinessTimeoutSeconds"),
        ({"eks": json.dumps({"clusterName": "x"})}, "eks"),
    ],
)
def test_bad_values_are_refused_naming_the_key(config, values: dict[str, str], key: str) -> None:
    error = refused(values, config)
    assert error.field.startswith(f"containers:{key} (stack config)")
