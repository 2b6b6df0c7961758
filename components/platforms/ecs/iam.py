"""What a ContainerWorkload's containers may reach: its task role, and what `connect_to` grants.

Each `connect_to` target grants the least the containers need to use it, and tells them where it is
through environment variables named as Stacktape names them, `STP_<TARGET>_<PROPERTY>` (the
target's resource name in upper snake case, e.g. `photosBucket` -> `STP_PHOTOS_BUCKET_NAME`):

| target                | task role may                                           | variables                |
|-----------------------|---------------------------------------------------------|--------------------------|
| `aws.s3.Bucket`       | list it; get, put and delete its objects                | `_NAME`, `_ARN`          |
| `aws.dynamodb.Table`  | read and write items, query and scan it and its indexes | `_NAME`, `_ARN`          |
| `aws.sqs.Queue`       | send, receive, delete messages; read its attributes     | `_URL`, `_ARN`, `_NAME`  |
| `aws.sns.Topic`       | publish                                                 | `_ARN`, `_NAME`          |
| a `ContainerWorkload` | nothing (1)                                             | `_<CONTAINER>_<PORT>_URL`|
| `"aws:ses"`           | send mail only (`ses:Send*Email` on SES identities)     | none                     |

(1) Its service-connect ports admit every workload of the cluster already (the shared group).
One URL per service-connect port: `http://<alias>:<port>` (`grpc://` for gRPC ports).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pulumi
import pulumi_aws as aws

from components.platforms.names import env_name
from components.platforms.service_connect import service_connect_environment
from components.render.ecs.task_role import policy_document, service_trust, task_role_statements
from components.spec.container_workload.workload import ContainerWorkloadSpec

ECS_TASKS = "ecs-tasks.amazonaws.com"
EMPTY: Mapping[str, Any] = MappingProxyType({})
BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation")
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectAttributes")
TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:DescribeTable",
)
QUEUE_ACTIONS = (
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
)
TOPIC_ACTIONS = ("sns:Publish",)


@dataclass(frozen=True)
class Connection:
    statements: tuple[dict[str, Any], ...]
    environment: Mapping[str, pulumi.Input[str]]


def _allow(actions: tuple[str, ...], *resources: pulumi.Input[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": list(resources)}


def _bucket(bucket: aws.s3.Bucket) -> Connection:
    name = bucket.pulumi_resource_name
    return Connection(
        (_allow(BUCKET_ACTIONS, bucket.arn), _allow(OBJECT_ACTIONS, pulumi.Output.concat(bucket.arn, "/*"))),
        {env_name(name, "name"): bucket.bucket, env_name(name, "arn"): bucket.arn},
    )


def _table(table: aws.dynamodb.Table) -> Connection:
    name = table.pulumi_resource_name
    return Connection(
        (_allow(TABLE_ACTIONS, table.arn, pulumi.Output.concat(table.arn, "/index/*")),),
        {env_name(name, "name"): table.name, env_name(name, "arn"): table.arn},
    )


def _queue(queue: aws.sqs.Queue) -> Connection:
    name = queue.pulumi_resource_name
    return Connection(
        (_allow(QUEUE_ACTIONS, queue.arn),),
        {
            env_name(name, "url"): queue.url,
            env_name(name, "arn"): queue.arn,
            env_name(name, "name"): queue.name,
        },
    )


def _topic(topic: aws.sns.Topic) -> Connection:
    name = topic.pulumi_resource_name
    return Connection(
        (_allow(TOPIC_ACTIONS, topic.arn),),
        {env_name(name, "arn"): topic.arn, env_name(name, "name"): topic.name},
    )


def _workload(spec: ContainerWorkloadSpec) -> Connection:
    return Connection((), service_connect_environment(spec))


CONNECTORS: Mapping[type, Callable[[Any], Connection]] = {
    aws.s3.Bucket: _bucket,
    aws.dynamodb.Table: _table,
    aws.sqs.Queue: _queue,
    aws.sns.Topic: _topic,
}
SUPPORTED_TARGETS = (
    "an aws.s3.Bucket, aws.dynamodb.Table, aws.sqs.Queue or aws.sns.Topic, a ContainerWorkload, or 'aws:ses'"
)


def workload_spec(target: object) -> ContainerWorkloadSpec | None:
    """The spec of a ContainerWorkload target (components keep theirs as `spec`), else None."""
    if isinstance(target, pulumi.Output):  # its attributes are Outputs too: no kind to tell
        return None
    spec = getattr(target, "spec", None)
    return spec if isinstance(spec, ContainerWorkloadSpec) else None


def connection(target: object) -> Connection | None:
    """What connecting to `target` grants; None for what this platform cannot connect to.

    Service macros ('aws:ses') are granted by the task role renderer, with nothing to announce.
    """
    if isinstance(target, str):
        return Connection((), {})
    spec = workload_spec(target)
    if spec is not None:
        return _workload(spec)
    connect = next((c for kind, c in CONNECTORS.items() if isinstance(target, kind)), None)
    return None if connect is None else connect(target)


@dataclass(frozen=True)
class Access:
    role: aws.iam.Role
    policy: aws.iam.RolePolicy | None
    environment: Mapping[str, pulumi.Input[str]]
    """Variables every container gets (`connect_to`); a container's own `environment` wins."""


def inline_policy(
    name: str, role: aws.iam.Role, statements: list[dict[str, Any]], opts: pulumi.ResourceOptions
) -> aws.iam.RolePolicy:
    """`role`'s inline policy of `statements` (their resources may be Outputs)."""
    return aws.iam.RolePolicy(
        name, role=role.id, policy=pulumi.Output.json_dumps(policy_document(statements)), opts=opts
    )


def service_role(
    name: str,
    service: str,
    opts: pulumi.ResourceOptions,
    *,
    description: str | None = None,
    managed_policies: Mapping[str, str] = EMPTY,
    inline_policies: Mapping[str, list[dict[str, Any]]] = EMPTY,
) -> tuple[aws.iam.Role, list[pulumi.Resource]]:
    """A role that `service` (e.g. 'ecs-tasks.amazonaws.com') assumes, and what grants it permissions:
    `managed_policies` (resource name -> policy ARN) and `inline_policies` (resource name ->
    statements). Returns the role and the grants, which whatever acts as the role depends on."""
    role = aws.iam.Role(
        name,
        assume_role_policy=pulumi.Output.json_dumps(service_trust(service, _account(opts))),
        description=description,
        opts=opts,
    )
    grants: list[pulumi.Resource] = [
        aws.iam.RolePolicyAttachment(grant, role=role.name, policy_arn=arn, opts=opts)
        for grant, arn in managed_policies.items()
    ]
    grants += [inline_policy(grant, role, statements, opts) for grant, statements in inline_policies.items()]
    return role, grants


def _account(opts: pulumi.ResourceOptions) -> pulumi.Output[str]:
    """The deploying account's id, through the provider of `opts.parent`."""
    invoke = pulumi.InvokeOutputOptions(parent=opts.parent) if opts.parent else None
    return aws.get_caller_identity_output(opts=invoke).account_id


def create_task_role(parent: pulumi.Resource, spec: ContainerWorkloadSpec) -> Access:
    """The role the containers run as: `iam_role_statements`, `connect_to` and ECS Exec's needs."""
    child = pulumi.ResourceOptions(parent=parent)
    connections = [c for c in map(connection, spec.connect_to) if c is not None]
    statements = task_role_statements(spec) + [s for c in connections for s in c.statements]
    role, _ = service_role(
        f"{spec.resource_name}-task-role", ECS_TASKS, child, description=f"containers of {spec.resource_name}"
    )
    policy = (
        inline_policy(f"{spec.resource_name}-task-policy", role, statements, child) if statements else None
    )
    environment = {name: value for c in connections for name, value in c.environment.items()}
    return Access(role=role, policy=policy, environment=environment)
