"""The ecs platform under mocks: the Cluster, and a ContainerWorkload's task, service, network, scaling,
outputs, escape hatches and transforms. Expectations come from the ECS documentation; the registered
task definition goes through botocore's RegisterTaskDefinition model.
"""

import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import ApplicationLoadBalancer, Cluster, ContainerWorkload, InvalidArgumentError
from tests.support import ROOT
from tests.support.aws_models import strict
from tests.support.ecs_mocks import (
    of_type,
    only,
    policy,
    register_task_definition_params,
    registered_before_error,
    run_ecs,
)

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def web(**fields: Any) -> dict[str, Any]:
    return {"name": "web", "image": "nginx:1.27", **fields}


def alb_event(balancer: Any, **fields: Any) -> dict[str, Any]:
    return {
        "type": "application-load-balancer",
        "load_balancer": balancer,
        "container_port": 80,
        "priority": 1,
        **fields,
    }


def workload_args(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"containers": list(containers) or [web()], "resources": {"cpu": 0.5, "memory": 1024}, **fields}


def containers_of(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The registered task definition's container definitions, by name."""
    definitions = json.loads(only(resources, TASK_DEFINITION).inputs["containerDefinitions"])
    return {d["name"]: d for d in definitions}


# ------------------------------------------------------------------------------------ cluster


def test_a_cluster_is_a_vpc_over_two_zones_an_ecs_cluster_with_insights_and_a_namespace() -> None:
    resources = run_ecs(lambda: Cluster("shop"))
    vpc = resources["shop-vpc"].inputs
    assert vpc["numberOfAvailabilityZones"] == 2
    assert vpc["natGateways"] == {"strategy": "None"}  # no NAT unless asked: it costs by the hour
    assert [s["type"] for s in vpc["subnetSpecs"]] == ["Public", "Private"]
    assert vpc["cidrBlock"] == "10.0.0.0/16" and {s["cidrMask"] for s in vpc["subnetSpecs"]} == {20}
    assert vpc["enableDnsHostnames"] is True
    ecs = resources["shop-ecs"].inputs
    assert ecs["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    namespace = resources["shop-namespace"]
    assert ecs["serviceConnectDefaults"] == {"namespace": namespace.inputs["arn"]}
    assert namespace.inputs["vpc"] == "vpc-shop-vpc" and namespace.inputs["name"] == "shop.unit.internal"
    assert all(
        resources[n].parent == "shop" for n in ("shop-vpc", "shop-ecs", "shop-namespace", "shop-workloads")
    )


def test_a_cluster_gets_nat_gateways_and_zones_when_asked() -> None:
    resources = run_ecs(
        lambda: Cluster(
            "shop", {"nat_gateways": "OnePerAz", "availability_zones": 3, "vpc_cidr": "10.8.0.0/20"}
        )
    )
    vpc = resources["shop-vpc"].inputs
    assert (vpc["natGateways"], vpc["numberOfAvailabilityZones"]) == ({"strategy": "OnePerAz"}, 3)
    assert vpc["cidrBlock"] == "10.8.0.0/20" and {s["cidrMask"] for s in vpc["subnetSpecs"]} == {24}


@pytest.mark.parametrize(
    ("args", "field", "allowed"),
    [
        ({"nat_gateways": "Two"}, "nat_gateways", "None, Single, OnePerAz"),
        ({"availability_zones": 1}, "availability_zones", "from 2 to 6"),
        ({"vpc_cidr": "10.0.0.0/8"}, "vpc_cidr", "/16 to /24"),
        ({"vpc_cidr": "ten"}, "vpc_cidr", "CIDR"),
    ],
)
def test_bad_cluster_settings_are_refused(args: dict[str, Any], field: str, allowed: str) -> None:
    error, _ = registered_before_error(lambda: Cluster("shop", args))
    assert isinstance(error, InvalidArgumentError) and error.field == field and allowed in error.allowed


# ------------------------------------------------------------------------------- the task


def test_the_registered_task_definition_is_valid_for_ecs() -> None:
    password = pulumi.Output.secret("hunter2")

    def program() -> None:
        ContainerWorkload(
            "shop",
            workload_args(
                web(
                    command=["/entry.sh"],
                    args=["--port", "80"],
                    environment={"PORT": 80, "DB_PASSWORD": password},
                    depends_on=[{"container_name": "api", "condition": "HEALTHY"}],
                    logging={"retention_days": 14},
                    stop_timeout=30,
                ),
                {
                    "name": "api",
                    "image": "ghcr.io/shop/api:1.0",
                    "internal_health_check": {
                        "health_check_command": ["CMD-SHELL", "curl -f http://localhost:3000/"]
                    },
                    "events": [{"type": "workload-internal", "container_port": 3000}],
                    "logging": {"disabled": True},
                },
                enable_remote_sessions=True,
            ),
        )

    resources = run_ecs(program)
    params = register_task_definition_params(only(resources, TASK_DEFINITION))
    strict("ecs", "RegisterTaskDefinition", params)
    assert (params["cpu"], params["memory"], params["networkMode"]) == ("512", "1024", "awsvpc")
    assert params["requiresCompatibilities"] == ["FARGATE"]
    assert params["taskRoleArn"] == resources["shop-task-role"].inputs["arn"]
    assert params["executionRoleArn"] == resources["shop-execution-role"].inputs["arn"]
    web_def, api_def = params["containerDefinitions"]
    assert (web_def["entryPoint"], web_def["command"]) == (["/entry.sh"], ["--port", "80"])
    assert web_def["dependsOn"] == [{"containerName": "api", "condition": "HEALTHY"}]
    assert web_def["stopTimeout"] == 30
    assert (
        web_def["logConfiguration"]["options"]["awslogs-group"] == resources["shop-web-logs"].inputs["name"]
    )
    assert resources["shop-web-logs"].inputs["retentionInDays"] == 14
    assert "logConfiguration" not in api_def and "shop-api-logs" not in resources
    assert api_def["healthCheck"]["command"] == ["CMD-SHELL", "curl -f http://localhost:3000/"]
    assert web_def["linuxParameters"] == {"initProcessEnabled": True}  # ECS Exec


def test_secret_values_reach_the_container_only_through_ssm() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload(
            "shop",
            workload_args(web(environment={"MODE": "prod", "DB_PASSWORD": pulumi.Output.secret("hunter2")})),
        )
    )
    parameter = resources["shop-web-DB_PASSWORD"]
    assert parameter.type == "aws:ssm/parameter:Parameter"
    assert parameter.inputs["type"] == "SecureString" and parameter.inputs["value"] == "hunter2"
    assert parameter.inputs["name"] == "/containers/unit/shop/web/DB_PASSWORD"
    definition = only(resources, TASK_DEFINITION).inputs["containerDefinitions"]
    assert "hunter2" not in definition
    (web_def,) = json.loads(definition)
    assert web_def["environment"] == [{"name": "MODE", "value": "prod"}]
    assert web_def["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": parameter.inputs["arn"]}]
    # The execution role reads exactly that parameter, and the task definition waits for the grant.
    (statement,) = policy(resources["shop-execution-secrets"])["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Action": ["ssm:GetParameters"],
        "Resource": [parameter.inputs["arn"]],
    }
    assert "shop-execution-secrets" in only(resources, TASK_DEFINITION).depends_on
    managed = resources["shop-execution-policy"].inputs["policyArn"]
    assert managed == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def test_a_build_is_pushed_to_ecr_for_the_workload_architecture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.chdir(tmp_path)
    resources = run_ecs(
        lambda: ContainerWorkload(
            "shop",
            {
                "containers": [{"name": "api", "build": {"context": "./api"}}],
                "resources": {"cpu": 0.25, "memory": 512, "architecture": "arm64"},
            },
        )
    )
    image = resources["shop-api-image"]
    assert image.type == "docker-build:index:Image"
    assert image.inputs["platforms"] == ["linux/arm64"] and image.inputs["push"] is True
    assert resources["shop-api-repository"].inputs["imageTagMutability"] == "IMMUTABLE"
    assert containers_of(resources)["api"]["image"] == image.inputs["ref"]
    assert only(resources, TASK_DEFINITION).inputs["runtimePlatform"]["cpuArchitecture"] == "ARM64"


# ---------------------------------------------------------------------------- the service


def test_a_fargate_service_rolls_back_by_itself_and_leaves_the_count_to_autoscaling() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload("shop", workload_args(scaling={"min_instances": 2, "max_instances": 4}))
    )
    service = only(resources, SERVICE)
    inputs = service.inputs
    assert inputs["launchType"] == "FARGATE" and inputs["desiredCount"] == 2
    assert inputs["cluster"] == resources["app-ecs"].inputs["arn"]  # the default cluster's
    assert inputs["taskDefinition"] == only(resources, TASK_DEFINITION).inputs["arn"]
    assert inputs["deploymentController"] == {"type": "ECS"}
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert (inputs["deploymentMinimumHealthyPercent"], inputs["deploymentMaximumPercent"]) == (100, 200)
    assert service.ignore_changes == ["desiredCount"]
    network = inputs["networkConfiguration"]
    assert network["subnets"] == ["subnet-public-app-vpc-1", "subnet-public-app-vpc-2"]
    assert network["assignPublicIp"] is True  # no NAT: a public IP is the way to ECR
    assert network["securityGroups"] == [
        resources["shop-tasks"].inputs["id"],
        resources["app-workloads"].inputs["id"],
    ]
    # Every workload is a service connect client of the cluster's namespace.
    assert inputs["serviceConnectConfiguration"] == {
        "enabled": True,
        "namespace": resources["app-namespace"].inputs["arn"],
    }
    assert inputs["enableExecuteCommand"] is False


def test_private_subnets_need_a_cluster_with_nat() -> None:
    def program() -> None:
        cluster = Cluster("private", {"nat_gateways": "Single"})
        ContainerWorkload("shop", workload_args(use_private_subnets_with_nat=True, cluster=cluster))

    network = only(run_ecs(program), SERVICE).inputs["networkConfiguration"]
    assert network["subnets"] == ["subnet-private-private-vpc-1", "subnet-private-private-vpc-2"]
    assert network["assignPublicIp"] is False

    error, registered = registered_before_error(
        lambda: ContainerWorkload("shop", workload_args(use_private_subnets_with_nat=True))
    )
    assert isinstance(error, InvalidArgumentError) and error.field == "use_private_subnets_with_nat"
    assert "nat_gateways" in error.allowed and registered == []


def test_remote_sessions_turn_on_ecs_exec_and_its_permissions() -> None:
    resources = run_ecs(lambda: ContainerWorkload("shop", workload_args(enable_remote_sessions=True)))
    assert only(resources, SERVICE).inputs["enableExecuteCommand"] is True
    (statement,) = policy(resources["shop-task-policy"])["Statement"]
    assert set(statement["Action"]) == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    assert "shop-task-policy" in only(resources, SERVICE).depends_on


def test_the_task_security_group_admits_only_balancers_and_workloads_on_their_ports() -> None:
    def program() -> None:
        alb = ApplicationLoadBalancer("edge")
        ContainerWorkload(
            "shop",
            workload_args(
                web(
                    events=[
                        alb_event(alb),
                        {"type": "service-connect", "container_port": 9090},
                    ],
                    load_balancer_health_check={"path": "/health", "port": 8081},
                ),
                {
                    "name": "cache",
                    "image": "redis:7",
                    "events": [{"type": "workload-internal", "container_port": 6379}],
                },
            ),
        )

    resources = run_ecs(program)
    rules = {
        (r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"], r.inputs["toPort"])
        for r in of_type(resources, INGRESS_RULE).values()
        if r.inputs["securityGroupId"] == "shop-tasks-id"
    }
    assert rules == {
        ("edge-sg-id", 80, 80),  # traffic
        ("edge-sg-id", 8081, 8081),  # health checks
        ("app-workloads-id", 9090, 9090),  # other workloads, through service connect
    }  # and nothing for 6379: containers of a task share localhost
    assert set(only(resources, SERVICE).depends_on) >= {"shop-from-edge-80", "shop-from-workloads-9090"}


# ---------------------------------------------------------------------------- autoscaling


def test_autoscaling_tracks_cpu_and_memory_between_min_and_max() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload(
            "shop",
            workload_args(
                scaling={
                    "min_instances": 1,
                    "max_instances": 5,
                    "scaling_policy": {
                        "keep_avg_cpu_utilization_under": 60,
                        "keep_avg_memory_utilization_under": 75,
                    },
                }
            ),
        )
    )
    target = resources["shop-scaling"].inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (1, 5)
    assert target["resourceId"] == "service/app-ecs-name/shop-service-name"
    assert (target["serviceNamespace"], target["scalableDimension"]) == ("ecs", "ecs:service:DesiredCount")
    cpu, memory = (resources[f"shop-scale-{m}"].inputs for m in ("cpu", "memory"))
    assert cpu["policyType"] == "TargetTrackingScaling"
    tracking = cpu["targetTrackingScalingPolicyConfiguration"]
    assert tracking["targetValue"] == 60
    assert tracking["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ECSServiceAverageCPUUtilization"
    }
    assert tracking["scaleOutCooldown"] < tracking["scaleInCooldown"]  # out fast, in cautiously
    memory_tracking = memory["targetTrackingScalingPolicyConfiguration"]
    assert memory_tracking["targetValue"] == 75
    assert memory_tracking["predefinedMetricSpecification"]["predefinedMetricType"] == (
        "ECSServiceAverageMemoryUtilization"
    )


def test_a_fixed_count_has_a_scalable_target_but_no_policies() -> None:
    resources = run_ecs(lambda: ContainerWorkload("shop", workload_args(scaling={"min_instances": 3})))
    assert (
        resources["shop-scaling"].inputs["minCapacity"]
        == resources["shop-scaling"].inputs["maxCapacity"]
        == 3
    )
    assert not of_type(resources, "aws:appautoscaling/policy:Policy")


# --------------------------------------------------------------- outputs and escape hatches


def test_outputs_and_escape_hatches() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        alb = ApplicationLoadBalancer("edge")
        shop = ContainerWorkload(
            "shop",
            workload_args(
                web(
                    events=[
                        alb_event(alb),
                        {"type": "service-connect", "container_port": 8080, "alias": "shop"},
                    ]
                )
            ),
        )
        seen["shop"] = shop
        pulumi.Output.all(
            shop.url,
            shop.urls,
            shop.internal_urls,
            shop.service_name,
            shop.task_definition_arn,
            shop.log_group_names,
            shop.cluster_name,
            shop.codedeploy_deployment,
        ).apply(lambda values: seen.update(outputs=values))

    resources = run_ecs(program)
    url, urls, internal, service_name, task_arn, logs, cluster_name, deployment = seen["outputs"]
    assert url == "http://edge-lb.elb.amazonaws.com" and urls == [url]
    assert internal == {"shop": "http://shop:8080"}
    assert service_name == "shop-service-name" and cluster_name == "app-ecs-name"
    assert task_arn == only(resources, TASK_DEFINITION).inputs["arn"]
    assert logs == {"web": "shop-web-logs-name"}
    assert deployment is None
    shop = seen["shop"]
    hatches = {
        "service": "shop-service",
        "task_definition": "shop-task",
        "task_role": "shop-task-role",
        "execution_role": "shop-execution-role",
        "security_group": "shop-tasks",
        "scalable_target": "shop-scaling",
    }
    for attribute, name in hatches.items():
        assert getattr(shop, attribute).pulumi_resource_name == name
    assert shop.log_groups["web"].pulumi_resource_name == "shop-web-logs"
    assert shop.auto_scaling_group is shop.capacity_provider is shop.deployment_group is None
    assert [g.pulumi_resource_name for g in shop.target_groups.values()] == ["shop-web-80-alb0"]
    assert [r.pulumi_resource_name for r in shop.listener_rules] == ["shop-web-80-alb0-80-1"]


def test_every_resource_is_a_child_so_transforms_reach_them() -> None:
    def longer_logs(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
        if args.type_ != "aws:cloudwatch/logGroup:LogGroup":
            return None
        return pulumi.ResourceTransformResult({**args.props, "retentionInDays": 365}, args.opts)

    resources = run_ecs(
        lambda: ContainerWorkload("shop", workload_args(), pulumi.ResourceOptions(transforms=[longer_logs]))
    )
    assert resources["shop-web-logs"].inputs["retentionInDays"] == 365  # 90 without the transform
    assert {r.parent for r in resources.values() if r.name.startswith("shop-")} == {"shop"}


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("platform", ["eks"])
def test_other_platforms_are_refused_before_anything_exists(platform: str) -> None:
    error, registered = registered_before_error(
        lambda: ContainerWorkload("shop", workload_args()), {"containers:platform": platform}
    )
    assert isinstance(error, InvalidArgumentError)
    assert (error.component, error.field, error.value) == (
        "ContainerWorkload",
        "containers:platform (stack config)",
        platform,
    )
    assert error.allowed.startswith("ecs")
    assert registered == []


def test_bad_input_registers_nothing() -> None:
    def program() -> None:
        ContainerWorkload("shop", workload_args(resources={"cpu": 2, "memory": 2048}))

    error, registered = registered_before_error(program)
    assert isinstance(error, InvalidArgumentError) and error.field == "resources.memory"
    assert registered == []


def test_the_ecs_api_example_deploys() -> None:
    example = ROOT / "examples" / "ecs_api" / "__main__.py"
    resources = run_ecs(lambda: runpy.run_path(str(example)))
    assert resources["api"].type == "containers:index:ContainerWorkload"
    assert resources["api-api-8080-alb0-80-1"].inputs["listenerArn"] == resources["edge-80"].inputs["arn"]
    assert set(containers_of(resources)) == {"api", "cache"}


def test_a_second_checkout_builds_nothing_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ECR refuses to push a tag twice (immutable tags): docker-build must see the same inputs for
    the same files from another checkout or CI runner. Its diff compares the context and Dockerfile
    locations as strings, so they are relative to the program's directory."""

    def image_inputs(checkout: Path) -> dict[str, Any]:
        (checkout / "api").mkdir(parents=True)
        (checkout / "api" / "Dockerfile").write_text("FROM scratch\nCOPY . .\n")
        (checkout / "api" / "main.py").write_text("print('hi')\n")
        monkeypatch.chdir(checkout)
        resources = run_ecs(
            lambda: ContainerWorkload(
                "shop",
                {
                    "containers": [{"name": "api", "build": {"context": "./api"}}],
                    "resources": {"cpu": 0.25, "memory": 512},
                },
            )
        )
        inputs = resources["shop-api-image"].inputs
        return {key: inputs[key] for key in ("context", "dockerfile", "tags", "platforms", "push")}

    first, second = image_inputs(tmp_path / "one"), image_inputs(tmp_path / "ci" / "runner-7" / "two")
    assert first == second
    assert first["context"] == {"location": "api"}
    assert first["dockerfile"] == {"location": "api/Dockerfile"}


def test_a_tag_already_in_ecr_is_run_without_building_or_pushing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ECR refuses a second push of a tag even for the same digest, and docker-build pushes again
    when files outside `sources` differ or `sources` went back to a pushed version: a tag ECR holds
    registers no docker-build Image, and the task runs the digest ECR has for it."""
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM scratch\nCOPY . .\n")
    monkeypatch.chdir(tmp_path)

    def program() -> None:
        ContainerWorkload(
            "shop",
            {
                "containers": [{"name": "api", "build": {"context": "./api"}}],
                "resources": {"cpu": 0.25, "memory": 512},
            },
        )

    absent = run_ecs(program)
    assert absent["shop-api-image"].inputs["push"] is True
    repository_name = absent["shop-api-repository"].inputs["name"]
    (tagged,) = absent["shop-api-image"].inputs["tags"]
    tag = tagged.rsplit(":", 1)[1]

    digest = "sha256:" + "d" * 64
    present = run_ecs(program, ecr_images={(repository_name, tag): digest})
    assert of_type(present, "docker-build:index:Image") == {}
    (container,) = json.loads(only(present, TASK_DEFINITION).inputs["containerDefinitions"])
    assert container["image"] == f"{tagged}@{digest}"
