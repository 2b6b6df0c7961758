"""Render CodeDeploy blue/green payloads for a `ContainerWorkloadSpec` with a `deployment`.

This is how Stacktape shifts traffic, and what its hook functions expect (they report back with
CodeDeploy's PutLifecycleEventHookExecutionStatus). It needs the ECS service on the CODE_DEPLOY
deployment controller and a CreateDeployment per new task definition; `service` renders the
ECS-native alternative, which needs neither.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from components.spec.container_workload.workload import ContainerWorkloadSpec, DeploymentSpec

CONFIG_PREFIX = "CodeDeployDefault.ECS"
# Stacktape hook -> the AppSpec hook of the same moment ("after traffic shift" is AfterAllowTraffic).
APPSPEC_HOOKS: Mapping[str, str] = {
    "before_allow_traffic_function": "BeforeAllowTraffic",
    "after_traffic_shift_function": "AfterAllowTraffic",
}


def deployment_config_name(strategy: str) -> str:
    """The predefined ECS deployment configuration, e.g. 'CodeDeployDefault.ECSCanary10Percent5Minutes'.

    Stacktape's strategy names are CodeDeploy's predefined ECS configurations without the prefix.
    """
    return CONFIG_PREFIX + strategy


def _deployment(spec: ContainerWorkloadSpec) -> DeploymentSpec:
    if spec.deployment is None:
        raise ValueError("the spec has no deployment")
    return spec.deployment


def create_deployment_group_input(
    spec: ContainerWorkloadSpec,
    *,
    application_name: str,
    deployment_group_name: str,
    service_role_arn: str,
    cluster_name: str,
    service_name: str,
    target_group_names: tuple[str, str],
    production_listener_arns: Sequence[str],
    test_listener_arns: Sequence[str] = (),
) -> dict[str, Any]:
    """CreateDeploymentGroup for the service; `target_group_names` are (blue, green)."""
    deployment = _deployment(spec)
    if deployment.test_listener_port is not None and not test_listener_arns:
        raise ValueError("deployment.test_listener_port is set: pass the test listener's ARN")
    pair: dict[str, Any] = {
        "targetGroups": [{"name": name} for name in target_group_names],
        "prodTrafficRoute": {"listenerArns": list(production_listener_arns)},
    }
    if test_listener_arns:
        pair["testTrafficRoute"] = {"listenerArns": list(test_listener_arns)}
    return {
        "applicationName": application_name,
        "deploymentGroupName": deployment_group_name,
        "deploymentConfigName": deployment_config_name(deployment.strategy),
        "serviceRoleArn": service_role_arn,
        "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        "blueGreenDeploymentConfiguration": {
            "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
            "terminateBlueInstancesOnDeploymentSuccess": {
                "action": "TERMINATE",
                "terminationWaitTimeInMinutes": 0,
            },
        },
        "autoRollbackConfiguration": {
            "enabled": True,
            "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"],
        },
        "ecsServices": [{"serviceName": service_name, "clusterName": cluster_name}],
        "loadBalancerInfo": {"targetGroupPairInfoList": [pair]},
    }


def app_spec_network(awsvpc: Mapping[str, Any]) -> dict[str, Any]:
    """An ECS `awsvpcConfiguration` (the service's) as the AppSpec's `NetworkConfiguration`."""
    return {
        "AwsvpcConfiguration": {
            "Subnets": list(awsvpc["subnets"]),
            "SecurityGroups": list(awsvpc["securityGroups"]),
            "AssignPublicIp": awsvpc["assignPublicIp"],
        }
    }


def app_spec(
    spec: ContainerWorkloadSpec,
    task_definition_arn: str,
    hook_arns: Mapping[str, str] | None = None,
    network: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The AppSpec of one deployment: the new task definition, the container port behind the load
    balancer, the tasks' network (`network`: the service's `awsvpcConfiguration`), and the hooks
    (`hook_arns`: Stacktape hook field -> Lambda ARN).

    Under CODE_DEPLOY, UpdateService refuses a new network configuration (ECS's UpdateService
    reference: "create a new CodeDeploy deployment"): the AppSpec's NetworkConfiguration is where a
    changed subnet or security group reaches the service, with the next deployment's task set.
    """
    deployment = _deployment(spec)
    target = spec.load_balanced_targets[0]  # the spec guarantees exactly one with a deployment
    hooks = []
    for key, hook in APPSPEC_HOOKS.items():
        if getattr(deployment, key) is None:
            continue
        if hook_arns is None or key not in hook_arns:
            raise ValueError(f"deployment.{key} is set: pass its ARN in hook_arns")
        hooks.append({hook: hook_arns[key]})
    properties: dict[str, Any] = {
        "TaskDefinition": task_definition_arn,
        "LoadBalancerInfo": {"ContainerName": target.container_name, "ContainerPort": target.container_port},
    }
    if network is not None:
        properties["NetworkConfiguration"] = app_spec_network(network)
    document: dict[str, Any] = {
        "version": 0.0,
        "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": properties}}],
    }
    if hooks:
        document["Hooks"] = hooks
    return document


def create_deployment_input(
    spec: ContainerWorkloadSpec,
    *,
    application_name: str,
    deployment_group_name: str,
    task_definition_arn: str,
    hook_arns: Mapping[str, str] | None = None,
    network: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """CreateDeployment rolling the service to `task_definition_arn` (and `network`, see `app_spec`)."""
    content = json.dumps(app_spec(spec, task_definition_arn, hook_arns, network), sort_keys=True)
    return {
        "applicationName": application_name,
        "deploymentGroupName": deployment_group_name,
        "revision": {
            "revisionType": "AppSpecContent",
            "appSpecContent": {"content": content, "sha256": hashlib.sha256(content.encode()).hexdigest()},
        },
    }
