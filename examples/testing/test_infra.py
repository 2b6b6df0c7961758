"""Unit tests of infra.py on every platform, with the mocks `components.testing` gives users.

pip install containers && pytest      # no Docker, no cloud, no Pulumi CLI needed
"""

import importlib
import re
import sys
from types import ModuleType

import pulumi
import pytest

from components import testing

URL_SHAPES = {
    "sim": r"http://127\.0\.0\.1:\d+",
    "eks": r"http://[a-z0-9-]+\.[a-z0-9-]+\.elb\.amazonaws\.com",
    "ecs": r"http://[a-z0-9-]+\.elb\.amazonaws\.com",
}


def load_program() -> ModuleType:
    """Run infra.py afresh against the mocks currently installed."""
    sys.modules.pop("infra", None)
    return importlib.import_module("infra")


@pytest.fixture(params=["sim", "eks", "ecs"])
def platform(request: pytest.FixtureRequest) -> str:
    return request.param


@pulumi.runtime.test
def test_the_web_front_gets_a_public_url_of_its_platform(platform: str) -> pulumi.Output[None]:
    testing.use_mocks(platform)
    infra = load_program()

    def check(values: list[str | None]) -> None:
        public, echo_public, echo_internal = values
        assert public is not None and re.fullmatch(URL_SHAPES[platform], public), public
        assert echo_public is None, "echo is private"
        assert echo_internal is not None and echo_internal.startswith("http://echo")

    return pulumi.Output.all(infra.web.public_url, infra.echo.public_url, infra.echo.internal_url).apply(
        check
    )


def test_on_sim_the_front_runs_two_replicas_on_the_apps_network() -> None:
    mocks = testing.use_mocks("sim")
    mocks.run(load_program)
    replicas = [r for r in mocks.registered() if r.name.startswith("web-replica-")]
    assert len(replicas) == 2
    assert {r.parent for r in replicas} == {"web"}
    assert {r.inputs["network"] for r in replicas} == {"test-test-app"}
    # The API key reaches the container, and stays a secret in the state.
    assert all(r.inputs["env"]["API_KEY"] == "s3cret" and "env" in r.secret_inputs for r in replicas)


def test_on_eks_each_workload_is_one_helm_chart_in_the_stacks_namespace() -> None:
    mocks = testing.use_mocks("eks")
    mocks.run(load_program)
    charts = {r.name: r for r in mocks.registered("kubernetes:helm.sh/v4:Chart")}
    assert sorted(charts) == ["echo-chart", "web-chart"]
    assert charts["web-chart"].inputs["values"]["replicas"] == 2
    assert all(chart.inputs["namespace"] == "test-test" for chart in charts.values())


def test_on_ecs_each_workload_is_one_service() -> None:
    mocks = testing.use_mocks("ecs", {"aws:region": "eu-west-1"})
    mocks.run(load_program)
    services = mocks.registered("aws:ecs/service:Service")
    assert sorted(s.name for s in services) == ["echo-service", "web-service"]
    [web] = [s for s in services if s.name == "web-service"]
    assert web.inputs["desiredCount"] == 2
