"""The component provider's schema against the Python classes it is inferred from."""

import inspect
import json
import subprocess
from typing import Any

import pulumi
import pytest

from components import provider
from tests.support import ROOT


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def args_type(component: type) -> Any:
    return inspect.get_annotations(vars(component)["__init__"], eval_str=True)["args"]


def fields_of(args: type) -> set[str]:
    return {key for cls in args.__mro__ for key in inspect.get_annotations(cls)}


def output_names(component: type) -> set[str]:
    names = set()
    for cls in component.__mro__:
        for key, annotation in inspect.get_annotations(cls).items():
            if not key.startswith("_") and "Output" in str(annotation):
                names.add(camel(key))
    return names


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(provider.ContainersProvider("0.1.0").schema)


@pytest.mark.parametrize("component", provider.SERVED, ids=lambda c: c.__name__)
def test_every_component_has_its_inputs_required_ones_descriptions_and_outputs(
    schema: dict[str, Any], component: type[pulumi.ComponentResource]
) -> None:
    resource = schema["resources"][f"containers:index:{component.__name__}"]
    assert resource["isComponent"] is True
    assert resource["description"] == inspect.getdoc(component)
    args = args_type(component)
    assert set(resource["inputProperties"]) == {camel(key) for key in fields_of(args)}
    assert set(resource.get("requiredInputs", [])) == {camel(key) for key in args.__required_keys__}
    assert set(resource["properties"]) == output_names(component)
    # Field docstrings become descriptions (ContainerWorkloadArgs has none yet: see the README).
    described = [p for p in resource["inputProperties"].values() if p.get("description")]
    assert described or component.__name__ == "ContainerWorkload"


def test_field_docstrings_and_nested_types(schema: dict[str, Any]) -> None:
    workload = schema["resources"]["containers:index:Workload"]
    assert workload["inputProperties"]["image"]["description"].startswith("A registry reference")
    assert workload["inputProperties"]["image"]["type"] == "string"
    assert workload["inputProperties"]["port"]["type"] == "integer"
    assert workload["inputProperties"]["resources"]["$ref"] == "#/types/containers:index:ResourcesArgs"
    resources = schema["types"]["containers:index:ResourcesArgs"]
    assert set(resources["properties"]) == {"cpu", "memory"}
    assert resources["properties"]["cpu"]["type"] == "number"
    assert workload["properties"]["publicUrl"]["description"].startswith("URL reachable from outside")


def test_components_passed_by_object_are_local_resource_references(schema: dict[str, Any]) -> None:
    workload = schema["resources"]["containers:index:Workload"]["inputProperties"]
    assert workload["cluster"]["$ref"] == "#/resources/containers:index:Cluster"
    text = json.dumps(schema)
    assert "/containers/v" not in text, "no reference to this package as an external one"
    assert "dependencies" not in schema
    balancer = schema["resources"]["containers:index:ApplicationLoadBalancer"]["inputProperties"]
    assert balancer["cluster"]["$ref"] == "#/resources/containers:index:Cluster"


def test_whole_numbers_come_back_as_ints() -> None:
    assert provider.whole_numbers({"port": 5678.0, "cpu": 0.25, "args": [1.0, "x"]}) == {
        "port": 5678,
        "cpu": 0.25,
        "args": [1, "x"],
    }


@pytest.mark.sim
def test_pulumi_package_get_schema_serves_the_same_schema(schema: dict[str, Any]) -> None:
    result = subprocess.run(
        ["pulumi", "package", "get-schema", str(ROOT / "provider")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout)
    assert (served["name"], sorted(served["resources"])) == (
        "containers",
        sorted(f"containers:index:{c.__name__}" for c in provider.SERVED),
    )
    for token, resource in schema["resources"].items():
        assert set(served["resources"][token]["inputProperties"]) == set(resource["inputProperties"])
        assert set(served["resources"][token]["properties"]) == set(resource["properties"])
    assert set(served["types"]) == set(schema["types"])
