"""The ecs platform under `components.testing`'s mocks: AWS-like outputs, invokes, and
engine-side transforms, with each registration's options as the ecs tests read them.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi_aws as aws

from components import testing
from tests.support.pulumi_mocks import Registration, by_name

REGION = testing.REGION
ACCOUNT = testing.ACCOUNT
ECS_CONFIG = {"containers:platform": "ecs", "aws:region": REGION}


@dataclass
class AwsRegistration(Registration):
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    """Names of the resources it was told to wait for."""


def _mocks(config: dict[str, str] | None, ecr_images: dict[tuple[str, str], str] | None) -> testing.Mocks:
    mocks = testing.use_mocks("ecs", {**ECS_CONFIG, **(config or {})}, project="containers", stack="unit")
    mocks.ecr_images = dict(ecr_images or {})
    return mocks


def lambda_function(name: str) -> aws.lambda_.Function:
    """A Lambda function object, as a program passes one (e.g. as a CodeDeploy hook)."""
    return aws.lambda_.Function(
        name,
        role=f"arn:aws:iam::{ACCOUNT}:role/hooks",
        runtime="nodejs22.x",
        handler="index.handler",
        code=None,
    )


def ec2_network(cluster_name: str = "app") -> dict[str, Any]:
    """What a workload on EC2 needs (ECS gives its awsvpc tasks no public IP): private subnets, on a
    cluster with NAT. Call inside the program; spread into the workload's args."""
    from components import Cluster

    return {
        "cluster": Cluster(cluster_name, {"nat_gateways": "Single"}),
        "use_private_subnets_with_nat": True,
    }


def run_ecs(
    program: Callable[[], Any],
    config: dict[str, str] | None = None,
    ecr_images: dict[tuple[str, str], str] | None = None,
) -> dict[str, AwsRegistration]:
    """Run `program` on the ecs platform under `components.testing.Mocks`, with `ecr_images` already
    in ECR (digests by repository name and tag); every resource by name."""
    return {
        name: AwsRegistration(
            type=r.type,
            name=r.name,
            parent=r.parent,
            # Components' outputs are not their inputs (awsx's VPC): tests look at both.
            inputs={**r.outputs, **r.inputs},
            secret_inputs=r.secret_inputs,
            ignore_changes=r.ignore_changes,
            replace_on_changes=r.replace_on_changes,
            depends_on=r.dependencies,
        )
        for name, r in by_name(_mocks(config, ecr_images).run(program)).items()
    }


def of_type(resources: dict[str, AwsRegistration], type_: str) -> dict[str, AwsRegistration]:
    """The resources of one type token, e.g. 'aws:ecs/service:Service', by name."""
    return {name: r for name, r in resources.items() if r.type == type_}


def only(resources: dict[str, AwsRegistration], type_: str) -> AwsRegistration:
    """The one resource of a type token."""
    (found,) = of_type(resources, type_).values()
    return found


def policy(registration: AwsRegistration) -> dict[str, Any]:
    """An IAM policy document input, parsed."""
    return json.loads(registration.inputs["policy"])


def register_task_definition_params(task_definition: AwsRegistration) -> dict[str, Any]:
    """The RegisterTaskDefinition input AWS gets from a registered `aws.ecs.TaskDefinition`."""
    inputs = task_definition.inputs
    params = {
        key: inputs[key]
        for key in (
            "family",
            "taskRoleArn",
            "executionRoleArn",
            "networkMode",
            "requiresCompatibilities",
            "cpu",
            "memory",
            "runtimePlatform",
            "volumes",
        )
        if inputs.get(key) not in (None, [])
    }
    return {**params, "containerDefinitions": json.loads(inputs["containerDefinitions"])}


def registered_before_error(
    program: Callable[[], Any], config: dict[str, str] | None = None
) -> tuple[BaseException, list[str]]:
    """Run a program that must fail; return its error and the names of what it registered first."""
    mocks = _mocks(config, None)
    try:
        mocks.run(program)
    except Exception as error:
        return error, [r.name for r in mocks.registered()]
    raise AssertionError("the program did not fail")
