"""CodeDeploy blue/green for a ContainerWorkload with `deployment` (Stacktape's traffic shifting).

The service runs under the CODE_DEPLOY deployment controller behind two target groups: blue (the
one the listener rules forward to at first) and green. A deployment starts the new task set in the
idle group, optionally sends test traffic to it through the test listener, runs the
BeforeAllowTraffic hook, shifts production traffic by the strategy (e.g. 10 % then the rest after
5 minutes), runs the AfterAllowTraffic hook, and rolls back on failure or when a hook reports
'Failed'. `render.codedeploy` decides the deployment group and the AppSpec.

Rolling out a new revision: under CODE_DEPLOY, ECS refuses to change a service's task definition;
`pulumi up` registers the new revision, and a CodeDeploy deployment moves the service to it. The
workload's `codedeploy_deployment` output is that CreateDeployment input, ready for
`aws deploy create-deployment --cli-input-json "$(pulumi stack output ... )"`.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.platforms.ecs_lambda import function_arn
from components.platforms.ecs_load_balancers import allow_port, create_listener
from components.platforms.ecs_load_balancing import create_target_group, listener_ports
from components.render.codedeploy import APPSPEC_HOOKS, create_deployment_group_input, create_deployment_input
from components.render.task_role import POLICY_VERSION
from components.spec.container_workload import ContainerWorkloadSpec, DeploymentSpec
from components.spec.load_balancers import ListenerSpec

CODEDEPLOY_POLICY = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
CODEDEPLOY_TRUST = {
    "Version": POLICY_VERSION,
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass(frozen=True)
class BlueGreen:
    application: aws.codedeploy.Application
    deployment_group: aws.codedeploy.DeploymentGroup
    role: aws.iam.Role
    green_target_group: aws.lb.TargetGroup
    test_listener: aws.lb.Listener | None
    deployment_input: pulumi.Output[str]
    """CreateDeployment input (JSON) moving the service to the current task definition."""


def hook_arns(deployment: DeploymentSpec) -> dict[str, pulumi.Output[str]]:
    """Stacktape hook field -> Lambda ARN, for the hooks the deployment names."""
    return {
        key: function_arn(getattr(deployment, key))
        for key in APPSPEC_HOOKS
        if getattr(deployment, key) is not None
    }


def _test_listener(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, deployment: DeploymentSpec, blue: aws.lb.TargetGroup
) -> aws.lb.Listener | None:
    """The listener CodeDeploy points at the new task set before production traffic moves (the
    balancer admits it like its other listeners). It forwards to blue until a deployment runs."""
    if deployment.test_listener_port is None:
        return None
    target = spec.load_balanced_targets[0]
    balancer: Any = target.load_balancer
    production = balancer.spec.listener(listener_ports(target.events[0])[0])
    port = deployment.test_listener_port
    child = pulumi.ResourceOptions(parent=parent)
    allow_port(
        f"{spec.resource_name}-test-in-{port}", balancer.security_group, port, balancer.ingress_cidr, child
    )
    return create_listener(
        f"{spec.resource_name}-test-{port}",
        balancer.load_balancer,
        ListenerSpec(port, production.protocol, production.certificate_arn),
        {"type": "forward", "target_group_arn": blue.arn},
        # CodeDeploy moves the listener between the groups.
        pulumi.ResourceOptions(parent=parent, ignore_changes=["defaultActions"]),
    )


def create_blue_green(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    deployment: DeploymentSpec,
    *,
    vpc_id: pulumi.Input[str],
    cluster_name: pulumi.Input[str],
    service: aws.ecs.Service,
    blue: aws.lb.TargetGroup,
    production_listener: aws.lb.Listener,
    task_definition_arn: pulumi.Input[str],
) -> BlueGreen:
    """`deployment`: the spec's. `blue`: the target group the service and the rules start on."""
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    target = spec.load_balanced_targets[0]  # the spec allows a deployment with exactly one
    green = create_target_group(f"{name}-{target.key}-green", target, vpc_id, child)
    test_listener = _test_listener(parent, spec, deployment, blue)
    hooks = hook_arns(deployment)
    role = aws.iam.Role(
        f"{name}-codedeploy-role", assume_role_policy=pulumi.Output.json_dumps(CODEDEPLOY_TRUST), opts=child
    )
    aws.iam.RolePolicyAttachment(
        f"{name}-codedeploy-policy", role=role.name, policy_arn=CODEDEPLOY_POLICY, opts=child
    )
    if hooks:
        # The managed policy may invoke only functions named 'CodeDeployHook_*'.
        aws.iam.RolePolicy(
            f"{name}-codedeploy-hooks",
            role=role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": POLICY_VERSION,
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["lambda:InvokeFunction"],
                            "Resource": list(hooks.values()),
                        }
                    ],
                }
            ),
            opts=child,
        )
    application = aws.codedeploy.Application(f"{name}-deploy-app", compute_platform="ECS", opts=child)
    # Names and ARNs come from Pulumi; the renderer decides the strategy and blue/green settings.
    payload = create_deployment_group_input(
        spec,
        application_name="",
        deployment_group_name="",
        service_role_arn="",
        cluster_name="",
        service_name="",
        target_group_names=("", ""),
        production_listener_arns=[""],
        test_listener_arns=[""] if test_listener else [],
    )
    pair: dict[str, Any] = {
        "target_groups": [{"name": blue.name}, {"name": green.name}],
        "prod_traffic_route": {"listener_arns": [production_listener.arn]},
    }
    if test_listener is not None:
        pair["test_traffic_route"] = {"listener_arns": [test_listener.arn]}
    blue_green = payload["blueGreenDeploymentConfiguration"]
    group = aws.codedeploy.DeploymentGroup(
        f"{name}-deploy-group",
        app_name=application.name,
        deployment_group_name=name,
        service_role_arn=role.arn,
        deployment_config_name=payload["deploymentConfigName"],
        deployment_style={
            "deployment_type": payload["deploymentStyle"]["deploymentType"],
            "deployment_option": payload["deploymentStyle"]["deploymentOption"],
        },
        blue_green_deployment_config={
            "deployment_ready_option": {
                "action_on_timeout": blue_green["deploymentReadyOption"]["actionOnTimeout"]
            },
            "terminate_blue_instances_on_deployment_success": {
                "action": blue_green["terminateBlueInstancesOnDeploymentSuccess"]["action"],
                "termination_wait_time_in_minutes": blue_green["terminateBlueInstancesOnDeploymentSuccess"][
                    "terminationWaitTimeInMinutes"
                ],
            },
        },
        auto_rollback_configuration={
            "enabled": payload["autoRollbackConfiguration"]["enabled"],
            "events": payload["autoRollbackConfiguration"]["events"],
        },
        ecs_service={"cluster_name": cluster_name, "service_name": service.name},
        load_balancer_info={"target_group_pair_info": pair},
        opts=child,
    )
    deployment_input = pulumi.Output.all(
        application=application.name,
        group=group.deployment_group_name,
        task_definition=task_definition_arn,
        hooks=hooks,
    ).apply(lambda v: _deployment_json(spec, v))
    return BlueGreen(application, group, role, green, test_listener, deployment_input)


def _deployment_json(spec: ContainerWorkloadSpec, values: Mapping[str, Any]) -> str:
    return json.dumps(
        create_deployment_input(
            spec,
            application_name=values["application"],
            deployment_group_name=values["group"],
            task_definition_arn=values["task_definition"],
            hook_arns=values["hooks"],
        )
    )
