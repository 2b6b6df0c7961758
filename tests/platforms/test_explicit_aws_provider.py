"""Every AWS function the cloud platforms invoke (region, caller identity, ECR token, instance
types, ...) goes through the AWS provider the program gave the component, not the default one: an
explicit `aws.Provider` for another region or account must answer them all (issues 12 and 24).
"""

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime.mocks import MockCallArgs

from components import ApplicationLoadBalancer, Cluster, ContainerWorkload, Workload, testing
from tests.support.ecs_mocks import ECS_CONFIG


class Recording(testing.Mocks):
    """The mocks, remembering which provider each invoke went through."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str | None]] = []

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        self.calls.append((args.token, args.provider))
        return super().call(args)


def ecs_program(build: str) -> None:
    provider = aws.Provider("eu", region="eu-west-1")
    opts = pulumi.ResourceOptions(providers=[provider])
    cluster = Cluster("net", {"nat_gateways": "Single"}, opts=opts)
    edge = ApplicationLoadBalancer("edge", {"cluster": cluster}, opts=opts)
    event = {"type": "application-load-balancer", "load_balancer": edge, "container_port": 80, "priority": 1}
    ContainerWorkload(
        "shop",
        {
            "containers": [{"name": "web", "build": {"context": build}, "events": [event]}],
            "resources": {"instance_types": ["c5.large"]},
            "deployment": {"strategy": "AllAtOnce"},
            "use_private_subnets_with_nat": True,
            "cluster": cluster,
        },
        opts=opts,
    )


def eks_program(build: str) -> None:
    provider = aws.Provider("eu", region="eu-west-1")
    opts = pulumi.ResourceOptions(providers=[provider])
    cluster = Cluster("app", opts=opts)
    Workload("web", {"image": build, "port": 80, "public": True, "cluster": cluster}, opts=opts)


@pytest.mark.parametrize(
    ("platform", "program"), [("ecs", ecs_program), ("eks", eks_program)], ids=["ecs", "eks"]
)
def test_every_aws_invoke_goes_through_the_explicit_provider(
    build_context: str, platform: str, program: Callable[[str], None]
) -> None:
    mocks = Recording()
    testing.use_mocks(platform, ECS_CONFIG if platform == "ecs" else {}, mocks=mocks)
    registered = mocks.run(lambda: program(build_context))
    aws_calls = [(token, provider) for token, provider in mocks.calls if token.startswith("aws:")]
    tokens = {token for token, _ in aws_calls}
    assert {"aws:index/getRegion:getRegion", "aws:ecr/getAuthorizationToken:getAuthorizationToken"} <= tokens
    strays = [(token, provider) for token, provider in aws_calls if "::eu::" not in (provider or "")]
    assert strays == []
    # What the platform derives from the region is the explicit provider's (the mocks' own ARNs
    # carry the stack's region whatever the provider).
    by_name = {r.name: r for r in registered}
    if platform == "ecs":
        (web,) = json.loads(by_name["shop-task"].inputs["containerDefinitions"])
        assert web["logConfiguration"]["options"]["awslogs-region"] == "eu-west-1"
        assert by_name["shop-rollout"].inputs["region"] == "eu-west-1"
