"""The row type of the bad-input table (`tests/test_bad_input.py` runs every row): a program that
must be refused at preview with one `InvalidArgumentError`, and what that error must say."""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any


class AnyOf:
    """Matches an error's value that is an instance of `kind` (a component object, an Output)."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.kind)

    def __repr__(self) -> str:
        return f"AnyOf({self.kind.__name__})"


@dataclass(frozen=True)
class Bad:
    case: str
    component: str
    field: str
    value: Any
    """The value the error must name, as the program gave it."""
    allowed: str | tuple[str, ...]
    """A fragment, or several, of what the error must say is allowed."""
    program: Callable[[], object]
    """Makes the component named `resource` (and any it needs first, under other names)."""
    platform: str = "sim"
    config: dict[str, str] = default(default_factory=dict)
    resource: str = "bad"
