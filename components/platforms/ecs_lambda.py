"""Lambda functions the ecs platform calls (authorizers, deployment hooks), given as objects or ARNs."""

import pulumi
import pulumi_aws as aws


def function_arn(function: object) -> pulumi.Output[str]:
    """The ARN of an `aws.lambda_.Function`, or the ARN given (a string or an Output)."""
    if isinstance(function, aws.lambda_.Function):
        return function.arn
    return pulumi.Output.from_input(function)  # type: ignore[arg-type]
