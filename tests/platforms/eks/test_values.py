"""scripts/eks-values against botocore's Stubber: real request and response validation from the EKS
service model, no AWS account. Its output must be what the eks platform reads from the stack config."""

import importlib.machinery
import importlib.util
import json
import os
import textwrap
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import botocore.session
import pulumi
import pytest
import yaml
from botocore.stub import Stubber

from components.spec.stack_config import read_stack_config
from tests.support.helm_tools import REPO

SCRIPT = REPO / "scripts" / "eks-values"
NAME = "shared-prod"
ENDPOINT = "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com"
CERTIFICATE = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM="


def _load_script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("eks_values", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


eks_values = _load_script()


def _cluster(status: str = "ACTIVE", **fields: Any) -> dict[str, Any]:
    return {
        "cluster": {
            "name": NAME,
            "arn": f"arn:aws:eks:eu-west-1:123456789012:cluster/{NAME}",
            "version": "1.35",
            "status": status,
            **fields,
        }
    }


@pytest.fixture
def eks() -> Iterator[tuple[Any, Stubber]]:
    client = botocore.session.get_session().create_client(
        "eks", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_prints_the_containers_eks_config(
    eks: tuple[Any, Stubber], capsys: pytest.CaptureFixture[str]
) -> None:
    client, stubber = eks
    response = _cluster(endpoint=ENDPOINT, certificateAuthority={"data": CERTIFICATE})
    stubber.add_response("describe_cluster", response, {"name": NAME})
    assert eks_values.main([NAME], eks=client) == 0
    printed = capsys.readouterr().out
    values = {"clusterName": NAME, "endpoint": ENDPOINT, "certificate": CERTIFICATE}
    assert yaml.safe_load(printed) == {"containers:eks": values}
    # Pasted under `config:` as the usage says, it is a valid stack file holding the same values.
    stack_file = "config:\n  containers:platform: eks\n" + textwrap.indent(printed, "  ")
    assert yaml.safe_load(stack_file)["config"]["containers:eks"] == values


def test_the_printed_config_is_what_the_eks_platform_accepts(
    eks: tuple[Any, Stubber], capsys: pytest.CaptureFixture[str]
) -> None:
    client, stubber = eks
    response = _cluster(endpoint=ENDPOINT, certificateAuthority={"data": CERTIFICATE})
    stubber.add_response("describe_cluster", response, {"name": NAME})
    eks_values.main([NAME], eks=client)
    printed = yaml.safe_load(capsys.readouterr().out)
    # The engine hands a structured config value to the program as JSON.
    pulumi.runtime.set_all_config({"containers:eks": json.dumps(printed["containers:eks"])})
    try:
        cluster = read_stack_config("Cluster", "app").eks_cluster
    finally:
        pulumi.runtime.set_all_config({})
    assert cluster is not None
    assert (cluster.cluster_name, cluster.endpoint, cluster.certificate) == (NAME, ENDPOINT, CERTIFICATE)


def test_unknown_cluster_fails_with_the_service_message(
    eks: tuple[Any, Stubber], capsys: pytest.CaptureFixture[str]
) -> None:
    client, stubber = eks
    stubber.add_client_error(
        "describe_cluster",
        service_error_code="ResourceNotFoundException",
        service_message=f"No cluster found for name: {NAME}.",
        http_status_code=404,
        expected_params={"name": NAME},
    )
    assert eks_values.main([NAME], eks=client) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "ResourceNotFoundException" in err and f"No cluster found for name: {NAME}" in err


def test_a_cluster_still_being_created_has_no_endpoint_yet(
    eks: tuple[Any, Stubber], capsys: pytest.CaptureFixture[str]
) -> None:
    client, stubber = eks
    stubber.add_response("describe_cluster", _cluster(status="CREATING"), {"name": NAME})
    assert eks_values.main([NAME], eks=client) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "CREATING" in err and "ACTIVE" in err


def test_the_script_is_executable_with_a_shebang() -> None:
    assert os.access(SCRIPT, os.X_OK)
    assert SCRIPT.read_text().startswith("#!/usr/bin/env python3\n")
