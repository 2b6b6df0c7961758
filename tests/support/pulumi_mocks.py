"""Unit tests under Pulumi mocks: run a program, get back every resource it registered.

`EchoMocks` echoes inputs as outputs; the monitor remembers each resource's parent so tests can
assert the tree. `ecs_mocks` builds its AWS runner on these classes; the eks tests swap in their own
by replacing `EchoMocks` and `ParentRecordingMonitor` in this module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

# Outputs the sim providers compute; under mocks each gets a value naming its resource, so a test
# can follow the wiring (e.g. a replica runs `ref-of:web-image`).
COMPUTED_OUTPUTS = ("image_ref", "image_id", "url")


class EchoMocks(pulumi.runtime.Mocks):
    """Every resource's outputs are its inputs, so tests see exactly what a component asked for."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        computed = {f: f"{f.split('_')[-1]}-of:{args.name}" for f in COMPUTED_OUTPUTS if f not in args.inputs}
        return f"{args.name}-id", {**computed, **args.inputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}


@dataclass
class Registration:
    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]


class ParentRecordingMonitor(MockMonitor):
    """The stock mock monitor forgets each resource's parent; tests assert the tree, so keep it."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.parents: dict[str, str] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.parents[response.urn] = request.parent
        return response


def start_mocks(config: dict[str, str] | None = None) -> ParentRecordingMonitor:
    """Point the Pulumi runtime at fresh mocks; the monitor records every registration."""
    mocks = EchoMocks()
    monitor = ParentRecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="containers", stack="unit", preview=False, monitor=monitor)
    pulumi.runtime.set_all_config({"containers:platform": "sim", **(config or {})})
    return monitor


def registrations(monitor: ParentRecordingMonitor) -> dict[str, Registration]:
    """Every resource the monitor saw, by name."""

    def name_of(urn: str) -> str | None:
        return urn.split("::")[-1] if urn and urn in monitor.resources else None

    return {
        name_of(urn): Registration(
            type=urn.split("::")[2].split("$")[-1],
            name=name_of(urn),
            parent=name_of(monitor.parents.get(urn, "")),
            inputs=dict(registration.state),
        )
        for urn, registration in monitor.get_registered_resources().items()
    }


def run_with_mocks(
    program: Callable[[], Any], config: dict[str, str] | None = None
) -> dict[str, Registration]:
    """Run `program` against mocks; return every registered resource by its name."""
    monitor = start_mocks(config)
    _sync_await(run_pulumi_func(program))
    return registrations(monitor)


def refused(program: Callable[[], Any], config: dict[str, str] | None = None) -> Exception:
    """The InvalidArgumentError `program` raises, after checking that it registered nothing."""
    from components.spec.errors import InvalidArgumentError

    monitor = start_mocks(config)
    with pytest.raises(InvalidArgumentError) as caught:
        _sync_await(run_pulumi_func(program))  # drains registrations already sent, then re-raises
    assert registrations(monitor) == {}
    return caught.value
