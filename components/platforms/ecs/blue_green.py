"""CodeDeploy blue/green for a ContainerWorkload with `deployment` (Stacktape's traffic shifting).

The service runs under the CODE_DEPLOY deployment controller behind two target groups: blue (the
one the listener rules forward to at first) and green. A deployment starts the new task set in the
idle group, optionally sends test traffic to it through the test listener, runs the
BeforeAllowTraffic hook, shifts production traffic by the strategy (e.g. 10 % then the rest after
5 minutes), runs the AfterAllowTraffic hook, and rolls back on failure or when a hook reports
'Failed'. `render.ecs.codedeploy` decides the deployment group and the AppSpec.

Rolling out a new revision: under CODE_DEPLOY, ECS refuses to change a service's task definition;
`pulumi up` registers the new revision, and a CodeDeploy deployment moves the service to it. The
`<name>-rollout` resource (`aws_provider.codedeploy_deployment`) runs that deployment during
`pulumi up` and waits for its outcome; the workload's `codedeploy_deployment` output is the same
CreateDeployment input, for `aws deploy create-deployment --cli-input-json "$(pulumi stack output ...)"`.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from aws_provider.codedeploy_deployment import CodeDeployDeployment
from components.platforms.aws.credentials import credentials
from components.platforms.ecs.aws_inputs import function_arn, snake_keys
from components.platforms.ecs.cluster import cluster_network
from components.platforms.ecs.iam import service_role
from components.platforms.ecs.load_balancers import allow_port, create_listener
from components.platforms.ecs.service_network import ServiceNetwork
from components.render.ecs.codedeploy import (
    APPSPEC_HOOKS,
    create_deployment_group_input,
    create_deployment_input,
)
from components.render.ecs.load_balancer_rules import listener_ports
from components.render.ecs.service import network_configuration
from components.render.ecs.task_role import allow, policy_document
from components.spec.container_workload.events import ApplicationLoadBalancerEvent
from components.spec.container_workload.workload import ContainerWorkloadSpec, DeploymentSpec
from components.spec.load_balancers import ListenerSpec

CODEDEPLOY_POLICY = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
CODEDEPLOY = "codedeploy.amazonaws.com"
# What a hook Lambda calls to tell CodeDeploy 'Succeeded' or 'Failed'; without it the hook times out
# and the deployment fails.
REPORT_HOOK_STATUS = "codedeploy:PutLifecycleEventHookExecutionStatus"


@dataclass(frozen=True)
class BlueGreen:
    application: aws.codedeploy.Application
    deployment_group: aws.codedeploy.DeploymentGroup
    role: aws.iam.Role
    green_target_group: aws.lb.TargetGroup
    test_listener: aws.lb.Listener | None
    deployment_input: pulumi.Output[str]
    """CreateDeployment input (JSON) moving the service to the current task definition."""
    rollout: CodeDeployDeployment
    """Runs that deployment on `pulumi up` when the task definition changes."""


def hook_arns(deployment: DeploymentSpec) -> dict[str, pulumi.Output[str]]:
    """Stacktape hook field -> Lambda ARN, for the hooks the deployment names."""
    return {
        key: function_arn(getattr(deployment, key))
        for key in APPSPEC_HOOKS
        if getattr(deployment, key) is not None
    }


def role_name(role_arn: str) -> str:
    """The name in an IAM role ARN ('arn:aws:iam::123456789012:role/path/name' -> 'name')."""
    return role_arn.rsplit("/", 1)[-1]


def grant_hook_reports(
    parent: pulumi.Resource, name: str, deployment: DeploymentSpec, group: aws.codedeploy.DeploymentGroup
) -> list[aws.iam.RolePolicy]:
    """Let each hook given as an `aws.lambda_.Function` report its result for this deployment group:
    an inline policy on the function's role. A hook given as an ARN keeps the role it has (the
    README says what it needs)."""
    statement = allow([REPORT_HOOK_STATUS], [group.arn])
    return [
        aws.iam.RolePolicy(
            f"{name}-{key.removesuffix('_function').replace('_', '-')}-reports",
            role=function.role.apply(role_name),
            policy=pulumi.Output.json_dumps(policy_document([statement])),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for key in APPSPEC_HOOKS
        if isinstance(function := getattr(deployment, key), aws.lambda_.Function)
    ]


def _test_listener(
    parent: pulumi.Resource, spec: ContainerWorkloadSpec, deployment: DeploymentSpec, live: pulumi.Input[str]
) -> aws.lb.Listener | None:
    """The listener CodeDeploy points at the new task set before production traffic moves (the
    balancer admits it like its other listeners). It starts where production traffic is (`live`)."""
    if deployment.test_listener_port is None:
        return None
    target = spec.load_balanced_targets[0]
    balancer: Any = target.load_balancer
    first = target.events[0]
    assert isinstance(first, ApplicationLoadBalancerEvent)  # the spec allows a deployment on ALB events only
    production = balancer.spec.listener(listener_ports(first)[0])
    port = deployment.test_listener_port
    child = pulumi.ResourceOptions(parent=parent)
    # The version under test is not for the internet: only the VPC reaches the test listener, even on
    # a public balancer (hooks and smoke tests run inside it).
    _, settings = cluster_network(balancer.cluster)
    allow_port(
        f"{spec.resource_name}-test-in-{port}", balancer.security_group, port, settings.vpc_cidr, child
    )
    return create_listener(
        f"{spec.resource_name}-test-{port}",
        balancer.load_balancer,
        ListenerSpec(port, production.protocol, production.certificate_arn),
        aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=live),
        # CodeDeploy moves the listener between the groups.
        pulumi.ResourceOptions(parent=parent, ignore_changes=["defaultActions"]),
    )


def create_blue_green(
    parent: pulumi.Resource,
    spec: ContainerWorkloadSpec,
    deployment: DeploymentSpec,
    *,
    cluster_name: pulumi.Input[str],
    service: aws.ecs.Service,
    service_network: ServiceNetwork,
    blue: aws.lb.TargetGroup,
    green: aws.lb.TargetGroup,
    live: pulumi.Input[str],
    production_listener: aws.lb.Listener,
    task_definition_arn: pulumi.Input[str],
) -> BlueGreen:
    """`deployment`: the spec's. `blue`, `green`: the pair, `blue` the group the service starts on;
    `live`: the ARN of the group production traffic is on now.
    `service_network`: where the service's tasks run; a later change reaches them through the next
    deployment's AppSpec (ECS refuses it in UpdateService under CODE_DEPLOY)."""
    name = spec.resource_name
    child = pulumi.ResourceOptions(parent=parent)
    test_listener = _test_listener(parent, spec, deployment, live)
    hooks = hook_arns(deployment)
    # The managed policy may invoke only functions named 'CodeDeployHook_*': the hooks get a grant.
    invoke_hooks = [allow(["lambda:InvokeFunction"], list(hooks.values()))]
    role, grants = service_role(
        f"{name}-codedeploy-role",
        CODEDEPLOY,
        child,
        managed_policies={f"{name}-codedeploy-policy": CODEDEPLOY_POLICY},
        inline_policies={f"{name}-codedeploy-hooks": invoke_hooks} if hooks else {},
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
    codedeploy = aws.codedeploy
    pair = codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoArgs(
        target_groups=[
            codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArgs(name=group.name)
            for group in (blue, green)
        ],
        prod_traffic_route=codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRouteArgs(
            listener_arns=[production_listener.arn]
        ),
        test_traffic_route=(
            codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTestTrafficRouteArgs(
                listener_arns=[test_listener.arn]
            )
            if test_listener is not None
            else None
        ),
    )
    group = aws.codedeploy.DeploymentGroup(
        f"{name}-deploy-group",
        app_name=application.name,
        deployment_group_name=name,
        service_role_arn=role.arn,
        deployment_config_name=payload["deploymentConfigName"],
        deployment_style=snake_keys(payload["deploymentStyle"]),
        blue_green_deployment_config=snake_keys(payload["blueGreenDeploymentConfiguration"]),
        auto_rollback_configuration=snake_keys(payload["autoRollbackConfiguration"]),
        ecs_service=codedeploy.DeploymentGroupEcsServiceArgs(
            cluster_name=cluster_name, service_name=service.name
        ),
        load_balancer_info=codedeploy.DeploymentGroupLoadBalancerInfoArgs(target_group_pair_info=pair),
        opts=child,
    )
    reports = grant_hook_reports(parent, name, deployment, group)
    deployment_input = pulumi.Output.all(
        application=application.name,
        group=group.deployment_group_name,
        task_definition=task_definition_arn,
        hooks=hooks,
        subnets=service_network.subnet_ids,
        security_groups=service_network.security_group_ids,
    ).apply(lambda v: _deployment_json(spec, v))
    rollout = CodeDeployDeployment(
        f"{name}-rollout",
        deployment_input=deployment_input,
        task_definition_arn=task_definition_arn,
        cluster_name=cluster_name,
        service_name=service.name,
        credentials=credentials(parent),
        # The deployment group's role must hold its grants before CodeDeploy assumes it.
        # Hooks report their result with the grant in place.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[service, group, *grants, *reports]),
    )
    return BlueGreen(application, group, role, green, test_listener, deployment_input, rollout)


def _deployment_json(spec: ContainerWorkloadSpec, values: Mapping[str, Any]) -> str:
    return json.dumps(
        create_deployment_input(
            spec,
            application_name=values["application"],
            deployment_group_name=values["group"],
            task_definition_arn=values["task_definition"],
            hook_arns=values["hooks"],
            network=network_configuration(spec, values["subnets"], values["security_groups"])[
                "awsvpcConfiguration"
            ],
        )
    )
