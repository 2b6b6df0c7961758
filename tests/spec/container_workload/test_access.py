"""What a ContainerWorkload may reach: `connect_to` targets and `iam_role_statements`.

The bad-input cases are in `tests/support/bad_container_workloads.py`, run by `tests/test_bad_input.py`.
"""

import pulumi

from tests.support.container_workload_args import (
    BUCKET,
    parse,
    workload,
)
from tests.support.stacktape_examples import DOC_2_VCPU, build


def test_connect_to_snippet() -> None:
    spec = parse(
        {
            "containers": [{"name": "apiContainer", "build": build()}],
            "connect_to": [BUCKET, "aws:ses"],
            "resources": {"cpu": 0.25, "memory": 512},
        },
        "myContainerWorkload",
    )
    assert spec.connect_to == (BUCKET, "aws:ses")
    assert spec.containers[0].name == "apiContainer"


def test_connect_to_accepts_an_output() -> None:
    target = pulumi.Output.from_input(BUCKET)
    assert parse(workload(connect_to=[target])).connect_to == (target,)


def test_iam_role_statements_snippet() -> None:
    topic_arn = pulumi.Output.from_input("arn:aws:sns:eu-west-1:123456789012:NotificationTopic")
    spec = parse(
        {
            "containers": [{"name": "apiContainer", "build": build()}],
            "iam_role_statements": [{"resource": [topic_arn], "effect": "Allow", "action": ["sns:Publish"]}],
            "resources": DOC_2_VCPU,
        },
        "myContainerWorkload",
    )
    (statement,) = spec.iam_role_statements
    assert (statement.effect, statement.action, statement.resource) == (
        "Allow",
        ("sns:Publish",),
        (topic_arn,),
    )
    default_effect = parse(
        workload(
            iam_role_statements=[
                {
                    "action": ["s3:Get*"],
                    "resource": ["*"],
                    "sid": "ReadAll",
                    "condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                }
            ]
        )
    ).iam_role_statements[0]
    assert default_effect.effect == "Allow"  # Stacktape's default
    assert default_effect.sid == "ReadAll" and default_effect.condition["StringEquals"]
