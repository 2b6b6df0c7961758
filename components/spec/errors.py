"""The one error type for bad input, raised before any resource is created."""

from typing import Any

import pulumi


class InvalidArgumentError(pulumi.RunError):
    """A component argument that cannot work, reported as one sentence.

    Subclassing `pulumi.RunError` makes the engine print just the message (no Python traceback),
    which is what a user fixing a typo in their program wants to read.
    """

    def __init__(self, component: str, resource: str, field: str, value: Any, allowed: str) -> None:
        self.component = component
        self.resource = resource
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(
            f'{component} "{resource}": field "{field}" got {_describe(value)}; allowed: {allowed}.'
        )


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    return f"{value!r} ({type(value).__name__})"
