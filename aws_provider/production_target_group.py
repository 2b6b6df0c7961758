"""Where a CodeDeploy blue/green workload's production traffic is: its blue or its green target group.

CodeDeploy moves production traffic by rewriting the forward actions of the production listener's
rules (and the test listener's default action) from one target group of the pair to the other;
after a successful deployment every request goes to the group the new task set is behind. A listener
rule Pulumi creates later (a new ALB event, a changed priority, which replaces the rule) must forward
there too, not to the group the first deployment started on, which is idle by then (503s).

`ProductionTargetGroup` reads the listener's rules (DescribeRules) and default action
(DescribeListeners) and outputs `arn`: the group of the pair that the forward actions weigh most,
else the first of the pair (nothing forwards to it yet: the stack's first `pulumi up`). It reads on
create and on every diff, so after a flip the next `pulumi up` shows it changing and the rules created
in that update forward where production is. Rules that exist already are CodeDeploy's to move: the
workload ignores changes to their actions.

Credentials and region are the stack's AWS provider's (`aws_provider.session`); clients are made in
each call, never kept on the pickled provider.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

from aws_provider.session import CREDENTIAL_INPUTS, session

PROVIDER_VERSION = 1
INPUTS = ("listener_arn", "target_group_arns", *CREDENTIAL_INPUTS, "provider_version")


def forward_weights(actions: Sequence[Mapping[str, Any]]) -> Counter[str]:
    """Target group ARN -> weight over ELBv2 forward actions (a plain TargetGroupArn weighs 1)."""
    weights: Counter[str] = Counter()
    for action in actions:
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
        if groups:
            for group in groups:
                weights[group["TargetGroupArn"]] += int(group.get("Weight", 1))
        elif action.get("TargetGroupArn"):
            weights[action["TargetGroupArn"]] += 1
    return weights


def production_group(elbv2: Any, listener_arn: str, pair: Sequence[str]) -> str:
    """The group of `pair` the listener's actions forward to most; the first of `pair` when neither."""
    weights: Counter[str] = Counter()
    for page in elbv2.get_paginator("describe_rules").paginate(ListenerArn=listener_arn):
        for rule in page.get("Rules", []):
            weights.update(forward_weights(rule.get("Actions", [])))
    for listener in elbv2.describe_listeners(ListenerArns=[listener_arn]).get("Listeners", []):
        weights.update(forward_weights(listener.get("DefaultActions", [])))
    # max keeps the first of equals: the first of the pair until traffic has moved.
    return max(pair, key=lambda arn: weights[arn])


def read(props: Mapping[str, Any]) -> str:
    return production_group(session(props).client("elbv2"), props["listener_arn"], props["target_group_arns"])


class ProductionTargetGroupProvider(ResourceProvider):
    """create and update read the live group; diff reads it too, so a flip shows as a change."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(props["listener_arn"], {**props, "arn": read(props)})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Changed inputs (a preview may not know them yet) are a change: update reads the group then.
        changed = any(olds.get(key) != news.get(key) for key in INPUTS) or read(news) != olds.get("arn")
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "arn": read(news)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        return None


class ProductionTargetGroup(pulumi.dynamic.Resource):
    """The target group of a blue/green pair that production traffic on a listener goes to."""

    arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        listener_arn: pulumi.Input[str],
        target_group_arns: Sequence[pulumi.Input[str]],
        credentials: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`target_group_arns`: (blue, green), blue being where traffic starts."""
        props = {
            "listener_arn": listener_arn,
            "target_group_arns": list(target_group_arns),
            **{key: credentials.get(key) for key in CREDENTIAL_INPUTS},
            "provider_version": PROVIDER_VERSION,
            "arn": None,
        }
        super().__init__(ProductionTargetGroupProvider(), name, props, opts)
