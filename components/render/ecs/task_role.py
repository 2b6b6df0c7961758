"""Render the IAM policy statements of a ContainerWorkload's task role.

The user's `iam_role_statements`, plus what `enable_remote_sessions` and the `aws:ses` macro need.
Resource ARNs may be Outputs: they pass through untouched, so the Pulumi layer serializes the
document with `pulumi.Output.json_dumps`. (`connect_to` components grant their own access: this
layer cannot know what an opaque object needs.)
"""

from collections.abc import Sequence
from typing import Any

from components.spec.container_workload.workload import ContainerWorkloadSpec

POLICY_VERSION = "2012-10-17"
# What ECS Exec needs in the task role for the SSM agent's control and data channels.
REMOTE_SESSION_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
# Stacktape's `connect_to` macros for AWS services -> the statements they grant. Least privilege:
# 'aws:ses' sends mail (SES v1 and v2 APIs authorize these actions), as any verified identity of the
# caller may use (another account's needs its sending authorization), any configuration set and
# template; it manages nothing (Stacktape grants `ses:*`).
SES_SEND_ACTIONS = (
    "ses:SendEmail",
    "ses:SendRawEmail",
    "ses:SendTemplatedEmail",
    "ses:SendBulkTemplatedEmail",
    "ses:SendBulkEmail",
)
SES_SEND_RESOURCES = (
    "arn:aws:ses:*:*:identity/*",
    "arn:aws:ses:*:*:configuration-set/*",
    "arn:aws:ses:*:*:template/*",
)
AWS_SERVICE_GRANTS = {"aws:ses": (SES_SEND_ACTIONS, SES_SEND_RESOURCES)}


def policy_document(statements: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def allow(actions: Sequence[str], resources: Sequence[Any]) -> dict[str, Any]:
    """A statement allowing `actions` on `resources` (ARNs, which may be Outputs)."""
    return {"Effect": "Allow", "Action": list(actions), "Resource": list(resources)}


# Services that send aws:SourceAccount when they assume a role, so the trust policy can name the
# account (cross-service confused deputy prevention, as AWS's samples for ECS task roles do).
SOURCE_ACCOUNT_SERVICES = ("ecs-tasks.amazonaws.com",)


def service_trust(service: str, account: Any = None) -> dict[str, Any]:
    """The trust policy letting an AWS service (e.g. 'ecs-tasks.amazonaws.com') assume a role; for the
    services in SOURCE_ACCOUNT_SERVICES, only on behalf of `account` (the deploying account's id)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if account is not None and service in SOURCE_ACCOUNT_SERVICES:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account}}
    return policy_document([statement])


def task_role_statements(spec: ContainerWorkloadSpec) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for statement in spec.iam_role_statements:
        rendered: dict[str, Any] = {
            "Effect": statement.effect,
            "Action": list(statement.action),
            "Resource": list(statement.resource),
        }
        if statement.sid is not None:
            rendered["Sid"] = statement.sid
        if statement.condition is not None:
            rendered["Condition"] = dict(statement.condition)
        statements.append(rendered)
    for target in spec.connect_to:
        if isinstance(target, str):
            actions, resources = AWS_SERVICE_GRANTS[target]
            statements.append(allow(actions, resources))
    if spec.enable_remote_sessions:
        statements.append(allow(REMOTE_SESSION_ACTIONS, ["*"]))
    return statements


def task_role_policy(spec: ContainerWorkloadSpec) -> dict[str, Any] | None:
    """The inline policy document, or None when the role needs no permissions."""
    statements = task_role_statements(spec)
    return policy_document(statements) if statements else None
