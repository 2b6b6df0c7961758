"""Every snippet of Stacktape's multi-container-workload page, as a Pulumi program deployed on ecs under
mocks, with the resources that make it work.

Translation rules: Stacktape's `stacktape-image-buildpack` packaging becomes a `build` of ./app; a
resource named in a snippet becomes the component object; `cpu: 2, memory: 2048`, which Fargate does
not offer, becomes the smallest valid 2 vCPU size (4096 MiB); a TLS listener gets a certificate.
"""

import base64
import json
from pathlib import Path
from typing import Any

import pulumi_aws as aws
import pytest

from components import (
    ApplicationLoadBalancer,
    ContainerWorkload,
    HttpApiGateway,
    NetworkLoadBalancer,
)
from tests.support.aws_models import strict
from tests.support.ecs_mocks import (
    ec2_network,
    lambda_function,
    of_type,
    only,
    policy,
    register_task_definition_params,
    run_ecs,
)

TWO_VCPU = {"cpu": 2, "memory": 4096}
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/stacktape"


@pytest.fixture(autouse=True)
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The program's folder, with the container sources the snippets build in ./app."""
    (tmp_path / "app" / "src").mkdir(parents=True)
    (tmp_path / "app" / "Dockerfile").write_text("FROM node:22\nCOPY . .\nCMD node src/index.js\n")
    (tmp_path / "app" / "src" / "index.ts").write_text("console.log('hi')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


BUILD = {"context": "./app"}


def http_event(gateway: Any, method: str, path: str, container_port: int = 80) -> dict[str, Any]:
    return {
        "type": "http-api-gateway",
        "http_api_gateway": gateway,
        "container_port": container_port,
        "method": method,
        "path": path,
    }


def task(resources: dict[str, Any], workload: str) -> dict[str, Any]:
    """The workload's RegisterTaskDefinition input, checked against botocore's model."""
    params = register_task_definition_params(resources[f"{workload}-task"])
    strict("ecs", "RegisterTaskDefinition", params)
    return params


def containers(resources: dict[str, Any], workload: str) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in task(resources, workload)["containerDefinitions"]}


def routes(resources: dict[str, Any]) -> set[str]:
    return {r.inputs["routeKey"] for r in of_type(resources, "aws:apigatewayv2/route:Route").values()}


def ingress_ports(resources: dict[str, Any], workload: str) -> set[int]:
    return {
        r.inputs["fromPort"]
        for r in of_type(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").values()
        if r.inputs["securityGroupId"] == f"{workload}-tasks-id"
    }


def test_basic_usage_api_server_behind_an_http_api_gateway() -> None:
    def program() -> None:
        main_gateway = HttpApiGateway("mainGateway")
        ContainerWorkload(
            "apiServer",
            {
                "resources": TWO_VCPU,
                "scaling": {"min_instances": 1, "max_instances": 5},
                "containers": [
                    {
                        "name": "api-container",
                        "build": BUILD,
                        "environment": {"PORT": 3000},
                        "events": [http_event(main_gateway, "*", "/{proxy+}", container_port=3000)],
                    }
                ],
            },
        )

    resources = run_ecs(program)
    assert routes(resources) == {"ANY /{proxy+}"}
    (integration,) = of_type(resources, "aws:apigatewayv2/integration:Integration").values()
    assert integration.inputs["connectionId"] == "mainGateway-link-id"
    api = containers(resources, "apiServer")["api-container"]
    assert api["environment"] == [{"name": "PORT", "value": "3000"}]
    assert api["image"] == resources["apiServer-api-container-image"].inputs["ref"]  # built and pushed to ECR
    assert (
        resources["apiServer-scaling"].inputs["minCapacity"],
        resources["apiServer-scaling"].inputs["maxCapacity"],
    ) == (1, 5)
    assert {p.name for p in of_type(resources, "aws:appautoscaling/policy:Policy").values()} == {
        "apiServer-scale-cpu",
        "apiServer-scale-memory",
    }
    assert ingress_ports(resources, "apiServer") == {3000}


@pytest.mark.parametrize(
    ("workload", "frontend", "backend", "port_variable", "route", "route_key"),
    [
        # "Dependencies between containers": the page's frontend depends on 'backend', a name this
        # workload lacks: api-container is meant.
        (
            "myMultiContainerWorkload",
            "frontend-container",
            "api-container",
            "API_COINTAINER_PORT",
            ("*", "*"),
            "$default",
        ),
        # "Internal port".
        ("myApp", "frontend", "backend", "BACKEND_PORT", ("GET", "/my-path"), "GET /my-path"),
    ],
    ids=["dependencies between containers", "internal port"],
)
def test_a_frontend_reaches_its_backend_inside_the_task(
    workload: str, frontend: str, backend: str, port_variable: str, route: tuple[str, str], route_key: str
) -> None:
    def program() -> None:
        gateway = HttpApiGateway("myApiGateway")
        ContainerWorkload(
            workload,
            {
                "resources": TWO_VCPU,
                "containers": [
                    {
                        "name": frontend,
                        "build": BUILD,
                        "depends_on": [{"container_name": backend, "condition": "START"}],
                        "environment": {"PORT": 80, port_variable: 3000},
                        "events": [http_event(gateway, *route)],
                    },
                    {
                        "name": backend,
                        "build": BUILD,
                        "environment": {"PORT": 3000},
                        "events": [{"type": "workload-internal", "container_port": 3000}],
                    },
                ],
            },
        )

    resources = run_ecs(program)
    definitions = containers(resources, workload)
    assert definitions[frontend]["dependsOn"] == [{"containerName": backend, "condition": "START"}]
    assert {"name": port_variable, "value": "3000"} in definitions[frontend]["environment"]
    assert definitions[backend]["portMappings"][0]["containerPort"] == 3000
    assert routes(resources) == {route_key}
    assert ingress_ports(resources, workload) == {80}  # 3000 stays inside the task


def test_healthcheck() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload(
            "myContainerWorkload",
            {
                "resources": TWO_VCPU,
                "containers": [
                    {
                        "name": "api-container",
                        "build": BUILD,
                        "internal_health_check": {
                            "health_check_command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                            "interval_seconds": 20,
                            "timeout_seconds": 5,
                            "start_period_seconds": 150,
                            "retries": 2,
                        },
                    }
                ],
            },
        )
    )
    assert containers(resources, "myContainerWorkload")["api-container"]["healthCheck"] == {
        "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
        "interval": 20,
        "timeout": 5,
        "retries": 2,
        "startPeriod": 150,
    }


def test_http_api_event() -> None:
    def program() -> None:
        gateway = HttpApiGateway("myApiGateway")
        ContainerWorkload(
            "myApp",
            {
                "resources": TWO_VCPU,
                "containers": [
                    {
                        "name": "api-container",
                        "build": BUILD,
                        "events": [http_event(gateway, "GET", "/my-path")],
                    }
                ],
            },
        )

    resources = run_ecs(program)
    assert routes(resources) == {"GET /my-path"}
    registries = only(resources, "aws:ecs/service:Service").inputs["serviceRegistries"]
    assert (registries["containerName"], registries["containerPort"]) == ("api-container", 80)


def alb_app(**deployment: Any) -> dict[str, Any]:
    def program() -> None:
        balancer = ApplicationLoadBalancer("myLoadBalancer")
        args: dict[str, Any] = {
            "resources": TWO_VCPU,
            "containers": [
                {
                    "name": "api-container",
                    "build": BUILD,
                    "events": [
                        {
                            "type": "application-load-balancer",
                            "load_balancer": balancer,
                            "container_port": 80,
                            "priority": 1,
                            "paths": ["*"],
                        }
                    ],
                }
            ],
        }
        if deployment:
            validate = lambda_function("validateDeployment")
            args["deployment"] = {
                key: validate if value == "validateDeployment" else value for key, value in deployment.items()
            }
        ContainerWorkload("myApp", args)

    return run_ecs(program)


def test_application_load_balancer_event() -> None:
    resources = alb_app()
    (rule,) = of_type(resources, "aws:lb/listenerRule:ListenerRule").values()
    assert rule.inputs["priority"] == 1 and rule.inputs["conditions"] == [{"pathPattern": {"values": ["*"]}}]
    assert rule.inputs["listenerArn"] == resources["myLoadBalancer-80"].inputs["arn"]
    assert ingress_ports(resources, "myApp") == {80}


def test_network_load_balancer_event() -> None:
    def program() -> None:
        balancer = NetworkLoadBalancer(
            "myLoadBalancer",
            {
                "listeners": [{"port": 8080, "protocol": "TLS"}],
                "certificate_arn": CERTIFICATE,
            },
        )
        ContainerWorkload(
            "myWorkload",
            {
                "resources": {"cpu": 0.25, "memory": 512},
                "containers": [
                    {
                        "name": "container1",
                        "build": BUILD,
                        "events": [
                            {
                                "type": "network-load-balancer",
                                "load_balancer": balancer,
                                "listener_port": 8080,
                                "container_port": 8080,
                            }
                        ],
                    }
                ],
            },
        )

    resources = run_ecs(program)
    (listener,) = of_type(resources, "aws:lb/listener:Listener").values()
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (8080, "TLS")
    assert only(resources, "aws:lb/targetGroup:TargetGroup").inputs["protocol"] == "TCP"
    assert task(resources, "myWorkload")["cpu"] == "256"


def test_service_connect() -> None:
    def program() -> None:
        ContainerWorkload(
            "internalService",
            {
                "resources": TWO_VCPU,
                "containers": [
                    {
                        "name": "api",
                        "build": BUILD,
                        "events": [{"type": "service-connect", "container_port": 3000}],
                    }
                ],
            },
        )
        ContainerWorkload(
            "publicService", {"resources": TWO_VCPU, "containers": [{"name": "api", "build": BUILD}]}
        )

    resources = run_ecs(program)
    internal = resources["internalService-service"].inputs["serviceConnectConfiguration"]
    assert internal["services"][0]["clientAlias"] == [{"port": 3000, "dnsName": "internal-service-api"}]
    public = resources["publicService-service"].inputs
    assert (
        public["serviceConnectConfiguration"]["enabled"] is True
    )  # a client: it calls internal-service-api:3000
    assert "app-workloads-id" in public["networkConfiguration"]["securityGroups"]
    assert ingress_ports(resources, "internalService") == {3000}


def test_using_fargate() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload(
            "myContainerWorkload",
            {
                "resources": {"cpu": 0.25, "memory": 512},
                "containers": [{"name": "api-container", "build": BUILD}],
            },
        )
    )
    params = task(resources, "myContainerWorkload")
    assert (params["cpu"], params["memory"], params["requiresCompatibilities"]) == ("256", "512", ["FARGATE"])


def test_using_ec2_instances() -> None:
    resources = run_ecs(
        lambda: ContainerWorkload(
            "myContainerWorkload",
            {
                "resources": {"instance_types": ["c5.large"]},
                "containers": [{"name": "api-container", "build": BUILD}],
                # Not on the page: awsvpc tasks on EC2 get no public IP, so they need NAT (ec2_network).
                **ec2_network(),
            },
        )
    )
    assert task(resources, "myContainerWorkload")["requiresCompatibilities"] == ["EC2"]
    assert resources["myContainerWorkload-host-template"].inputs["instanceType"] == "c5.large"
    assert (
        only(resources, "aws:ecs/capacityProvider:CapacityProvider").inputs["autoScalingGroupProvider"][
            "managedScaling"
        ]["status"]
        == "ENABLED"
    )


def test_using_warm_pool() -> None:
    # The page shows it on a web-service; a multi-container workload takes the same resources.
    resources = run_ecs(
        lambda: ContainerWorkload(
            "myWebService",
            {
                "resources": {"instance_types": ["c5.large"], "enable_warm_pool": True},
                "containers": [{"name": "web", "build": BUILD}],
                **ec2_network(),
            },
        )
    )
    assert resources["myWebService-host-group"].inputs["warmPool"] == {"poolState": "Stopped"}
    user_data = base64.b64decode(resources["myWebService-host-template"].inputs["userData"]).decode()
    assert "ECS_WARM_POOLS_CHECK=true" in user_data


def test_scaling() -> None:
    def program() -> None:
        gateway = HttpApiGateway("myApiGateway")
        ContainerWorkload(
            "myContainerWorkload",
            {
                "resources": {"cpu": 0.5, "memory": 1024},
                "scaling": {
                    "min_instances": 1,
                    "max_instances": 5,
                    "scaling_policy": {
                        "keep_avg_memory_utilization_under": 80,
                        "keep_avg_cpu_utilization_under": 80,
                    },
                },
                "containers": [
                    {
                        "name": "container-1",
                        "build": BUILD,
                        "events": [http_event(gateway, "*", "*")],
                    },
                    {
                        "name": "container-2",
                        "build": BUILD,
                        "events": [{"type": "workload-internal", "container_port": 3000}],
                    },
                ],
            },
        )

    resources = run_ecs(program)
    targets = {
        p.inputs["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"][
            "predefinedMetricType"
        ]: p.inputs["targetTrackingScalingPolicyConfiguration"]["targetValue"]
        for p in of_type(resources, "aws:appautoscaling/policy:Policy").values()
    }
    assert targets == {"ECSServiceAverageCPUUtilization": 80, "ECSServiceAverageMemoryUtilization": 80}
    assert resources["myContainerWorkload-scaling"].inputs["maxCapacity"] == 5


def test_connect_to() -> None:
    def program() -> None:
        photos_bucket = aws.s3.Bucket("photosBucket")
        ContainerWorkload(
            "myContainerWorkload",
            {
                "resources": {"cpu": 0.25, "memory": 512},
                "containers": [{"name": "apiContainer", "build": BUILD}],
                "connect_to": [photos_bucket, "aws:ses"],
            },
        )

    resources = run_ecs(program)
    actions = {
        a for s in policy(resources["myContainerWorkload-task-policy"])["Statement"] for a in s["Action"]
    }
    assert {"s3:GetObject", "s3:PutObject", "ses:SendEmail"} <= actions
    environment = {
        e["name"] for e in containers(resources, "myContainerWorkload")["apiContainer"]["environment"]
    }
    assert environment == {"STP_PHOTOS_BUCKET_NAME", "STP_PHOTOS_BUCKET_ARN"}


def test_iam_role_statements() -> None:
    def program() -> None:
        topic = aws.sns.Topic("NotificationTopic")
        ContainerWorkload(
            "myContainerWorkload",
            {
                "resources": TWO_VCPU,
                "containers": [{"name": "apiContainer", "build": BUILD}],
                "iam_role_statements": [
                    {"resource": [topic.arn], "effect": "Allow", "action": ["sns:Publish"]}
                ],
            },
        )

    resources = run_ecs(program)
    assert policy(resources["myContainerWorkload-task-policy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": [resources["NotificationTopic"].inputs["arn"]],
        }
    ]


def test_deployment_strategies() -> None:
    resources = alb_app(strategy="Canary10Percent5Minutes")
    group = only(resources, "aws:codedeploy/deploymentGroup:DeploymentGroup").inputs
    assert group["deploymentConfigName"] == "CodeDeployDefault.ECSCanary10Percent5Minutes"
    assert only(resources, "aws:ecs/service:Service").inputs["deploymentController"] == {
        "type": "CODE_DEPLOY"
    }
    assert len(of_type(resources, "aws:lb/targetGroup:TargetGroup")) == 2  # blue and green


def test_hook_functions() -> None:
    resources = alb_app(strategy="Canary10Percent5Minutes", after_traffic_shift_function="validateDeployment")
    (grant,) = policy(resources["myApp-codedeploy-hooks"])["Statement"]
    assert grant["Resource"] == [resources["validateDeployment"].inputs["arn"]]
    group = only(resources, "aws:codedeploy/deploymentGroup:DeploymentGroup").inputs
    assert json.dumps(group).count("listenerArns") == 1  # production only: no test listener asked
