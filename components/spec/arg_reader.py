"""Typed readers for one component's raw args that raise `InvalidArgumentError` on bad values.

Every reader takes the dotted `field` path it reads (e.g. "containers[0].events[1].priority") so a
message always points at the exact spot in the user's program.
"""

import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi

from components.spec.errors import InvalidArgumentError

PLAIN_RULE = "a plain value, not an Output (it decides which resources exist)"


class ArgReader:
    """Readers bound to one component instance (its type and resource name) for error messages."""

    def __init__(self, component: str, resource: str) -> None:
        self.component = component
        self.resource = resource

    def error(self, field: str, value: Any, allowed: str) -> InvalidArgumentError:
        return InvalidArgumentError(self.component, self.resource, field, value, allowed)

    def plain(self, field: str, value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            raise self.error(field, value, PLAIN_RULE)
        return value

    def mapping(
        self, field: str, value: Any, keys: Sequence[str], required: Sequence[str] = ()
    ) -> Mapping[str, Any]:
        """A dict whose keys all belong to `keys` and that holds every key of `required`."""
        value = self.plain(field, value)
        if not isinstance(value, Mapping):
            raise self.error(field, value, f"a dict with the keys {', '.join(keys)}")
        for key in value:
            if key not in keys:
                raise self.error(_join(field, str(key)), value[key], unknown_key_rule(str(key), keys))
        for key in required:
            if value.get(key) is None:
                raise self.error(_join(field, key), None, f"a value: '{key}' is required")
        return value

    def items(self, field: str, value: Any, what: str, non_empty: bool = False) -> list[Any]:
        """A list (or tuple) of anything; `what` describes the items for the message."""
        value = self.plain(field, value)
        if not isinstance(value, list | tuple) or (non_empty and not value):
            raise self.error(field, value, f"a {'non-empty ' if non_empty else ''}list of {what}")
        return list(value)

    def integer(self, field: str, value: Any, low: int, high: int) -> int:
        value = self.plain(field, value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(field, value, f"an integer from {low} to {high}")
        return value

    def number(self, field: str, value: Any, low: float, high: float) -> float:
        value = self.plain(field, value)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.error(field, value, f"a number from {low:g} to {high:g}")
        return float(value)

    def port(self, field: str, value: Any) -> int:
        return self.integer(field, value, 1, 65535)

    def boolean(self, field: str, value: Any) -> bool:
        value = self.plain(field, value)
        if not isinstance(value, bool):
            raise self.error(field, value, "true or false")
        return value

    def text(self, field: str, value: Any, allowed: str = "a non-empty string") -> str:
        value = self.plain(field, value)
        if not isinstance(value, str) or not value:
            raise self.error(field, value, allowed)
        return value

    def choice(self, field: str, value: Any, choices: Sequence[str]) -> str:
        value = self.plain(field, value)
        if value not in choices:
            raise self.error(field, value, "one of " + ", ".join(choices))
        return value

    def strings(self, field: str, value: Any, what: str, non_empty: bool = False) -> tuple[str, ...]:
        """A list of non-empty plain strings; `what` describes one item."""
        items = self.items(field, value, what, non_empty)
        for index, item in enumerate(items):
            self.text(f"{field}[{index}]", item, what)
        return tuple(items)

    def each(
        self, field: str, values: Sequence[Any], accepted: Callable[[Any], object], allowed: str
    ) -> None:
        """Refuse the first item of `values` that `accepted` finds falsy, naming it `field[index]`."""
        for index, value in enumerate(values):
            if not accepted(value):
                raise self.error(f"{field}[{index}]", value, allowed)

    def reference(self, field: str, value: Any, what: str) -> Any:
        """An object this layer passes through untouched (a component, a function, ...). Typed by
        the spec field it fills; the component that receives it checks its class."""
        if value is None:
            raise self.error(field, value, what)
        return self.plain(field, value)

    def input_value(self, field: str, value: Any, what: str) -> object:
        """A value that may be known only at deploy time: a plain one or an Output."""
        if value is None or (isinstance(value, str) and not value):
            raise self.error(field, value, f"{what} (a plain value or an Output)")
        return value


def unknown_key_rule(key: str, keys: Sequence[str], prefix: str = "") -> str:
    """What to say about a key that is not one of `keys`: the closest one first, when there is one."""
    close = difflib.get_close_matches(key, keys, n=1)
    known = f"one of the keys {', '.join(prefix + k for k in keys)}"
    return f"did you mean `{prefix}{close[0]}`? ({known})" if close else known


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key
