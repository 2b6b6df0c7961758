"""Container arguments that must not be secret: the cloud platforms store them where a secret would
be readable in plain text (a Deployment's args, a task definition's command), so a secret given as an
argument fails the update with one clear error instead; secrets belong in `env`."""

from collections.abc import Callable

import pulumi

from components.spec.errors import InvalidArgumentError

ECS_RULE = (
    "plain values on ecs (a task definition's command is readable by anyone allowed to describe it); "
    "pass a secret as an environment value, which ECS reads from an SSM SecureString"
)


def refusing_secret(arg: pulumi.Input[str], error: Callable[[], InvalidArgumentError]) -> pulumi.Output[str]:
    """`arg` as an Output that fails with `error()` once it resolves, if it is secret."""
    output = pulumi.Output.from_input(arg)

    async def check(value: str) -> str:
        if await output.is_secret():
            raise error()
        return value

    return output.apply(check)
