"""CodeDeploy blue/green for a ContainerWorkload with `deployment`, under mocks.

Expectations from CodeDeploy's documentation for ECS: a deployment group of the ECS compute
platform with two target groups, a production listener (one) and an optional test listener, the
predefined `CodeDeployDefault.ECS<strategy>` configurations, hooks on BeforeAllowTraffic and
AfterAllowTraffic, and the service under the CODE_DEPLOY controller.
"""

import json
from collections.abc import Callable
from typing import Any

import pulumi_aws as aws
import pytest

from components import ApplicationLoadBalancer, ContainerWorkload, InvalidArgumentError
from tests.aws_models import strict
from tests.ecs_mocks import of_type, only, policy, registered_before_error, run_ecs

SERVICE = "aws:ecs/service:Service"
GROUP = "aws:codedeploy/deploymentGroup:DeploymentGroup"
STRATEGIES = [
    "Canary10Percent5Minutes",
    "Canary10Percent15Minutes",
    "Linear10PercentEvery1Minutes",
    "Linear10PercentEvery3Minutes",
    "AllAtOnce",
]


def shifted(deployment: dict[str, Any] | Callable[[], dict[str, Any]], **balancer: Any) -> dict[str, Any]:
    """Run a workload with `deployment` (or what the callable makes inside the program) behind an ALB;
    return its resources and its `codedeploy_deployment`."""
    seen: dict[str, Any] = {}

    def program() -> None:
        edge = ApplicationLoadBalancer("edge", balancer or None)  # type: ignore[arg-type]
        shop = ContainerWorkload(
            "shop",
            {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "events": [
                            {
                                "type": "application-load-balancer",
                                "load_balancer": edge,
                                "container_port": 80,
                                "priority": 1,
                            },
                        ],
                    }
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
                "deployment": deployment() if callable(deployment) else deployment,
            },
        )
        shop.codedeploy_deployment.apply(lambda value: seen.update(deployment=value))
        assert shop.deployment_group.pulumi_resource_name == "shop-deploy-group"

    seen["resources"] = run_ecs(program)
    return seen


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_stacktape_strategy_is_a_codedeploy_deployment_group(strategy: str) -> None:
    resources = shifted({"strategy": strategy})["resources"]
    group = only(resources, GROUP).inputs
    assert group["deploymentConfigName"] == f"CodeDeployDefault.ECS{strategy}"
    assert resources["shop-deploy-app"].inputs["computePlatform"] == "ECS"
    assert group["appName"] == "shop-deploy-app-name"
    assert group["deploymentStyle"] == {
        "deploymentType": "BLUE_GREEN",
        "deploymentOption": "WITH_TRAFFIC_CONTROL",
    }
    assert group["autoRollbackConfiguration"]["enabled"] is True
    assert group["ecsService"] == {"clusterName": "app-ecs-name", "serviceName": "shop-service-name"}
    (pair,) = [group["loadBalancerInfo"]["targetGroupPairInfo"]]
    assert pair["targetGroups"] == [
        {"name": resources["shop-web-80-alb0"].inputs["name"]},
        {"name": resources["shop-web-80-alb0-green"].inputs["name"]},
    ]
    assert pair["prodTrafficRoute"] == {"listenerArns": [resources["edge-80"].inputs["arn"]]}
    assert "testTrafficRoute" not in pair
    assert group["serviceRoleArn"] == resources["shop-codedeploy-role"].inputs["arn"]
    assert (
        resources["shop-codedeploy-policy"].inputs["policyArn"]
        == "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
    )


def test_the_service_is_left_to_codedeploy() -> None:
    resources = shifted({"strategy": "Canary10Percent5Minutes"})["resources"]
    service = only(resources, SERVICE)
    assert service.inputs["deploymentController"] == {"type": "CODE_DEPLOY"}
    assert set(service.ignore_changes) == {"desiredCount", "taskDefinition", "loadBalancers"}
    assert "deploymentCircuitBreaker" not in service.inputs  # ECS's rolling settings do not apply
    assert "serviceConnectConfiguration" not in service.inputs  # unsupported under CODE_DEPLOY
    # CodeDeploy rewrites the rule's forward action to weighted groups: Pulumi must not undo that.
    (rule,) = of_type(resources, "aws:lb/listenerRule:ListenerRule").values()
    assert rule.ignore_changes == ["actions"]
    assert rule.inputs["actions"][0]["targetGroupArn"] == resources["shop-web-80-alb0"].inputs["arn"]


def test_the_test_listener_and_hooks() -> None:
    seen = shifted(
        {
            "strategy": "Linear10PercentEvery1Minutes",
            "before_allow_traffic_function": "arn:aws:lambda:us-east-1:123456789012:function:smoke",
            "after_traffic_shift_function": "arn:aws:lambda:us-east-1:123456789012:function:validate",
            "test_listener_port": 8443,
        },
        certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/abc",
    )
    resources = seen["resources"]
    test = resources["shop-test-8443"]
    assert (test.inputs["port"], test.inputs["protocol"]) == (8443, "HTTPS")  # like the production listener
    assert test.inputs["defaultActions"] == [
        {"type": "forward", "targetGroupArn": resources["shop-web-80-alb0"].inputs["arn"]}
    ]
    assert test.ignore_changes == ["defaultActions"]
    ingress = resources["shop-test-in-8443"].inputs
    assert (ingress["securityGroupId"], ingress["fromPort"], ingress["cidrIpv4"]) == (
        "edge-sg-id",
        8443,
        "0.0.0.0/0",
    )
    pair = only(resources, GROUP).inputs["loadBalancerInfo"]["targetGroupPairInfo"]
    assert pair["prodTrafficRoute"] == {"listenerArns": [resources["edge-443"].inputs["arn"]]}
    assert pair["testTrafficRoute"] == {"listenerArns": [test.inputs["arn"]]}
    # CodeDeploy's managed policy invokes only functions named CodeDeployHook_*: these get a grant.
    (grant,) = policy(resources["shop-codedeploy-hooks"])["Statement"]
    assert grant["Action"] == ["lambda:InvokeFunction"] and len(grant["Resource"]) == 2

    deployment = json.loads(seen["deployment"])
    strict("codedeploy", "CreateDeployment", deployment)
    assert (deployment["applicationName"], deployment["deploymentGroupName"]) == (
        "shop-deploy-app-name",
        "shop",
    )
    app_spec = json.loads(deployment["revision"]["appSpecContent"]["content"])
    (target,) = app_spec["Resources"]
    assert target["TargetService"]["Properties"]["TaskDefinition"] == resources["shop-task"].inputs["arn"]
    assert target["TargetService"]["Properties"]["LoadBalancerInfo"] == {
        "ContainerName": "web",
        "ContainerPort": 80,
    }
    assert app_spec["Hooks"] == [
        {"BeforeAllowTraffic": "arn:aws:lambda:us-east-1:123456789012:function:smoke"},
        {"AfterAllowTraffic": "arn:aws:lambda:us-east-1:123456789012:function:validate"},
    ]


def test_a_hook_may_be_a_function_object() -> None:
    def deployment() -> dict[str, Any]:
        validate = aws.lambda_.Function(
            "validate",
            role="arn:aws:iam::123456789012:role/hook",
            runtime="nodejs22.x",
            handler="index.handler",
            code=None,
        )
        return {"strategy": "Canary10Percent5Minutes", "after_traffic_shift_function": validate}

    seen = shifted(deployment)
    app_spec = json.loads(json.loads(seen["deployment"])["revision"]["appSpecContent"]["content"])
    assert app_spec["Hooks"] == [{"AfterAllowTraffic": seen["resources"]["validate"].inputs["arn"]}]


@pytest.mark.parametrize(
    ("deployment", "events", "balancer", "field", "allowed"),
    [
        (
            {"strategy": "AllAtOnce"},
            [{"type": "service-connect", "container_port": 9090}],
            {},
            "deployment",
            "without service-connect",
        ),
        (
            {"strategy": "AllAtOnce"},
            [],
            {"listeners": [{"port": 80, "protocol": "HTTP"}, {"port": 8080, "protocol": "HTTP"}]},
            "deployment",
            "one listener",
        ),
        (
            {"strategy": "AllAtOnce", "test_listener_port": 8080},
            [],
            {"listeners": [{"port": 80, "protocol": "HTTP"}, {"port": 8080, "protocol": "HTTP"}]},
            "deployment.test_listener_port",
            "no listener on",
        ),
    ],
)
def test_what_codedeploy_cannot_do_is_refused_first(
    deployment: dict[str, Any],
    events: list[dict[str, Any]],
    balancer: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    one_listener = {"listener_port": 80} if "test_listener_port" in deployment else {}

    def program() -> None:
        edge = ApplicationLoadBalancer("edge", balancer or None)  # type: ignore[arg-type]
        ContainerWorkload(
            "shop",
            {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "events": [
                            {
                                "type": "application-load-balancer",
                                "load_balancer": edge,
                                "container_port": 80,
                                "priority": 1,
                                **one_listener,
                            },
                            *events,
                        ],
                    }
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
                "deployment": deployment,
            },
        )

    error, registered = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError) and error.field == field and allowed in error.allowed
    assert not any(name.startswith("shop") for name in registered)
