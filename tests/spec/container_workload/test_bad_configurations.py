"""Every bad ContainerWorkload configuration of `tests/support/bad_container_workloads.py` is one clear
error naming the component, the field and what it accepts."""

from collections.abc import Callable
from typing import Any

from tests.support.bad_container_workloads import BAD
from tests.support.container_workload_args import assert_one_clear_error, each_bad_case


@each_bad_case(BAD)
def test_bad_configuration_is_one_clear_error(
    args: Callable[[], dict[str, Any]], field: str, fragments: tuple[str, ...]
) -> None:
    assert_one_clear_error(args, field, fragments)


def test_there_are_at_least_25_distinct_bad_configurations() -> None:
    assert len({case[0] for case in BAD}) == len(BAD) >= 25
    assert len({case[2] for case in BAD}) >= 25  # distinct fields, not one field many times
