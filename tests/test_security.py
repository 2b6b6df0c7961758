"""Security, asserted under mocks on every platform: secret env values never in plain text, one
identity per workload, least-privilege `connect_to`, security groups that admit only what they must,
no privilege escalation in the chart, ECR scanning on push.

Secrets are searched in what Pulumi would store: the registered inputs with every secret kept
masked (as the state file keeps them encrypted), the mocks' outputs, the components' outputs, and the
chart files written to disk.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
import requests
from pulumi.runtime import rpc
from pulumi.runtime.sync_await import _sync_await

from components import ApplicationLoadBalancer, ContainerWorkload, HttpApiGateway, Workload, testing
from tests.support import ROOT
from tests.support.docker_state import labelled

SECRET = "s3cr3t-Hunter2-plain"
CW_SECRET = "cw-s3cr3t-Tiger7-plain"
ARG_SECRET = "arg-s3cr3t-Lynx4-plain"  # a secret passed as an argument, not as env
MASK = "[secret]"
EKS_CONFIG = {
    "containers:eks": json.dumps(
        {"clusterName": "prod", "endpoint": testing.EKS_ENDPOINT, "certificate": testing.EKS_CERTIFICATE}
    )
}
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
# Statements that AWS offers no resource-level permission for, or that name no resource.
RESOURCELESS_ACTIONS = {
    "ssmmessages:CreateControlChannel",  # ECS Exec (enable_remote_sessions)
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
}


def _masked(value: Any) -> Any:
    """Registered properties as the state would hold them: secrets stay hidden, at any depth."""
    if rpc.is_rpc_secret(value):
        return MASK
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def run(
    platform: str, program: Callable[[], list[pulumi.Output[Any]]], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[testing.Registration], list[Any]]:
    """Run `program` under mocks with secrets masked; return the registrations and its resolved outputs."""
    monkeypatch.setattr(testing, "_plain", _masked)
    mocks = testing.use_mocks(
        platform, EKS_CONFIG if platform == "eks" else {}, project="containers", stack="unit"
    )
    outputs: list[pulumi.Output[Any]] = []
    mocks.run(lambda: outputs.extend(program()))
    return mocks.registered(), [_sync_await(output.future()) for output in outputs]


def text_of(value: Any) -> str:
    return json.dumps(value, default=repr)


def secret_program(platform: str) -> Callable[[], list[pulumi.Output[Any]]]:
    def program() -> list[pulumi.Output[Any]]:
        api = Workload(
            "api",
            {
                "image": "nginx:1.27",
                "port": 80,
                # eks: masking the chart's values hides its Ingress from the mocks, so it stays private
                "public": platform != "eks",
                "env": {"MODE": "prod", "DB_PASSWORD": pulumi.Output.secret(SECRET)},
                # eks and ecs refuse a secret argument (test below): only sim stores one
                "args": ["--token", pulumi.Output.secret(ARG_SECRET)] if platform == "sim" else [],
            },
        )
        outputs = [api.public_url, api.internal_url, api.image_ref]
        if platform == "ecs":
            edge = ApplicationLoadBalancer("edge")
            shop = ContainerWorkload(
                "shop",
                {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "environment": {"TOKEN": pulumi.Output.secret(CW_SECRET), "LEVEL": "info"},
                            "events": [
                                {
                                    "type": "application-load-balancer",
                                    "load_balancer": edge,
                                    "container_port": 80,
                                    "priority": 1,
                                }
                            ],
                        }
                    ],
                    "resources": {"cpu": 0.5, "memory": 1024},
                },
            )
            outputs += [
                shop.url,
                shop.urls,
                shop.internal_urls,
                shop.task_definition_arn,
                shop.codedeploy_deployment,
            ]
        return outputs

    return program


@pytest.mark.parametrize("platform", ["sim", "eks", "ecs"])
def test_secret_env_appears_nowhere_in_plain_text(
    platform: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # eks writes its charts here
    registered, outputs = run(platform, secret_program(platform), monkeypatch)
    secrets = [SECRET, CW_SECRET, ARG_SECRET]
    stored = text_of([[r.inputs, r.outputs] for r in registered])
    assert MASK in stored, "the secret reached the resources, masked"
    if platform != "sim":  # sim keeps the whole env of a replica secret
        assert "prod" in stored  # plain values stay plain: the search looks where the secret would be
    assert not [s for s in secrets if s in stored], "a secret is in a resource's inputs or outputs"
    assert not [s for s in secrets if s in text_of(outputs)], "a secret is in a component output"
    written = [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    if platform == "eks":
        assert written, "the chart is written to disk"
    assert not [s for s in secrets for text in written if s in text], "a secret is in a file on disk"
    if platform == "ecs":
        for definition in (r for r in registered if r.type == TASK_DEFINITION):
            containers = definition.inputs["containerDefinitions"]
            assert containers == MASK or not any(s in containers for s in secrets)


SECRET_ARGUMENT_PROGRAM = """
import json, sys
import pulumi
from components import ContainerWorkload, Workload, testing
from components.spec.errors import InvalidArgumentError

platform, component = sys.argv[1:]
config = EKS_CONFIG if platform == "eks" else {}
mocks = testing.use_mocks(platform, config, project="containers", stack="unit")

def program():
    args = ["--token", pulumi.Output.secret(ARG_SECRET)]
    if component == "Workload":
        Workload("api", {"image": "nginx:1.27", "port": 80, "args": args})
    else:
        container = {"name": "web", "image": "nginx:1.27", "args": args}
        ContainerWorkload("api", {"containers": [container], "resources": {"cpu": 0.25, "memory": 512}})

try:
    mocks.run(program)
except InvalidArgumentError as error:
    print(json.dumps({"component": error.component, "field": error.field, "value": error.value,
                      "allowed": error.allowed, "message": str(error)}))
"""


@pytest.mark.parametrize(
    ("platform", "component", "field"),
    [
        ("eks", "Workload", "args[1]"),
        ("ecs", "Workload", "args[1]"),
        ("ecs", "ContainerWorkload", "containers[0].args[1]"),
    ],
)
def test_a_secret_argument_fails_the_update_on_the_cloud(
    platform: str, component: str, field: str, tmp_path: Path
) -> None:
    """A Deployment's args and a task definition's command are readable in plain text by anyone who
    may read the object: a secret there is refused; it belongs in `env` (a Secret / SSM).

    Each case runs in its own interpreter: the refused Outputs leave resources half-registered in
    the Pulumi runtime, which would fail the next mocks test of this process."""
    script = f"EKS_CONFIG = {EKS_CONFIG!r}\nARG_SECRET = {ARG_SECRET!r}\n" + SECRET_ARGUMENT_PROGRAM
    done = subprocess.run(
        [sys.executable, "-c", script, platform, component],
        cwd=tmp_path,  # eks writes its charts here
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    error = json.loads(done.stdout.strip().splitlines()[-1])
    assert (error["component"], error["field"], error["value"]) == (component, field, "[secret]")
    assert ARG_SECRET not in done.stdout + done.stderr
    assert "environment value" in error["allowed"] or "`env` value" in error["allowed"]


def of_type(registered: list[testing.Registration], type_: str) -> dict[str, testing.Registration]:
    return {r.name: r for r in registered if r.type == type_}


def ecs_graph(monkeypatch: pytest.MonkeyPatch) -> list[testing.Registration]:
    def program() -> list[pulumi.Output[Any]]:
        edge = ApplicationLoadBalancer("edge")
        gateway = HttpApiGateway("gw")
        bucket = aws.s3.Bucket("photos")
        table = aws.dynamodb.Table("orders", attributes=[{"name": "id", "type": "S"}], hash_key="id")
        queue = aws.sqs.Queue("jobs")
        topic = aws.sns.Topic("events")
        backend = ContainerWorkload(
            "backend",
            {
                "containers": [
                    {
                        "name": "api",
                        "image": "api:1",
                        "events": [{"type": "service-connect", "container_port": 9090}],
                    }
                ],
                "resources": {"cpu": 0.25, "memory": 512},
                "connect_to": [bucket, table],
            },
        )
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
                            },
                            {
                                "type": "http-api-gateway",
                                "http_api_gateway": gateway,
                                "container_port": 80,
                                "method": "GET",
                                "path": "/shop",
                            },
                        ],
                    }
                ],
                "resources": {"cpu": 0.5, "memory": 1024},
                "connect_to": [queue, topic, backend],
                "enable_remote_sessions": True,
            },
        )
        Workload("api", {"image": "nginx:1.27", "port": 80, "public": True})
        return []

    return run("ecs", program, monkeypatch)[0]


def test_each_ecs_workload_runs_as_its_own_task_role(monkeypatch: pytest.MonkeyPatch) -> None:
    registered = ecs_graph(monkeypatch)
    definitions = of_type(registered, TASK_DEFINITION)
    task_roles = [d.inputs["taskRoleArn"] for d in definitions.values()]
    execution_roles = [d.inputs["executionRoleArn"] for d in definitions.values()]
    assert len(definitions) == 3
    assert len(set(task_roles)) == len(task_roles) and len(set(execution_roles)) == len(execution_roles)
    assert not set(task_roles) & set(execution_roles)
    roles = {r.outputs["arn"]: r for r in of_type(registered, ROLE).values()}
    for arn in task_roles:
        trust = json.loads(roles[arn].inputs["assumeRolePolicy"])
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "ecs-tasks.amazonaws.com"}]


def test_connect_to_grants_resource_actions_only_on_the_resources_arns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = ecs_graph(monkeypatch)
    arns = {r.outputs["arn"] for r in registered if "arn" in r.outputs}
    statements = [
        statement
        for policy in of_type(registered, ROLE_POLICY).values()
        for statement in json.loads(policy.inputs["policy"])["Statement"]
    ]
    assert statements
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        assert statement["Effect"] == "Allow"
        assert all(":*" not in action or action in RESOURCELESS_ACTIONS for action in actions), statement
        if "*" in resources:
            assert set(actions) <= RESOURCELESS_ACTIONS, f"a '*' resource for data-plane actions: {statement}"
        else:
            # each resource is an ARN the program made (or a path under it, e.g. a bucket's objects)
            assert all(any(r == arn or r.startswith(arn + "/") for arn in arns) for r in resources), statement


def test_task_security_groups_admit_only_balancers_the_vpc_link_and_workloads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = ecs_graph(monkeypatch)
    groups = {r.name: r.outputs["id"] for r in of_type(registered, SECURITY_GROUP).values()}
    tasks = {groups[name] for name in ("backend-tasks", "shop-tasks")}
    peers = {groups[name] for name in groups if name in ("edge-sg", "gw-link-sg", "app-workloads")}
    peers |= {groups[name] for name in groups if name.startswith("api-") and "lb" in name}
    task_rules = [
        r.inputs for r in of_type(registered, INGRESS_RULE).values() if r.inputs["securityGroupId"] in tasks
    ]
    assert task_rules
    for rule in task_rules:
        assert "cidrIpv4" not in rule and "cidrIpv6" not in rule, rule
        assert rule["referencedSecurityGroupId"] in peers, rule


def test_chart_containers_run_without_privilege_escalation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    registered, _ = run(
        "eks", lambda: [Workload("api", {"image": "nginx:1.27", "port": 80}).public_url], monkeypatch
    )
    chart = next(r for r in registered if r.type == "kubernetes:helm.sh/v4:Chart")
    context = chart.inputs["values"]["securityContext"]
    assert context["allowPrivilegeEscalation"] is False and context["privileged"] is False
    assert context["capabilities"]["drop"] == ["ALL"]
    deployment = next(p for p in tmp_path.rglob("deployment.yaml"))
    template = deployment.read_text()
    assert "toYaml .Values.securityContext" in template and "automountServiceAccountToken: false" in template


@pytest.mark.parametrize("platform", ["eks", "ecs"])
def test_ecr_scans_every_pushed_image(platform: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM nginx:1.27\n")
    registered, _ = run(
        platform, lambda: [Workload("api", {"image": "./app", "port": 80}).image_ref], monkeypatch
    )
    repositories = of_type(registered, "aws:ecr/repository:Repository")
    assert repositories
    for repository in repositories.values():
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}


# ---------------------------------------------------------------- sim: a real stack on real Docker

SIM_SECRETS = {
    "TOKEN": "sim-s3cr3t-Otter5-plain",
    "API_KEY": "sim-s3cr3t-Heron3-plain",
    "ARG": "sim-s3cr3t-Marten8-plain",  # given as an argument (the test app ignores its arguments)
}
SIM_PROGRAM = f"""
import pulumi
from components import ApplicationLoadBalancer, ContainerWorkload, Workload

token = pulumi.Output.secret({SIM_SECRETS["TOKEN"]!r})
key = pulumi.Output.secret({SIM_SECRETS["API_KEY"]!r})
arg = pulumi.Output.secret({SIM_SECRETS["ARG"]!r})
web = Workload("web", {{"image": "containers-test/app", "port": 8080, "public": True,
                       "env": {{"TOKEN": token, "PLAIN": "visible"}}, "args": ["--token", arg]}})
worker = Workload("worker", {{"image": "containers-test/app", "port": 8080, "env": {{"TOKEN": token}}}})
# writes where it may not: the log says whether the root filesystem took it, and who ran it
PROBE = "touch /probe 2>/dev/null && echo root-writable || echo root-read-only; id -u; sleep 3600"
Workload("locked", {{"image": "busybox:1.36", "args": ["sh", "-c", PROBE],
                    "read_only_root_filesystem": True, "run_as_user": 10001}})
edge = ApplicationLoadBalancer("edge")
shop = ContainerWorkload("shop", {{
    "containers": [{{"name": "web", "image": "containers-test/app", "environment": {{"API_KEY": key}},
                    "args": [arg],
                    "events": [{{"type": "application-load-balancer", "load_balancer": edge,
                                "container_port": 8080, "priority": 1}}]}},
                   {{"name": "sidecar", "image": "busybox:1.36", "command": ["sh", "-c", PROBE],
                    "read_only_root_filesystem": True, "run_as_user": 10002}}],
    "resources": {{"cpu": 0.25, "memory": 512}},
}})
pulumi.export("url", web.public_url)
pulumi.export("worker", worker.internal_url)
pulumi.export("shop", edge.url)
pulumi.export("token", token)
"""


def pulumi_cli(project: Any, *args: str) -> str:
    """The Pulumi CLI itself on the project's stack (the Automation API's export shows secrets)."""
    done = subprocess.run(
        ["pulumi", *args, "--stack", project.stack.name, "--cwd", str(project.path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.sim
def test_sim_keeps_secrets_publishes_only_public_ports_on_loopback_without_new_privileges(
    sim_project: Any, docker_client: Any
) -> None:
    project = sim_project()
    project.write("__main__.py", SIM_PROGRAM)
    result = project.up()
    environment = requests.get(result.outputs["url"].value + "/environment", timeout=5).text.splitlines()
    assert f"TOKEN={SIM_SECRETS['TOKEN']}" in environment, "the container has the secret"
    exported = pulumi_cli(project, "stack", "export")
    assert '"PLAIN":"visible"' in exported.replace(" ", ""), "the search looks where the secret would be"
    searched = {
        "pulumi stack export": exported,
        "up output": result.stdout + result.stderr,
        "stack outputs": pulumi_cli(project, "stack", "output", "--json"),
    }
    leaks = [(where, s) for where, text in searched.items() for s in SIM_SECRETS.values() if s in text]
    assert leaks == []

    containers = [
        docker_client.containers.get(name)
        for name in labelled(docker_client, project.stack_label)["containers"]
    ]
    published: dict[tuple[str, str], list[dict[str, str]]] = {}
    for container in containers:
        labels = container.labels
        assert "no-new-privileges" in (container.attrs["HostConfig"]["SecurityOpt"] or []), container.name
        bindings = [b for port in (container.ports or {}).values() for b in port or []]
        if bindings:
            published[(labels["containers.resource"], labels["containers.role"])] = bindings
    hardened = {
        c.labels.get("containers.container", c.labels["containers.resource"]): c
        for c in containers
        if c.labels["containers.resource"] == "locked" or c.labels.get("containers.container") == "sidecar"
    }
    assert set(hardened) == {"locked", "sidecar"}
    for name, uid in (("locked", "10001"), ("sidecar", "10002")):
        container = hardened[name]
        assert container.attrs["HostConfig"]["ReadonlyRootfs"] is True
        assert container.logs().decode().split() == ["root-read-only", uid]
    # the public workload's entry and the balancer (listener + the stats `up` reads health from)
    assert {resource for resource, _ in published} == {"web", "edge"}, published
    assert {b["HostIp"] for bindings in published.values() for b in bindings} == {"127.0.0.1"}
