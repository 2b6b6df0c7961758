"""From what the ecs platform is given to pulumi-aws arguments: the renderers' AWS API payloads, and
Lambda functions (authorizers, deployment hooks) given as objects or ARNs.

Renderers speak the AWS API (camelCase, as botocore validates it); pulumi-aws takes the same
structures with snake_case keys. `snake_keys` converts one into the other where the names match one
to one; where pulumi-aws renamed a field (a plural, a different word), the platform module maps it
by hand.
"""

import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws


def snake_case(name: str) -> str:
    """'efsVolumeConfiguration' -> 'efs_volume_configuration', 'HttpHeaderName' -> 'http_header_name'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def snake_keys(value: Any) -> Any:
    """`value` with every dict key, at any depth, in snake_case; values untouched."""
    if isinstance(value, Mapping):
        return {snake_case(key): snake_keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [snake_keys(item) for item in value]
    return value


def function_arn(function: object) -> pulumi.Output[str]:
    """The ARN of an `aws.lambda_.Function`, or the ARN given (a string or an Output)."""
    if isinstance(function, aws.lambda_.Function):
        return function.arn
    return pulumi.Output.from_input(function)  # type: ignore[arg-type]
