"""What a ContainerWorkload may reach: `connect_to` targets and raw `iam_role_statements`."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pulumi

from components.spec.arg_reader import ArgReader

# Stacktape's macros for AWS services without a resource in the stack.
AWS_SERVICE_TARGETS = ("aws:ses",)
IAM_EFFECTS = ("Allow", "Deny")
DEFAULT_IAM_EFFECT = "Allow"
IAM_ACTION_PATTERN = re.compile(r"^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$")
IAM_SID_PATTERN = re.compile(r"^[A-Za-z0-9]+$")


@dataclass(frozen=True)
class IamStatementSpec:
    """One IAM statement; `resource` items and `condition` values may be Outputs (ARNs)."""

    effect: str
    action: tuple[str, ...]
    resource: tuple[str | pulumi.Output[str], ...]
    sid: str | None = None
    condition: Mapping[str, Any] | None = None


def parse_connect_to(reader: ArgReader, raw: Any) -> tuple[object, ...]:
    """Component objects (or Outputs of them) and AWS service macros such as 'aws:ses'."""
    if raw is None:
        return ()
    targets: list[object] = []
    for index, item in enumerate(reader.items("connect_to", raw, "components to connect to, or 'aws:ses'")):
        field = f"connect_to[{index}]"
        if item is None or (isinstance(item, str) and item not in AWS_SERVICE_TARGETS):
            raise reader.error(
                field,
                item,
                "a component object (e.g. a bucket or database) or one of " + ", ".join(AWS_SERVICE_TARGETS),
            )
        # Identity for objects, equality for macros: the same target twice is a copy-paste slip.
        if any(t is item or (isinstance(item, str) and t == item) for t in targets):
            raise reader.error(field, item, "each target once")
        targets.append(item)
    return tuple(targets)


def parse_iam_role_statements(reader: ArgReader, raw: Any) -> tuple[IamStatementSpec, ...]:
    if raw is None:
        return ()
    statements = []
    for index, item in enumerate(reader.items("iam_role_statements", raw, "IAM statement dicts")):
        statements.append(_statement(reader, f"iam_role_statements[{index}]", item))
    return tuple(statements)


def _statement(reader: ArgReader, field: str, raw: Any) -> IamStatementSpec:
    value = reader.mapping(
        field, raw, ("sid", "effect", "action", "resource", "condition"), ("action", "resource")
    )
    actions = reader.strings(
        f"{field}.action", value["action"], "IAM actions, e.g. 'sns:Publish'", non_empty=True
    )
    reader.each(
        f"{field}.action",
        actions,
        IAM_ACTION_PATTERN.match,
        "an IAM action 'service:Action', e.g. 'sns:Publish' or 's3:Get*'",
    )
    resources = reader.items(
        f"{field}.resource", value["resource"], "ARNs (strings or Outputs)", non_empty=True
    )
    reader.each(
        f"{field}.resource",
        resources,
        lambda resource: isinstance(resource, str | pulumi.Output) and resource != "",
        "an ARN (a string or an Output), or '*'",
    )
    sid = value.get("sid")
    if sid is not None and (
        not isinstance(reader.plain(f"{field}.sid", sid), str) or not IAM_SID_PATTERN.match(sid)
    ):
        raise reader.error(f"{field}.sid", sid, "letters and digits only (an IAM statement id)")
    condition = value.get("condition")
    if condition is not None:
        condition = reader.plain(f"{field}.condition", condition)
        if not isinstance(condition, Mapping) or not condition:
            raise reader.error(
                f"{field}.condition",
                condition,
                "a dict of IAM condition operators, e.g. "
                "{'StringEquals': {'aws:RequestedRegion': 'eu-west-1'}}",
            )
        condition = MappingProxyType(dict(condition))
    return IamStatementSpec(
        effect=reader.choice(f"{field}.effect", value.get("effect", DEFAULT_IAM_EFFECT), IAM_EFFECTS),
        action=actions,
        resource=tuple(resources),
        sid=sid,
        condition=condition,
    )
