"""`aws_provider.production_target_group` against botocore's Stubber on a real boto3 ELBv2 client:
where a blue/green workload's production traffic is, read from the listener as CodeDeploy leaves it.

CodeDeploy rewrites the production rules' forward action from (blue: 1) to a weighted ForwardConfig
(green: 100, blue: 0) when a deployment succeeds (as the CodeDeploy team described the change in
2022); the Stubber checks each request against botocore's ELBv2 model.
"""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from aws_provider import production_target_group
from aws_provider.production_target_group import INPUTS, ProductionTargetGroupProvider
from tests.support.ecs_mocks import REGION

LISTENER = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2"
)
BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-blue/73e2d6bc24d8a067"
GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-green/2453ed029918f21f"
OTHER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/0c0fd8a3a4e9ac35"
PROPS = {"listener_arn": LISTENER, "target_group_arns": [BLUE, GREEN], "region": REGION}


def rule(priority: str, action: dict[str, Any]) -> dict[str, Any]:
    return {
        "RuleArn": f"{LISTENER.replace(':listener/', ':listener-rule/')}/{priority}",
        "Priority": priority,
        "Conditions": [],
        "Actions": [action],
        "IsDefault": priority == "default",
    }


def weighted(**weights: int) -> dict[str, Any]:
    arns = {"blue": BLUE, "green": GREEN, "other": OTHER}
    return {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": arns[name], "Weight": w} for name, w in weights.items()]
        },
    }


FIRST_DEPLOY = [rule("1", {"Type": "forward", "TargetGroupArn": BLUE})]
AFTER_FLIP = [rule("1", weighted(green=100, blue=0))]
AFTER_TWO_FLIPS = [rule("1", weighted(blue=100, green=0))]
MID_CANARY = [rule("1", weighted(blue=90, green=10))]
OTHERS_ONLY = [rule("5", {"Type": "forward", "TargetGroupArn": OTHER})]
NOT_FOUND = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}


class Elbv2:
    def __init__(self) -> None:
        self.client = boto3.session.Session(region_name=REGION).client("elbv2")
        self.stubber = Stubber(self.client)

    def listener_has(self, rules: list[dict[str, Any]]) -> None:
        self.stubber.add_response("describe_rules", {"Rules": rules}, {"ListenerArn": LISTENER})
        self.stubber.add_response(
            "describe_listeners",
            {"Listeners": [{"ListenerArn": LISTENER, "DefaultActions": [NOT_FOUND]}]},
            {"ListenerArns": [LISTENER]},
        )


@pytest.fixture
def elbv2(monkeypatch: pytest.MonkeyPatch) -> Iterator[Elbv2]:
    for variable, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(variable, value)
    stubbed = Elbv2()

    class Session:
        def client(self, service: str) -> Any:
            assert service == "elbv2"
            return stubbed.client

    monkeypatch.setattr(production_target_group, "session", lambda props: Session())
    stubbed.stubber.activate()
    yield stubbed
    stubbed.stubber.assert_no_pending_responses()
    stubbed.stubber.deactivate()


@pytest.mark.parametrize(
    ("rules", "production"),
    [
        (FIRST_DEPLOY, BLUE),
        ([], BLUE),  # nothing forwards to the pair yet
        (OTHERS_ONLY, BLUE),
        (AFTER_FLIP, GREEN),
        (AFTER_TWO_FLIPS, BLUE),
        (MID_CANARY, BLUE),  # most production traffic is still on blue
    ],
)
def test_production_is_the_group_the_listener_forwards_to_most(
    elbv2: Elbv2, rules: list[dict[str, Any]], production: str
) -> None:
    elbv2.listener_has(rules)
    created = ProductionTargetGroupProvider().create(dict(PROPS))
    assert created.outs is not None and created.outs["arn"] == production


def test_after_a_flip_the_next_up_moves_it_to_green(elbv2: Elbv2) -> None:
    """Rules created in that update (a new event, a new priority) then forward to green, not to the
    idle blue group."""
    olds = {**PROPS, "arn": BLUE}
    elbv2.listener_has(AFTER_FLIP)
    assert ProductionTargetGroupProvider().diff("id", olds, dict(PROPS)).changes is True
    elbv2.listener_has(AFTER_FLIP)
    updated = ProductionTargetGroupProvider().update("id", olds, dict(PROPS))
    assert updated.outs is not None and updated.outs["arn"] == GREEN


def test_an_unmoved_listener_is_no_change(elbv2: Elbv2) -> None:
    elbv2.listener_has(FIRST_DEPLOY)
    assert ProductionTargetGroupProvider().diff("id", {**PROPS, "arn": BLUE}, dict(PROPS)).changes is False


def test_every_input_is_compared() -> None:
    assert set(INPUTS) >= {"listener_arn", "target_group_arns", "region", "profile", "assume_roles"}


def test_changed_inputs_are_a_change_without_reading_the_listener(elbv2: Elbv2) -> None:
    """A replaced listener's ARN may be unknown during preview: nothing is read with it."""
    olds = {**PROPS, "arn": BLUE}
    news = {**PROPS, "listener_arn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}  # Pulumi's unknown value
    assert ProductionTargetGroupProvider().diff("id", olds, news).changes is True  # no call stubbed
