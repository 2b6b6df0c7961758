"""The AWS payloads rendered from a ContainerWorkloadSpec, checked against botocore's real service models.

Every payload goes through botocore's ParamValidator (unknown keys, wrong types, missing required
members, minimums) and then through `strict`, which adds what ParamValidator leaves to the service:
enum values, maximums and documented patterns. Assertions then look at the values AWS would act on,
with expectations written from AWS's and Stacktape's documentation.
"""

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from botocore.exceptions import ParamValidationError

from components.render.ecs.autoscaling import put_scaling_policy_inputs, register_scalable_target_input
from components.render.ecs.codedeploy import (
    app_spec,
    create_deployment_group_input,
    create_deployment_input,
    deployment_config_name,
)
from components.render.ecs.http_api import (
    create_authorizer_input,
    create_integration_input,
    create_route_input,
    route_key,
)
from components.render.ecs.load_balancer_rules import (
    create_rule_input,
    create_target_group_input,
    rule_conditions,
)
from components.render.ecs.service import (
    BlueGreenTargets,
    create_service_input,
    deployment_configuration,
    service_connect_configuration,
)
from components.render.ecs.task_definition import (
    container_definitions,
    register_task_definition_input,
    task_size,
    task_volumes,
)
from components.render.ecs.task_role import task_role_policy
from components.spec.container_workload.workload import ContainerWorkloadSpec, parse_container_workload
from tests.support.aws_models import strict

REGION = "eu-west-1"
ACCOUNT = "123456789012"


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


# ------------------------------------------------------------------------------------ fixtures


class Component:
    def __init__(self, name: str) -> None:
        self.name = name


ALB = Component("alb")
NLB = Component("nlb")
GATEWAY = Component("gateway")
EFS = Component("efs")
POOL = Component("pool")
FUNCTION = Component("fn")


def full_spec(**top: Any) -> ContainerWorkloadSpec:
    """A workload using every container feature."""
    secret = pulumi.Output.secret("s3cr3t")
    args: dict[str, Any] = {
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "command": ["/entry.sh"],
                "args": ["nginx", "-g", "daemon off;"],
                "environment": {"PORT": 80, "MODE": "prod", "DEBUG": False, "TOKEN": secret},
                "events": [
                    {
                        "type": "application-load-balancer",
                        "load_balancer": ALB,
                        "container_port": 80,
                        "priority": 10,
                        "paths": ["/api/*"],
                        "methods": ["GET", "POST"],
                        "listener_port": 443,
                    },
                    {
                        "type": "http-api-gateway",
                        "http_api_gateway": GATEWAY,
                        "container_port": 80,
                        "method": "GET",
                        "path": "/items/{id}",
                        "authorizer": {"type": "cognito", "user_pool": POOL},
                    },
                    {"type": "service-connect", "container_port": 80, "alias": "web", "protocol": "http"},
                ],
                "load_balancer_health_check": {
                    "path": "/health",
                    "interval_seconds": 10,
                    "timeout_seconds": 3,
                },
                "depends_on": [{"container_name": "db", "condition": "HEALTHY"}],
                "logging": {"retention_days": 30},
                "stop_timeout": 30,
                "volume_mounts": [
                    {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data", "root_directory": "/web"}
                ],
            },
            {
                "name": "db",
                "image": "postgres:17",
                "essential": False,
                "environment": {"POSTGRES_PASSWORD": secret},
                "internal_health_check": {
                    "health_check_command": ["CMD", "pg_isready"],
                    "interval_seconds": 10,
                    "timeout_seconds": 3,
                    "retries": 5,
                    "start_period_seconds": 20,
                },
                "events": [{"type": "workload-internal", "container_port": 5432}],
                "logging": {"disabled": True},
            },
            {
                "name": "metrics",
                "image": "prom/statsd-exporter",
                "events": [
                    {
                        "type": "network-load-balancer",
                        "load_balancer": NLB,
                        "listener_port": 8125,
                        "container_port": 9125,
                    },
                    {"type": "service-connect", "container_port": 9102, "protocol": "http2"},
                ],
            },
        ],
        "resources": {"cpu": 1, "memory": 2048, "architecture": "arm64"},
        "scaling": {
            "min_instances": 2,
            "max_instances": 6,
            "scaling_policy": {"keep_avg_cpu_utilization_under": 70, "keep_avg_memory_utilization_under": 60},
        },
        "enable_remote_sessions": True,
        **top,
    }
    return parse_container_workload("shop", args)


def simple_spec(
    resources: dict[str, Any] | None = None, alb_event: dict[str, Any] | None = None, **top: Any
) -> ContainerWorkloadSpec:
    """One container 'api' behind ALB on port 8080 (`alb_event`: more fields of that event)."""
    args: dict[str, Any] = {
        "containers": [
            {
                "name": "api",
                "image": "api:1",
                "events": [
                    {
                        "type": "application-load-balancer",
                        "load_balancer": ALB,
                        "container_port": 8080,
                        "priority": 1,
                        **(alb_event or {}),
                    }
                ],
            }
        ],
        "resources": resources or {"cpu": 0.25, "memory": 512},
        **top,
    }
    return parse_container_workload("api", args)


IMAGES = {"web": "1.dkr.ecr/web:abc", "db": "postgres:17", "metrics": "prom/statsd-exporter"}
LOG_GROUPS = {"web": "/shop/web", "metrics": "/shop/metrics"}
SECRET_ARNS = {
    "web": {"TOKEN": arn("ssm", "parameter/shop/web/TOKEN")},
    "db": {"POSTGRES_PASSWORD": arn("secretsmanager", "secret:shop-db-AbCdEf")},
}


def definitions(spec: ContainerWorkloadSpec | None = None, **kwargs: Any) -> dict[str, dict[str, Any]]:
    rendered = container_definitions(
        spec or full_spec(),
        images=IMAGES,
        log_groups=LOG_GROUPS,
        region=REGION,
        secret_arns=SECRET_ARNS,
        **kwargs,
    )
    return {d["name"]: d for d in rendered}


def task_definition_input(spec: ContainerWorkloadSpec | None = None, **kwargs: Any) -> dict[str, Any]:
    return register_task_definition_input(
        spec or full_spec(),
        family="shop",
        execution_role_arn=arn("iam", "role/exec").replace(REGION, ""),
        task_role_arn=arn("iam", "role/task").replace(REGION, ""),
        images=IMAGES,
        log_groups=LOG_GROUPS,
        region=REGION,
        secret_arns=SECRET_ARNS,
        file_system_ids={"web-efs-0": "fs-0123456789abcdef0"},
        **kwargs,
    )


# ------------------------------------------------------------------------ the validator bites


def test_the_validator_rejects_a_wrong_key_a_wrong_type_and_a_wrong_enum() -> None:
    good = task_definition_input()
    strict("ecs", "RegisterTaskDefinition", good)

    wrong_key = json.loads(json.dumps(good))
    wrong_key["containerDefinitions"][0]["stop_timeout"] = 2
    wrong_type = json.loads(json.dumps(good))
    wrong_type["containerDefinitions"][0]["essential"] = "yes"
    wrong_enum = json.loads(json.dumps(good))
    wrong_enum["containerDefinitions"][0]["dependsOn"][0]["condition"] = "READY"
    missing = json.loads(json.dumps(good))
    del missing["containerDefinitions"][1]["secrets"][0]["valueFrom"]
    for bad in (wrong_key, wrong_type, wrong_enum, missing):
        with pytest.raises(ParamValidationError):
            strict("ecs", "RegisterTaskDefinition", bad)


# ------------------------------------------------------------------------ task definition


def test_register_task_definition_input_is_valid_for_ecs() -> None:
    payload = task_definition_input()
    strict("ecs", "RegisterTaskDefinition", payload)
    assert payload["networkMode"] == "awsvpc"
    assert payload["requiresCompatibilities"] == ["FARGATE"]
    assert (payload["cpu"], payload["memory"]) == ("1024", "2048")
    assert payload["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert payload["volumes"] == [
        {
            "name": "web-efs-0",
            "efsVolumeConfiguration": {
                "fileSystemId": "fs-0123456789abcdef0",
                "rootDirectory": "/web",
                "transitEncryption": "ENABLED",
            },
        }
    ]


def test_command_replaces_entrypoint_and_args_replace_cmd() -> None:
    web = definitions()["web"]
    assert web["entryPoint"] == ["/entry.sh"]
    assert web["command"] == ["nginx", "-g", "daemon off;"]
    assert "entryPoint" not in definitions()["db"] and "command" not in definitions()["db"]


def test_output_values_become_secrets_and_never_plain_environment() -> None:
    web, db = definitions()["web"], definitions()["db"]
    assert web["environment"] == [
        {"name": "DEBUG", "value": "false"},
        {"name": "MODE", "value": "prod"},
        {"name": "PORT", "value": "80"},
    ]
    assert web["secrets"] == [{"name": "TOKEN", "valueFrom": arn("ssm", "parameter/shop/web/TOKEN")}]
    assert "environment" not in db
    assert db["secrets"] == [
        {"name": "POSTGRES_PASSWORD", "valueFrom": arn("secretsmanager", "secret:shop-db-AbCdEf")}
    ]
    assert "s3cr3t" not in json.dumps(list(definitions().values()))


def test_a_missing_secret_arn_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="TOKEN"):
        container_definitions(
            full_spec(),
            images=IMAGES,
            log_groups=LOG_GROUPS,
            region=REGION,
            secret_arns={"db": SECRET_ARNS["db"]},
        )


def test_extra_environment_reaches_every_container_and_own_values_win() -> None:
    rendered = definitions(
        extra_environment={"STP_BUCKET_NAME": "photos", "PORT": "1"},
        extra_secret_arns={"STP_DB_PASSWORD": arn("ssm", "parameter/db")},
    )
    web = rendered["web"]
    assert {"name": "STP_BUCKET_NAME", "value": "photos"} in web["environment"]
    assert {"name": "PORT", "value": "80"} in web["environment"]
    assert {"name": "STP_DB_PASSWORD", "valueFrom": arn("ssm", "parameter/db")} in rendered["metrics"][
        "secrets"
    ]


def test_port_mappings_are_named_and_carry_the_service_connect_protocol() -> None:
    rendered = definitions()
    assert rendered["web"]["portMappings"] == [
        {"containerPort": 80, "protocol": "tcp", "name": "web-80", "appProtocol": "http"}
    ]
    assert rendered["metrics"]["portMappings"] == [
        {"containerPort": 9102, "protocol": "tcp", "name": "metrics-9102", "appProtocol": "http2"},
        {"containerPort": 9125, "protocol": "tcp", "name": "metrics-9125"},
    ]
    assert rendered["db"]["portMappings"] == [{"containerPort": 5432, "protocol": "tcp", "name": "db-5432"}]


def test_dependencies_health_check_stop_timeout_and_essential() -> None:
    rendered = definitions()
    assert rendered["web"]["dependsOn"] == [{"containerName": "db", "condition": "HEALTHY"}]
    assert rendered["db"]["healthCheck"] == {
        "command": ["CMD", "pg_isready"],
        "interval": 10,
        "timeout": 3,
        "retries": 5,
        "startPeriod": 20,
    }
    assert rendered["web"]["stopTimeout"] == 30 and rendered["metrics"]["stopTimeout"] == 2
    assert (rendered["web"]["essential"], rendered["db"]["essential"]) == (True, False)


def test_logs_go_to_the_given_group_unless_disabled() -> None:
    rendered = definitions()
    assert rendered["web"]["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/shop/web", "awslogs-region": REGION, "awslogs-stream-prefix": "web"},
    }
    assert "logConfiguration" not in rendered["db"]


def test_mount_points_and_remote_sessions() -> None:
    rendered = definitions()
    assert rendered["web"]["mountPoints"] == [
        {"sourceVolume": "web-efs-0", "containerPath": "/data", "readOnly": False}
    ]
    assert all(d["linuxParameters"] == {"initProcessEnabled": True} for d in rendered.values())
    plain = container_definitions(
        simple_spec(), images={"api": "api:1"}, log_groups={"api": "/api"}, region=REGION
    )
    assert "linuxParameters" not in plain[0]


def test_read_only_root_filesystem_and_user_only_when_asked() -> None:
    def hardened(**fields: Any) -> ContainerWorkloadSpec:
        container = {"name": "api", "image": "api:1", **fields}
        return parse_container_workload(
            "api", {"containers": [container], "resources": {"cpu": 0.25, "memory": 512}}
        )

    def payload(spec: ContainerWorkloadSpec) -> dict[str, Any]:
        rendered = register_task_definition_input(
            spec,
            family="api",
            execution_role_arn=arn("iam", "role/exec").replace(REGION, ""),
            task_role_arn=arn("iam", "role/task").replace(REGION, ""),
            images={"api": "api:1"},
            log_groups={"api": "/api"},
            region=REGION,
        )
        strict("ecs", "RegisterTaskDefinition", rendered)  # the keys and types ECS's API takes
        return rendered["containerDefinitions"][0]

    locked = payload(hardened(read_only_root_filesystem=True, run_as_user=10001))
    assert (locked["readonlyRootFilesystem"], locked["user"]) == (True, "10001")
    plain = payload(hardened())
    assert "readonlyRootFilesystem" not in plain and "user" not in plain  # the image's own choice


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ({"cpu": 0.25, "memory": 512}, ("256", "512")),
        ({"cpu": 0.5, "memory": 1024}, ("512", "1024")),
        ({"cpu": 4, "memory": 30720}, ("4096", "30720")),
        ({"cpu": 16, "memory": 122880}, ("16384", "122880")),
        ({"instance_types": ["c5.large"], "cpu": 2, "memory": 3072}, ("2048", "3072")),
    ],
)
def test_task_size_strings(resources: dict[str, Any], expected: tuple[str, str]) -> None:
    assert task_size(simple_spec(resources)) == expected


def test_ec2_without_memory_fits_the_smallest_instance() -> None:
    spec = simple_spec({"instance_types": ["c5.large"]})
    cpu, memory = task_size(spec, instance_memory_mib=4096)
    assert cpu is None
    assert 3500 <= int(memory) < 4096  # below the nominal size, which ECS never fully registers
    with pytest.raises(ValueError, match="instance_memory_mib"):
        task_size(spec)
    payload = register_task_definition_input(
        spec,
        family="api",
        execution_role_arn="arn:aws:iam::1:role/e",
        task_role_arn="arn:aws:iam::1:role/t",
        images={"api": "api:1"},
        log_groups={"api": "/api"},
        region=REGION,
        instance_memory_mib=4096,
    )
    strict("ecs", "RegisterTaskDefinition", payload)
    assert payload["requiresCompatibilities"] == ["EC2"] and "cpu" not in payload
    assert payload["runtimePlatform"]["cpuArchitecture"] == "X86_64"


def test_build_images_and_volumes_need_their_deploy_time_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.chdir(tmp_path)
    spec = parse_container_workload(
        "b",
        {
            "containers": [{"name": "app", "build": {"context": "."}}],
            "resources": {"cpu": 0.25, "memory": 512},
        },
    )
    with pytest.raises(ValueError, match="no image"):
        container_definitions(spec, images={}, log_groups={"app": "/b"}, region=REGION)
    with pytest.raises(ValueError, match="web-efs-0"):
        task_volumes(full_spec())


# ------------------------------------------------------------------------ autoscaling


def test_scaling_payloads_are_valid_for_application_autoscaling() -> None:
    spec = full_spec()
    target = register_scalable_target_input(spec, "prod", "shop")
    strict("application-autoscaling", "RegisterScalableTarget", target)
    assert (target["MinCapacity"], target["MaxCapacity"], target["ResourceId"]) == (2, 6, "service/prod/shop")
    assert target["ScalableDimension"] == "ecs:service:DesiredCount"

    policies = put_scaling_policy_inputs(spec, "prod", "shop", "shop-scaling")
    for policy in policies:
        strict("application-autoscaling", "PutScalingPolicy", policy)
    by_metric = {
        p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]: p["TargetTrackingScalingPolicyConfiguration"]
        for p in policies
    }
    assert by_metric["ECSServiceAverageCPUUtilization"]["TargetValue"] == 70.0
    assert by_metric["ECSServiceAverageMemoryUtilization"]["TargetValue"] == 60.0
    assert all(p["PolicyType"] == "TargetTrackingScaling" for p in policies)
    assert len({p["PolicyName"] for p in policies}) == 2
    # Stacktape: out aggressively, in cautiously.
    for configuration in by_metric.values():
        assert configuration["ScaleOutCooldown"] < configuration["ScaleInCooldown"]


def test_no_scaling_policy_when_min_equals_max() -> None:
    assert put_scaling_policy_inputs(simple_spec(), "prod", "api", "api") == []


# ------------------------------------------------------------------------ load balancer rules


def alb_spec(**event: Any) -> ContainerWorkloadSpec:
    return simple_spec(alb_event={"priority": 7, **event})


def only_event(spec: ContainerWorkloadSpec) -> Any:
    return spec.containers[0].events[0]


def test_create_rule_with_every_condition_is_valid_for_elbv2() -> None:
    event = only_event(
        alb_spec(
            paths=["/api/*"],
            hosts=["api.example.com"],
            headers=[{"header_name": "X-Version", "values": ["2"]}],
            query_params=[{"param_name": "beta", "values": ["true"]}],
            source_ips=["203.0.113.0/24"],
        )
    )
    rule = create_rule_input(
        event,
        arn("elasticloadbalancing", "listener/app/alb/1/2"),
        arn("elasticloadbalancing", "targetgroup/api/3"),
    )
    strict("elbv2", "CreateRule", rule)
    assert rule["Priority"] == 7
    assert rule["Actions"] == [
        {"Type": "forward", "TargetGroupArn": arn("elasticloadbalancing", "targetgroup/api/3")}
    ]
    conditions = {c["Field"]: c for c in rule["Conditions"]}
    assert conditions["path-pattern"]["PathPatternConfig"] == {"Values": ["/api/*"]}
    assert conditions["host-header"]["HostHeaderConfig"] == {"Values": ["api.example.com"]}
    assert conditions["http-header"]["HttpHeaderConfig"] == {"HttpHeaderName": "X-Version", "Values": ["2"]}
    assert conditions["query-string"]["QueryStringConfig"] == {"Values": [{"Key": "beta", "Value": "true"}]}
    assert conditions["source-ip"]["SourceIpConfig"] == {"Values": ["203.0.113.0/24"]}


def test_methods_and_one_condition_per_query_param() -> None:
    event = only_event(
        alb_spec(
            methods=["GET", "HEAD"],
            query_params=[{"param_name": "a", "values": ["1", "2"]}, {"param_name": "b", "values": ["3"]}],
        )
    )
    conditions = rule_conditions(event)
    strict(
        "elbv2",
        "CreateRule",
        {
            "ListenerArn": "l",
            "Priority": 1,
            "Conditions": conditions,
            "Actions": [{"Type": "forward", "TargetGroupArn": "t"}],
        },
    )
    assert {
        "Field": "http-request-method",
        "HttpRequestMethodConfig": {"Values": ["GET", "HEAD"]},
    } in conditions
    query = [c["QueryStringConfig"]["Values"] for c in conditions if c["Field"] == "query-string"]
    assert query == [[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], [{"Key": "b", "Value": "3"}]]


def test_an_event_without_conditions_matches_every_path() -> None:
    assert rule_conditions(only_event(alb_spec())) == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["*"]}}
    ]


def test_target_groups_are_valid_for_elbv2() -> None:
    spec = full_spec()
    alb_target, nlb_target = spec.load_balanced_targets
    alb_group = create_target_group_input(alb_target, "shop-web-80", "vpc-0abc")
    nlb_group = create_target_group_input(nlb_target, "shop-metrics-9125", "vpc-0abc")
    strict("elbv2", "CreateTargetGroup", alb_group)
    strict("elbv2", "CreateTargetGroup", nlb_group)
    assert (alb_group["Protocol"], alb_group["Port"], alb_group["TargetType"]) == ("HTTP", 80, "ip")
    assert (
        alb_group["HealthCheckPath"],
        alb_group["HealthCheckIntervalSeconds"],
        alb_group["HealthCheckTimeoutSeconds"],
    ) == ("/health", 10, 3)
    assert alb_group["HealthCheckPort"] == "traffic-port"
    assert (nlb_group["Protocol"], nlb_group["Port"], nlb_group["HealthCheckProtocol"]) == (
        "TCP",
        9125,
        "TCP",
    )
    assert "HealthCheckPath" not in nlb_group and "Matcher" not in nlb_group


# ------------------------------------------------------------------------ ECS service


def test_create_service_on_fargate_is_valid_for_ecs() -> None:
    spec = full_spec(use_private_subnets_with_nat=True)
    payload = create_service_input(
        spec,
        cluster="prod",
        service_name="shop",
        task_definition="shop:3",
        subnet_ids=["subnet-1", "subnet-2"],
        security_group_ids=["sg-1"],
        service_connect_namespace="prod.local",
        target_group_arns={
            "web-80-alb0": arn("elasticloadbalancing", "targetgroup/web/1"),
            "metrics-9125-nlb0": arn("elasticloadbalancing", "targetgroup/metrics/2"),
        },
    )
    strict("ecs", "CreateService", payload)
    assert payload["launchType"] == "FARGATE" and payload["desiredCount"] == 2
    assert payload["enableExecuteCommand"] is True
    assert payload["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    assert payload["loadBalancers"] == [
        {
            "targetGroupArn": arn("elasticloadbalancing", "targetgroup/web/1"),
            "containerName": "web",
            "containerPort": 80,
        },
        {
            "targetGroupArn": arn("elasticloadbalancing", "targetgroup/metrics/2"),
            "containerName": "metrics",
            "containerPort": 9125,
        },
    ]
    assert payload["deploymentConfiguration"]["deploymentCircuitBreaker"] == {
        "enable": True,
        "rollback": True,
    }


def test_service_connect_names_ports_the_task_definition_declares() -> None:
    spec = full_spec()
    configuration = service_connect_configuration(spec, "prod.local")
    assert configuration["services"] == [
        {"portName": "web-80", "discoveryName": "web", "clientAliases": [{"port": 80, "dnsName": "web"}]},
        {
            "portName": "metrics-9102",
            "discoveryName": "shop-metrics",
            "clientAliases": [{"port": 9102, "dnsName": "shop-metrics"}],
        },
    ]
    declared = {m["name"] for d in definitions(spec).values() for m in d.get("portMappings", [])}
    assert {s["portName"] for s in configuration["services"]} <= declared
    client_only = service_connect_configuration(simple_spec(), "prod.local")
    assert client_only == {"enabled": True, "namespace": "prod.local"}


def api_service_input(spec: ContainerWorkloadSpec, target_group_arn: str, **kwargs: Any) -> dict[str, Any]:
    """CreateService for a `simple_spec` service 'api' in cluster 'prod'."""
    return create_service_input(
        spec,
        cluster="prod",
        service_name="api",
        task_definition="api:1",
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
        target_group_arns={"api-8080-alb0": target_group_arn},
        **kwargs,
    )


def test_create_service_on_ec2_uses_the_capacity_provider_and_binpacks() -> None:
    spec = simple_spec({"instance_types": ["c5.large"]})
    payload = api_service_input(spec, "arn:tg", capacity_provider="api-asg")
    strict("ecs", "CreateService", payload)
    assert "launchType" not in payload
    assert payload["capacityProviderStrategy"] == [{"capacityProvider": "api-asg", "weight": 1}]
    assert payload["placementStrategy"] == [{"type": "binpack", "field": "memory"}]
    # "Assign public IP is not supported for this launch type": only Fargate tasks get one.
    assert payload["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    with pytest.raises(ValueError, match="capacity_provider"):
        create_service_input(
            spec,
            cluster="c",
            service_name="s",
            task_definition="t",
            subnet_ids=[],
            security_group_ids=[],
            target_group_arns={"api-8080-alb0": "arn:tg"},
        )


# What each Stacktape strategy means (its reference): the share shifted first and the wait.
ECS_NATIVE = {
    "AllAtOnce": ("BLUE_GREEN", None, None),
    "Canary10Percent5Minutes": ("CANARY", {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 5}, None),
    "Canary10Percent15Minutes": ("CANARY", {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 15}, None),
    "Linear10PercentEvery1Minutes": ("LINEAR", None, {"stepPercent": 10.0, "stepBakeTimeInMinutes": 1}),
    "Linear10PercentEvery3Minutes": ("LINEAR", None, {"stepPercent": 10.0, "stepBakeTimeInMinutes": 3}),
}


@pytest.mark.parametrize("strategy", list(ECS_NATIVE))
def test_ecs_native_blue_green_per_strategy(strategy: str) -> None:
    spec = simple_spec(
        deployment={
            "strategy": strategy,
            "before_allow_traffic_function": FUNCTION,
            "after_traffic_shift_function": FUNCTION,
            "test_listener_port": 8443,
        }
    )
    hooks = {
        "before_allow_traffic_function": arn("lambda", "function:before"),
        "after_traffic_shift_function": arn("lambda", "function:after"),
    }
    blue_green = BlueGreenTargets(
        alternate_target_group_arn="arn:green",
        production_listener_rule_arn="arn:rule",
        role_arn=arn("iam", "role/ecs-lb"),
        test_listener_rule_arn="arn:test-rule",
    )
    payload = api_service_input(
        spec,
        "arn:blue",
        blue_green=blue_green,
        hook_role_arn=arn("iam", "role/hooks"),
        hook_arns=hooks,
    )
    strict("ecs", "CreateService", payload)
    configuration = payload["deploymentConfiguration"]
    kind, canary, linear = ECS_NATIVE[strategy]
    assert configuration["strategy"] == kind
    assert configuration.get("canaryConfiguration") == canary
    assert configuration.get("linearConfiguration") == linear
    stages = {h["hookTargetArn"]: h["lifecycleStages"] for h in configuration["lifecycleHooks"]}
    assert stages == {
        hooks["before_allow_traffic_function"]: ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
        hooks["after_traffic_shift_function"]: ["POST_PRODUCTION_TRAFFIC_SHIFT"],
    }
    assert payload["loadBalancers"][0]["advancedConfiguration"] == {
        "alternateTargetGroupArn": "arn:green",
        "productionListenerRule": "arn:rule",
        "roleArn": arn("iam", "role/ecs-lb"),
        "testListenerRule": "arn:test-rule",
    }


def test_hooks_need_their_arns() -> None:
    spec = simple_spec(deployment={"strategy": "AllAtOnce", "after_traffic_shift_function": FUNCTION})
    with pytest.raises(ValueError, match="after_traffic_shift_function"):
        deployment_configuration(spec)


# ------------------------------------------------------------------------ CodeDeploy

# CodeDeploy's predefined ECS deployment configurations (CodeDeploy user guide), by Stacktape name.
CODEDEPLOY_CONFIGS = {
    "AllAtOnce": "CodeDeployDefault.ECSAllAtOnce",
    "Canary10Percent5Minutes": "CodeDeployDefault.ECSCanary10Percent5Minutes",
    "Canary10Percent15Minutes": "CodeDeployDefault.ECSCanary10Percent15Minutes",
    "Linear10PercentEvery1Minutes": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
    "Linear10PercentEvery3Minutes": "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
}


@pytest.mark.parametrize(("strategy", "config_name"), list(CODEDEPLOY_CONFIGS.items()))
def test_codedeploy_deployment_group_per_strategy(strategy: str, config_name: str) -> None:
    assert deployment_config_name(strategy) == config_name
    spec = simple_spec(deployment={"strategy": strategy, "test_listener_port": 8443})
    payload = create_deployment_group_input(
        spec,
        application_name="api",
        deployment_group_name="api",
        service_role_arn=arn("iam", "role/cd"),
        cluster_name="prod",
        service_name="api",
        target_group_names=("api-blue", "api-green"),
        production_listener_arns=["arn:prod-listener"],
        test_listener_arns=["arn:test-listener"],
    )
    strict("codedeploy", "CreateDeploymentGroup", payload)
    assert payload["deploymentConfigName"] == config_name
    assert payload["deploymentStyle"] == {
        "deploymentType": "BLUE_GREEN",
        "deploymentOption": "WITH_TRAFFIC_CONTROL",
    }
    (pair,) = payload["loadBalancerInfo"]["targetGroupPairInfoList"]
    assert pair["targetGroups"] == [{"name": "api-blue"}, {"name": "api-green"}]
    assert pair["testTrafficRoute"] == {"listenerArns": ["arn:test-listener"]}
    assert payload["ecsServices"] == [{"serviceName": "api", "clusterName": "prod"}]


def test_codedeploy_deployment_carries_the_appspec_with_hooks() -> None:
    spec = simple_spec(
        deployment={
            "strategy": "Canary10Percent5Minutes",
            "before_allow_traffic_function": FUNCTION,
            "after_traffic_shift_function": FUNCTION,
        }
    )
    hooks = {
        "before_allow_traffic_function": arn("lambda", "function:before"),
        "after_traffic_shift_function": arn("lambda", "function:after"),
    }
    payload = create_deployment_input(
        spec,
        application_name="api",
        deployment_group_name="api",
        task_definition_arn=arn("ecs", "task-definition/api:2"),
        hook_arns=hooks,
    )
    strict("codedeploy", "CreateDeployment", payload)
    document = json.loads(payload["revision"]["appSpecContent"]["content"])
    service = document["Resources"][0]["TargetService"]
    assert service["Type"] == "AWS::ECS::Service"
    assert service["Properties"]["LoadBalancerInfo"] == {"ContainerName": "api", "ContainerPort": 8080}
    assert service["Properties"]["TaskDefinition"] == arn("ecs", "task-definition/api:2")
    assert document["Hooks"] == [
        {"BeforeAllowTraffic": arn("lambda", "function:before")},
        {"AfterAllowTraffic": arn("lambda", "function:after")},
    ]
    assert "Hooks" not in app_spec(simple_spec(deployment={"strategy": "AllAtOnce"}), "arn:td")


# ------------------------------------------------------------------------ HTTP API


def http_event(method: str, path: str, authorizer: dict[str, Any] | None = None) -> Any:
    event: dict[str, Any] = {
        "type": "http-api-gateway",
        "http_api_gateway": GATEWAY,
        "container_port": 80,
        "method": method,
        "path": path,
    }
    if authorizer:
        event["authorizer"] = authorizer
    spec = parse_container_workload(
        "api",
        {
            "containers": [{"name": "api", "image": "api:1", "events": [event]}],
            "resources": {"cpu": 0.25, "memory": 512},
        },
    )
    return only_event(spec)


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("GET", "/my-path", "GET /my-path"),
        ("*", "/{proxy+}", "ANY /{proxy+}"),
        ("*", "*", "$default"),
        ("POST", "*", "POST /{proxy+}"),
    ],
)
def test_route_keys(method: str, path: str, key: str) -> None:
    event = http_event(method, path)
    assert route_key(event) == key
    strict("apigatewayv2", "CreateRoute", create_route_input(event, "a1b2c3", "int123"))


def test_http_api_integration_authorizers_and_routes_are_valid() -> None:
    cognito = http_event("GET", "/me", {"type": "cognito", "user_pool": POOL})
    lam = http_event("POST", "/orders", {"type": "lambda", "function": FUNCTION, "cache_result_seconds": 60})
    integration = create_integration_input(
        cognito, "a1b2c3", "vpclink1", arn("servicediscovery", "service/srv-1")
    )
    strict("apigatewayv2", "CreateIntegration", integration)
    assert (
        integration["IntegrationType"],
        integration["ConnectionType"],
        integration["PayloadFormatVersion"],
    ) == ("HTTP_PROXY", "VPC_LINK", "1.0")

    jwt = create_authorizer_input(
        cognito.authorizer,
        api_id="a1b2c3",
        name="pool",
        region=REGION,
        user_pool_id="eu-west-1_AbC",
        user_pool_client_ids=["client1"],
    )
    strict("apigatewayv2", "CreateAuthorizer", jwt)
    assert jwt["JwtConfiguration"]["Issuer"] == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    assert jwt["IdentitySource"] == ["$request.header.Authorization"]

    request = create_authorizer_input(
        lam.authorizer, api_id="a1b2c3", name="fn", region=REGION, function_arn=arn("lambda", "function:auth")
    )
    strict("apigatewayv2", "CreateAuthorizer", request)
    assert (
        request["AuthorizerType"],
        request["EnableSimpleResponses"],
        request["AuthorizerPayloadFormatVersion"],
        request["AuthorizerResultTtlInSeconds"],
    ) == ("REQUEST", True, "2.0", 60)

    route = create_route_input(lam, "a1b2c3", "int123", authorizer_id="auth1")
    strict("apigatewayv2", "CreateRoute", route)
    assert (route["AuthorizationType"], route["AuthorizerId"], route["Target"]) == (
        "CUSTOM",
        "auth1",
        "integrations/int123",
    )
    assert create_route_input(cognito, "a1b2c3", "int1", authorizer_id="a")["AuthorizationType"] == "JWT"


# ------------------------------------------------------------------------ task role


def test_task_role_policy() -> None:
    topic = pulumi.Output.from_input(arn("sns", "NotificationTopic"))
    spec = simple_spec(
        iam_role_statements=[
            {"action": ["sns:Publish"], "resource": [topic]},
            {
                "sid": "NoDelete",
                "effect": "Deny",
                "action": ["s3:Delete*"],
                "resource": ["*"],
                "condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
        connect_to=["aws:ses"],
        enable_remote_sessions=True,
    )
    policy = task_role_policy(spec)
    assert policy is not None and policy["Version"] == "2012-10-17"
    publish, deny, ses, exec_ = policy["Statement"]
    assert publish == {"Effect": "Allow", "Action": ["sns:Publish"], "Resource": [topic]}
    assert deny == {
        "Effect": "Deny",
        "Action": ["s3:Delete*"],
        "Resource": ["*"],
        "Sid": "NoDelete",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert "ses:SendEmail" in ses["Action"] and not any(a.endswith("*") for a in ses["Action"])
    assert all(resource.startswith("arn:aws:ses:") for resource in ses["Resource"])
    assert set(exec_["Action"]) == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    assert task_role_policy(simple_spec()) is None
