"""A Pulumi mocks runner for the ecs platform: AWS-like outputs, invokes, and engine-side transforms.

`pulumi_mocks.run_with_mocks` echoes inputs as outputs. Wiring on AWS goes through outputs that only
the provider computes (ARNs, names, subnet ids, DNS names), so these mocks make them up from each
resource's name: a test can then follow a target group's ARN into a listener rule, or a subnet id
into the service. They also apply `transforms` the way the engine does (a resource's own, then its
parents'), which the stock mock monitor does not.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import rpc, settings
from pulumi.runtime._callbacks import _CallbackServicer
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tests.support.pulumi_mocks import ParentRecordingMonitor, Registration

REGION = "us-east-1"
ACCOUNT = "123456789012"
ECS_CONFIG = {"containers:platform": "ecs", "aws:region": REGION}
INSTANCE_MEMORY_MIB = {
    "c5.large": 4096,
    "c5.xlarge": 8192,
    "m5.large": 8192,
    "c6g.large": 4096,
    "t3.micro": 1024,
}

# Outputs AWS computes, by resource type, made from the resource's name.
COMPUTED: dict[str, Callable[[str], dict[str, Any]]] = {
    "awsx:ec2:Vpc": lambda n: {
        "vpcId": f"vpc-{n}",
        "publicSubnetIds": [f"subnet-public-{n}-1", f"subnet-public-{n}-2"],
        "privateSubnetIds": [f"subnet-private-{n}-1", f"subnet-private-{n}-2"],
    },
    "aws:lb/loadBalancer:LoadBalancer": lambda n: {
        "dnsName": f"{n}.elb.amazonaws.com",
        "zoneId": "Z35SXDOTRQ7X7K",
    },
    "aws:apigatewayv2/api:Api": lambda n: {
        "apiEndpoint": f"https://{n}.execute-api.{REGION}.amazonaws.com",
        "executionArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{n}",
    },
    "aws:ecr/repository:Repository": lambda n: {
        "repositoryUrl": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{n}"
    },
    "docker-build:index:Image": lambda n: {"ref": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{n}@sha256:abc"},
    "aws:sqs/queue:Queue": lambda n: {"url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}"},
    "aws:s3/bucket:Bucket": lambda n: {"bucket": f"{n}-bucket"},
}


class AwsMocks(pulumi.runtime.Mocks):
    """Inputs echoed, plus an ARN, an id and a name for every resource, and what `COMPUTED` adds."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        if not args.custom:  # components (awsx's are remote): their outputs are not their inputs
            return f"{args.name}-id", COMPUTED.get(args.typ, lambda _: {})(args.name)
        outputs = dict(args.inputs)
        service = args.typ.split(":")[1].split("/")[0]
        computed = {
            "arn": f"arn:aws:{service}:{REGION}:{ACCOUNT}:{args.name}",
            "name": f"{args.name}-name",
            "id": f"{args.name}-id",
            **COMPUTED.get(args.typ, lambda _: {})(args.name),
        }
        return f"{args.name}-id", {**outputs, **{k: v for k, v in computed.items() if k not in args.inputs}}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION}
        if args.token == "aws:ec2/getInstanceType:getInstanceType":
            return {"memorySize": INSTANCE_MEMORY_MIB[args.args["instanceType"]]}
        if args.token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {"userName": "AWS", "password": "token"}
        return {}


@dataclass
class AwsRegistration(Registration):
    ignore_changes: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    """Names of the resources it was told to wait for."""


class TransformingMonitor(ParentRecordingMonitor):
    """Runs each resource's `transforms`, then its ancestors', before registering it (as the engine),
    and keeps the options tests look at."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.transforms: dict[str, list[Any]] = {}
        self.options: dict[str, dict[str, list[str]]] = {}
        self.inputs: dict[str, dict[str, Any]] = {}
        self.servicer = _offline_callbacks(self)

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        self.options[urn] = {
            "ignore_changes": list(request.ignoreChanges),
            "depends_on": [dependency.split("::")[-1] for dependency in request.dependencies],
        }
        self.transforms[urn] = list(request.transforms)
        chain, ancestor = list(request.transforms), request.parent
        while ancestor:
            chain += self.transforms.get(ancestor, [])
            ancestor = self.parents.get(ancestor)
        for callback in chain:
            transform = resource_pb2.TransformRequest(
                type=request.type,
                name=request.name,
                custom=request.custom,
                parent=request.parent,
                properties=request.object,
            )
            response = _sync_await(self.servicer._callbacks[callback.token](transform.SerializeToString()))
            request.object.CopyFrom(response.properties)
        self.inputs[urn] = _plain(rpc.deserialize_properties(request.object))
        return super().RegisterResource(request)


def _plain(value: Any) -> Any:
    """Deserialized inputs with secrets unwrapped, as tests compare values."""
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _offline_callbacks(monitor: Any) -> _CallbackServicer:
    """The SDK's callback registry without its gRPC server: the monitor calls the functions directly."""
    servicer = object.__new__(_CallbackServicer)
    servicer._callbacks, servicer._transforms = {}, {}
    servicer._monitor, servicer._target = monitor, "in-process"
    return servicer


def _run(program: Callable[[], Any], config: dict[str, str] | None, monitor: TransformingMonitor) -> None:
    pulumi.runtime.set_mocks(
        monitor.mocks, project="containers", stack="unit", preview=False, monitor=monitor
    )
    pulumi.runtime.set_all_config({**ECS_CONFIG, **(config or {})})
    settings.SETTINGS.callbacks = monitor.servicer
    _sync_await(run_pulumi_func(program))


def lambda_function(name: str) -> aws.lambda_.Function:
    """A Lambda function object, as a program passes one (e.g. as a CodeDeploy hook)."""
    return aws.lambda_.Function(
        name,
        role=f"arn:aws:iam::{ACCOUNT}:role/hooks",
        runtime="nodejs22.x",
        handler="index.handler",
        code=None,
    )


def run_ecs(program: Callable[[], Any], config: dict[str, str] | None = None) -> dict[str, AwsRegistration]:
    """Run `program` on the ecs platform under `AwsMocks`; return every registered resource by name."""
    monitor = TransformingMonitor(AwsMocks())
    _run(program, config, monitor)

    def name_of(urn: str) -> str | None:
        return urn.split("::")[-1] if urn and urn in monitor.resources else None

    names = [name_of(urn) for urn in monitor.resources]
    assert len(names) == len(set(names)), "resource names must be unique for tests to find them"
    return {
        name_of(urn): AwsRegistration(
            type=urn.split("::")[2].split("$")[-1],
            name=name_of(urn),
            parent=name_of(monitor.parents.get(urn, "")),
            # Components' outputs are not their inputs (awsx's VPC): tests look at both.
            inputs={**registration.state, **monitor.inputs.get(urn, {})},
            **monitor.options.get(urn, {}),
        )
        for urn, registration in monitor.get_registered_resources().items()
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
    monitor = TransformingMonitor(AwsMocks())
    try:
        _run(program, config, monitor)
    except Exception as error:
        return error, [urn.split("::")[-1] for urn in monitor.resources]
    raise AssertionError("the program did not fail")
