"""Unit tests under Pulumi mocks, through `components.testing` (the mocks our users get).

`run_with_mocks` runs a program on the sim platform (project `containers`, stack `unit`) and returns
every registration by name, with its outputs and inputs in one mapping, as the tests read them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from components import testing


@dataclass
class Registration:
    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]
    """What the program passed, over what the mocks answered (ARNs, ids, URLs); secrets unwrapped."""
    secret_inputs: list[str]


if TYPE_CHECKING:
    from components.spec.errors import InvalidArgumentError


def by_name(registrations: list[testing.Registration]) -> dict[str, testing.Registration]:
    found = {r.name: r for r in registrations}
    assert len(found) == len(registrations), "resource names must be unique for tests to find them"
    return found


def start_mocks(config: dict[str, str] | None = None, platform: str = "sim") -> testing.Mocks:
    return testing.use_mocks(platform, config, project="containers", stack="unit")


def run_with_mocks(
    program: Callable[[], Any], config: dict[str, str] | None = None
) -> dict[str, Registration]:
    """Run `program` against mocks; return every registered resource by its name."""
    config = dict(config or {})
    mocks = start_mocks(config, config.pop("containers:platform", "sim"))
    return {
        name: Registration(r.type, r.name, r.parent, {**r.outputs, **r.inputs}, r.secret_inputs)
        for name, r in by_name(mocks.run(program)).items()
    }


def refused(program: Callable[[], Any], config: dict[str, str] | None = None) -> "InvalidArgumentError":
    """The InvalidArgumentError `program` raises, after checking that it registered nothing."""
    from components.spec.errors import InvalidArgumentError

    config = dict(config or {})
    mocks = start_mocks(config, config.pop("containers:platform", "sim"))
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)  # drains registrations already sent, then re-raises
    assert mocks.registered() == []
    return caught.value


@dataclass
class Graph:
    """What a program registered: resources by name, with their providers and dependencies."""

    registrations: dict[str, testing.Registration]

    @property
    def resources(self) -> dict[str, Registration]:
        return {
            name: Registration(r.type, r.name, r.parent, {**r.outputs, **r.inputs}, r.secret_inputs)
            for name, r in self.registrations.items()
        }

    def __getitem__(self, name: str) -> Registration:
        return self.resources[name]

    def of_type(self, type_: str) -> dict[str, Registration]:
        return {name: r for name, r in self.resources.items() if r.type == type_}

    def provider_of(self, name: str) -> str | None:
        """The name of the provider resource `name` was registered with."""
        return self.registrations[name].provider

    def dependencies_of(self, name: str) -> list[str]:
        return self.registrations[name].dependencies

    def is_secret(self, name: str, key: str) -> bool:
        return key in self.registrations[name].secret_inputs
