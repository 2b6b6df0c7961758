"""What a ContainerWorkload may reach on ecs, under mocks: `connect_to` grants the least each kind of
target needs and announces it as `STP_<NAME>_<PROPERTY>` variables; `iam_role_statements` go to
the task role as written.
"""

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components import ContainerWorkload, InvalidArgumentError
from tests.support.aws_models import strict
from tests.support.ecs_mocks import policy, registered_before_error, run_ecs


def connected(*targets: Any, **fields: Any) -> ContainerWorkload:
    return ContainerWorkload(
        "shop",
        {
            "containers": [
                {"name": "web", "image": "nginx:1.27", "environment": {"STP_PHOTOS_BUCKET_NAME": "mine"}}
            ],
            "resources": {"cpu": 0.25, "memory": 512},
            "connect_to": list(targets),
            **fields,
        },
    )


def statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return policy(resources["shop-task-policy"])["Statement"]


def environment(resources: dict[str, Any]) -> dict[str, str]:
    (definition,) = json.loads(resources["shop-task"].inputs["containerDefinitions"])
    return {item["name"]: item["value"] for item in definition.get("environment", [])}


def test_each_kind_of_target_gets_least_privilege_and_its_variables() -> None:
    def program() -> None:
        connected(
            aws.s3.Bucket("photosBucket"),
            aws.dynamodb.Table("orders", attributes=[{"name": "id", "type": "S"}], hash_key="id"),
            aws.sqs.Queue("jobs"),
            aws.sns.Topic("events"),
            "aws:ses",
        )

    resources = run_ecs(program)
    ses, bucket, objects, table, queue, topic = statements(resources)
    arn = {name: resources[name].inputs["arn"] for name in ("photosBucket", "orders", "jobs", "events")}
    assert bucket == {
        "Effect": "Allow",
        "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
        "Resource": [arn["photosBucket"]],
    }
    assert objects["Resource"] == [arn["photosBucket"] + "/*"]
    assert set(objects["Action"]) == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObjectAttributes",
    }
    assert table["Resource"] == [arn["orders"], arn["orders"] + "/index/*"]
    assert "dynamodb:Query" in table["Action"] and "dynamodb:DeleteTable" not in table["Action"]
    assert queue["Resource"] == [arn["jobs"]] and "sqs:SendMessage" in queue["Action"]
    assert topic == {"Effect": "Allow", "Action": ["sns:Publish"], "Resource": [arn["events"]]}
    # Least privilege: sending only, on the account's identities (and configuration sets, templates).
    assert set(ses["Action"]) == {
        "ses:SendEmail",
        "ses:SendRawEmail",
        "ses:SendTemplatedEmail",
        "ses:SendBulkTemplatedEmail",
        "ses:SendBulkEmail",
    }
    assert "arn:aws:ses:*:*:identity/*" in ses["Resource"] and "*" not in ses["Resource"]
    assert all(
        action.split(":")[1] != "*" for s in (bucket, objects, table, queue, topic) for action in s["Action"]
    )

    variables = environment(resources)
    assert variables["STP_PHOTOS_BUCKET_NAME"] == "mine"  # a container's own value wins
    assert variables["STP_PHOTOS_BUCKET_ARN"] == arn["photosBucket"]
    assert (variables["STP_ORDERS_NAME"], variables["STP_ORDERS_ARN"]) == ("orders-name", arn["orders"])
    assert variables["STP_JOBS_URL"] == "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    assert (variables["STP_EVENTS_ARN"], variables["STP_JOBS_ARN"]) == (arn["events"], arn["jobs"])
    assert not any("SES" in name for name in variables)


def test_iam_role_statements_go_to_the_task_role_as_written() -> None:
    def program() -> None:
        topic = aws.sns.Topic("NotificationTopic")
        connected(
            iam_role_statements=[
                {"action": ["sns:Publish"], "resource": [topic.arn]},
                {
                    "sid": "NoDeletes",
                    "effect": "Deny",
                    "action": ["s3:Delete*"],
                    "resource": ["*"],
                    "condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ]
        )

    resources = run_ecs(program)
    publish, deny = statements(resources)
    assert publish == {
        "Effect": "Allow",
        "Action": ["sns:Publish"],
        "Resource": [resources["NotificationTopic"].inputs["arn"]],
    }
    assert deny["Sid"] == "NoDeletes" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    strict(
        "iam",
        "PutRolePolicy",
        {
            "RoleName": "shop",
            "PolicyName": "shop",
            "PolicyDocument": resources["shop-task-policy"].inputs["policy"],
        },
    )
    assert resources["shop-task-policy"].inputs["role"] == resources["shop-task-role"].inputs["id"]
    trust = json.loads(resources["shop-task-role"].inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}


def test_no_permissions_means_no_policy() -> None:
    resources = run_ecs(lambda: connected())
    assert "shop-task-policy" not in resources and "shop-task-role" in resources


def test_connecting_to_another_workload_announces_its_service_connect_urls() -> None:
    def program() -> None:
        backend = ContainerWorkload(
            "internalService",
            {
                "containers": [
                    {
                        "name": "api",
                        "image": "ghcr.io/shop/api:1",
                        "events": [
                            {"type": "service-connect", "container_port": 3000},
                        ],
                    }
                ],
                "resources": {"cpu": 0.25, "memory": 512},
            },
        )
        connected(backend)

    resources = run_ecs(program)
    assert environment(resources)["STP_INTERNAL_SERVICE_API_3000_URL"] == "http://internal-service-api:3000"
    assert "shop-task-policy" not in resources  # network access comes from the cluster's shared group


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        (lambda: aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16"), "aws.s3.Bucket"),
        (lambda: pulumi.Output.from_input("arn:aws:s3:::photos"), "aws.s3.Bucket"),
        (
            lambda: ContainerWorkload(
                "private",
                {"containers": [{"name": "api", "image": "a:1"}], "resources": {"cpu": 0.25, "memory": 512}},
            ),
            "service-connect",
        ),
    ],
)
def test_what_cannot_be_connected_to_is_refused_first(target: Any, allowed: str) -> None:
    error, registered = registered_before_error(lambda: connected(target()))
    assert (
        isinstance(error, InvalidArgumentError)
        and error.field == "connect_to[0]"
        and allowed in error.allowed
    )
    assert not any(name.startswith("shop") for name in registered)
