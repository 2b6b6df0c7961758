"""botocore's real AWS service models as validators of the payloads and resource inputs we produce.

`strict` runs botocore's ParamValidator (unknown keys, wrong types, missing required members,
minimums) and then adds what ParamValidator leaves to the service: enum values, maximums and
documented patterns.
"""

import re
from typing import Any

import botocore.session
from botocore.exceptions import ParamValidationError
from botocore.model import Shape
from botocore.validate import validate_parameters

SESSION = botocore.session.get_session()


def operation_shape(service: str, operation: str) -> Shape:
    return SESSION.get_service_model(service).operation_model(operation).input_shape


def strict(service: str, operation: str, params: dict[str, Any]) -> None:
    """Raise if `params` is not a valid `operation` input for `service`."""
    shape = operation_shape(service, operation)
    validate_parameters(params, shape)  # ParamValidationError on unknown keys, types, required, min
    problems: list[str] = []
    _walk(params, shape, operation, problems)
    if problems:
        raise ParamValidationError(report="\n".join(problems))


def _walk(value: Any, shape: Shape, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        for key, item in value.items():
            _walk(item, shape.members[key], f"{path}.{key}", problems)
    elif kind == "list":
        for index, item in enumerate(value):
            _walk(item, shape.member, f"{path}[{index}]", problems)
    elif kind == "map":
        for key, item in value.items():
            _walk(key, shape.key, f"{path} key", problems)
            _walk(item, shape.value, f"{path}.{key}", problems)
    elif kind == "string":
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")
        if "max" in shape.metadata and len(value) > shape.metadata["max"]:
            problems.append(f"{path}: longer than {shape.metadata['max']}")
        pattern = shape.metadata.get("pattern")
        if pattern and _python_regex(pattern) and not re.fullmatch(pattern, value):
            problems.append(f"{path}: {value!r} does not match {pattern}")
    elif (
        kind in ("integer", "long", "double", "float")
        and "max" in shape.metadata
        and value > shape.metadata["max"]
    ):
        problems.append(f"{path}: {value} is above {shape.metadata['max']}")


def _python_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def member_problems(service: str, operation: str, member: str, value: Any) -> list[str]:
    """What botocore's model says is wrong with `value` as `operation`'s input `member` (its length
    limits, enum and pattern); [] when it is valid."""
    shape = operation_shape(service, operation).members[member]
    problems: list[str] = []
    if isinstance(value, str) and len(value) < shape.metadata.get("min", 0):
        problems.append(f"{operation}.{member}: shorter than {shape.metadata['min']}")
    _walk(value, shape, f"{operation}.{member}", problems)
    return problems
