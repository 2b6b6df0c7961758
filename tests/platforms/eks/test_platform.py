"""The eks platform under Pulumi mocks: the resource graph of Clusters and Workloads, and the chart a
Workload installs, checked by the real helm CLI and the Kubernetes schemas.

EKS wiring goes through outputs that only providers and remote components compute (the EKS cluster
inside pulumi-eks' component, the VPC's subnets, the objects a Helm chart created):
`components.testing.Mocks` makes those up, as it does for our users' tests.
"""

import json
import runpy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
import pulumi
import pytest
from pulumi.runtime.sync_await import _sync_await

from components import Cluster, InvalidArgumentError, Workload, testing
from components.cluster import default_cluster
from components.platforms.eks.load_balancer_controller import POLICY_FILE
from components.spec.cluster import DEFAULT_KUBERNETES_VERSION
from tests.support import ROOT
from tests.support.helm_tools import helm, helm_template, installed_objects, validate_strictly
from tests.support.pulumi_mocks import Graph, Registration, by_name

__all__ = ["helm"]  # the fixture, imported so pytest finds it

REGION = testing.REGION
ACCOUNT = testing.ACCOUNT
EKS_CONFIG = {"containers:platform": "eks", "aws:region": REGION}
ENDPOINT = testing.EKS_ENDPOINT
CERTIFICATE = testing.EKS_CERTIFICATE
OIDC_ISSUER = testing.OIDC_ISSUER
ALB_HOSTNAME = testing.ALB_HOSTNAME
EXISTING = {"clusterName": "shared-prod", "endpoint": ENDPOINT, "certificate": CERTIFICATE}
BOTOCORE = botocore.session.get_session()
# Actions IAM knows that are no API operation ("permission only" in the Service Authorization Reference).
PERMISSION_ONLY_ACTIONS = {"elasticloadbalancing:SetWebAcl"}
# IAM action prefix -> botocore services whose operations it covers.
IAM_PREFIX_SERVICES = {
    "ec2": ("ec2",),
    "elasticloadbalancing": ("elbv2", "elb"),
    "iam": ("iam",),
    "acm": ("acm",),
    "cognito-idp": ("cognito-idp",),
    "waf-regional": ("waf-regional",),
    "wafv2": ("wafv2",),
    "shield": ("shield",),
}


Run = Callable[..., Graph]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """`run(program, config=None, ecr_images=None)` on the eks platform, in a fresh folder (charts are
    written there); `ecr_images`: digests already in ECR, by repository name and tag."""
    monkeypatch.chdir(tmp_path)

    def run_eks(
        program: Callable[[], Any],
        config: dict[str, str] | None = None,
        ecr_images: dict[tuple[str, str], str] | None = None,
    ) -> Graph:
        mocks = testing.use_mocks("eks", {**EKS_CONFIG, **(config or {})}, project="containers", stack="unit")
        mocks.ecr_images = dict(ecr_images or {})
        run_eks.mocks = mocks  # type: ignore[attr-defined]
        return Graph(by_name(mocks.run(program)))

    return run_eks


def value(output: pulumi.Output[Any]) -> Any:
    return _sync_await(output.future())


def hello() -> None:
    Workload(
        "hello",
        {"image": "hashicorp/http-echo", "port": 5678, "public": True, "args": ["-text=hello, wingnuts!"]},
    )


def trust_statement(role: Registration) -> dict[str, Any]:
    [statement] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    return statement


# --- which cluster a workload runs on ---------------------------------------------------------


def test_a_workload_without_cluster_gets_one_for_the_app_with_a_warning(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    def program() -> None:
        hello()
        Workload("worker", {"image": "busybox:1.36", "args": ["sleep", "infinity"]})

    graph = run(program)
    assert [name for name in graph.of_type("containers:index:Cluster")] == ["app"]
    expected = {
        "app-vpc": "awsx:ec2:Vpc",
        "app-eks": "eks:index:Cluster",
        "app-nodes": "aws:eks/nodeGroup:NodeGroup",
        "app-lb-controller": "kubernetes:helm.sh/v3:Release",
        "app-kubernetes": "pulumi:providers:kubernetes",
        "app-namespace": "kubernetes:core/v1:Namespace",
    }
    assert {name: graph[name].type for name in expected} == expected
    assert all(graph[name].parent == "app" for name in expected)
    assert graph["hello-chart"].type == "kubernetes:helm.sh/v4:Chart"
    assert graph["hello-chart"].parent == "hello"
    assert graph["worker-chart"].parent == "worker"
    [warning] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "No cluster given: creating an EKS cluster 'app'" in warning.getMessage()
    assert "containers:eks" in warning.getMessage() and "scripts/eks-values" in warning.getMessage()


def test_config_names_an_existing_cluster_and_nothing_but_a_namespace_is_created(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    clusters: list[Cluster] = []

    def program() -> None:
        hello()
        clusters.append(default_cluster())

    graph = run(program, {"containers:eks": json.dumps(EXISTING)})
    created = {r.type for r in graph.resources.values()}
    assert not created & {"eks:index:Cluster", "awsx:ec2:Vpc", "aws:eks/nodeGroup:NodeGroup"}
    assert not created & {"kubernetes:helm.sh/v3:Release", "aws:iam/role:Role", "aws:iam/policy:Policy"}
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    config = json.loads(graph["app-kubernetes"].inputs["kubeconfig"])
    assert config["clusters"] == [
        {"name": "shared-prod", "cluster": {"server": ENDPOINT, "certificate-authority-data": CERTIFICATE}}
    ]
    [user] = config["users"]
    assert user["user"]["exec"]["command"] == "aws"
    assert user["user"]["exec"]["args"] == [
        "eks",
        "get-token",
        "--cluster-name",
        "shared-prod",
        "--region",
        REGION,
        "--output",
        "json",
    ]
    assert graph.provider_of("hello-chart") == "app-kubernetes"
    assert graph.provider_of("app-namespace") == "app-kubernetes"
    assert graph.dependencies_of("hello-chart") == ["app-namespace"]  # no controller of ours to wait for
    [cluster] = clusters
    assert value(cluster.cluster_name) == "shared-prod"
    assert value(cluster.endpoint) == ENDPOINT
    assert value(cluster.certificate) == CERTIFICATE
    assert value(cluster.kubeconfig) == graph["app-kubernetes"].inputs["kubeconfig"]


def test_a_cluster_given_to_a_workload_is_used_and_no_default_is_made(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    def program() -> None:
        shared = Cluster("shared", {"desired_nodes": 3})
        Workload("web", {"image": "nginx:1.27", "port": 80, "cluster": shared})

    # The config names the default cluster only; an explicit Cluster is always made.
    graph = run(program, {"containers:eks": json.dumps(EXISTING)})
    assert list(graph.of_type("containers:index:Cluster")) == ["shared"]
    assert graph["shared-eks"].parent == "shared"
    assert graph.provider_of("web-chart") == "shared-kubernetes"
    assert "lb-controller" in " ".join(graph.dependencies_of("web-chart"))
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.parametrize(
    ("config", "field", "allowed"),
    [
        ({"clusterName": "x", "endpoint": ENDPOINT}, "certificate", "scripts/eks-values"),
        ({**EXISTING, "clusterName": ""}, "clusterName", "scripts/eks-values"),
        ({**EXISTING, "region": "eu-west-1"}, "region", "one of the keys clusterName, endpoint, certificate"),
        ({**EXISTING, "endpoint": "0123.gr7.us-east-1.eks.amazonaws.com"}, "endpoint", "https://"),
    ],
)
def test_a_bad_existing_cluster_config_is_refused(
    run: Run, config: dict[str, str], field: str, allowed: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        run(hello, {"containers:eks": json.dumps(config)})
    assert caught.value.field == f"containers:eks (stack config).{field}"
    assert allowed in caught.value.allowed


# --- the cluster made for the app ------------------------------------------------------------


def test_vpc_spans_two_zones_with_subnets_tagged_for_the_load_balancer_controller(run: Run) -> None:
    vpc = run(hello)["app-vpc"].inputs
    assert vpc["numberOfAvailabilityZones"] == 2
    assert vpc["cidrBlock"] == "10.0.0.0/16"
    assert vpc["natGateways"] == {"strategy": "Single"}
    tags = {spec["type"]: spec["tags"] for spec in vpc["subnetSpecs"]}
    assert tags == {
        "Public": {"kubernetes.io/role/elb": "1"},
        "Private": {"kubernetes.io/role/internal-elb": "1"},
    }


def test_eks_control_plane_runs_in_the_vpc_with_an_oidc_provider(run: Run) -> None:
    graph = run(hello)
    cluster = graph["app-eks"].inputs
    assert cluster["version"] == DEFAULT_KUBERNETES_VERSION == "1.35"
    assert cluster["vpcId"] == "vpc-app-vpc"
    assert cluster["publicSubnetIds"] == ["subnet-public-app-vpc-1", "subnet-public-app-vpc-2"]
    assert cluster["privateSubnetIds"] == ["subnet-private-app-vpc-1", "subnet-private-app-vpc-2"]
    assert cluster["createOidcProvider"] is True
    assert cluster["authenticationMode"] == "API"
    assert cluster["skipDefaultNodeGroup"] is True
    assert cluster["nodeAssociatePublicIpAddress"] is False
    assert "fargate" not in cluster


def test_managed_node_group_sizes_and_role(run: Run) -> None:
    def program() -> None:
        Cluster(
            "c",
            {
                "node_instance_types": ["m6i.large"],
                "desired_nodes": 4,
                "min_nodes": 2,
                "max_nodes": 6,
                "kubernetes_version": "1.34",
            },
        )

    graph = run(program)
    nodes = graph["c-nodes"].inputs
    assert nodes["scalingConfig"] == {"desiredSize": 4, "minSize": 2, "maxSize": 6}
    assert nodes["instanceTypes"] == ["m6i.large"]
    assert nodes["amiType"] == "AL2023_x86_64_STANDARD"
    assert nodes["clusterName"] == "c-eks-0a1b2c3"  # the EKS cluster inside pulumi-eks' component
    assert nodes["subnetIds"] == ["subnet-private-c-vpc-1", "subnet-private-c-vpc-2"]
    assert nodes["nodeRoleArn"] == graph["c-node-role"].inputs["arn"]
    assert trust_statement(graph["c-node-role"])["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = {
        r.inputs["policyArn"].rsplit("/", 1)[-1]
        for r in graph.resources.values()
        if r.inputs.get("role") == "c-node-role-name"
    }
    assert attached == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
    }
    assert {"c-node-worker", "c-node-cni", "c-node-ecr"} <= set(graph.dependencies_of("c-nodes"))
    assert graph["c-eks"].inputs["version"] == "1.34"


def test_fargate_replaces_the_node_group(run: Run) -> None:
    graph = run(lambda: Cluster("c", {"fargate": True}))
    assert not graph.of_type("aws:eks/nodeGroup:NodeGroup")
    selectors = graph["c-eks"].inputs["fargate"]["selectors"]
    assert selectors == [{"namespace": "kube-system"}, {"namespace": "containers-unit"}]
    # The controller needs somewhere to run: the cluster and its Fargate profile.
    assert "c-eks" in graph.dependencies_of("c-lb-controller")


def test_load_balancer_controller_assumes_its_role_through_irsa(run: Run) -> None:
    graph = run(hello)
    statement = trust_statement(graph["app-lb-controller-role"])
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC_ISSUER}"}
    assert statement["Condition"] == {
        "StringEquals": {
            f"{OIDC_ISSUER}:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
            f"{OIDC_ISSUER}:aud": "sts.amazonaws.com",
        }
    }
    attachment = graph["app-lb-controller-permissions"].inputs
    assert attachment["role"] == "app-lb-controller-role-name"
    assert attachment["policyArn"] == graph["app-lb-controller-policy"].inputs["arn"]

    release = graph["app-lb-controller"].inputs
    assert (release["chart"], release["version"]) == ("aws-load-balancer-controller", "1.17.1")
    assert release["repositoryOpts"] == {"repo": "https://aws.github.io/eks-charts"}
    assert release["namespace"] == "kube-system"
    assert release["values"] == {
        "clusterName": "app-eks-0a1b2c3",
        "region": REGION,
        "vpcId": "vpc-app-vpc",
        "serviceAccount": {
            "create": True,
            "name": "aws-load-balancer-controller",
            "annotations": {"eks.amazonaws.com/role-arn": graph["app-lb-controller-role"].inputs["arn"]},
        },
    }
    assert graph.provider_of("app-lb-controller") == "app-kubernetes"
    assert {"app-nodes", "app-lb-controller-permissions"} <= set(graph.dependencies_of("app-lb-controller"))
    # Workloads wait for its webhooks.
    assert "app-lb-controller" in graph.dependencies_of("hello-chart")


def test_controller_policy_is_aws_iam_policy_json_with_real_actions(run: Run) -> None:
    policy_text = run(hello)["app-lb-controller-policy"].inputs["policy"]
    assert policy_text == POLICY_FILE.read_text(encoding="utf-8")
    document = json.loads(policy_text)
    assert document["Version"] == "2012-10-17"
    actions = {action for s in document["Statement"] for action in s["Action"]}
    # What the controller cannot work without: make ALBs, their target groups and listeners.
    assert {
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:RegisterTargets",
        "ec2:CreateSecurityGroup",
        "ec2:DescribeSubnets",
        "acm:DescribeCertificate",
    } <= actions
    # Every action is an operation of the AWS service it names (botocore's service models).
    unknown = []
    for action in sorted(actions):
        prefix, operation = action.split(":")
        models = [BOTOCORE.get_service_model(service) for service in IAM_PREFIX_SERVICES[prefix]]
        assert all(prefix in (m.metadata.get("signingName"), m.endpoint_prefix) for m in models), prefix
        if action not in PERMISSION_ONLY_ACTIONS and not any(operation in m.operation_names for m in models):
            unknown.append(action)
    assert unknown == []


def test_cluster_outputs_come_from_the_eks_cluster(run: Run) -> None:
    clusters: list[Cluster] = []
    graph = run(lambda: clusters.append(Cluster("c")))
    [cluster] = clusters
    assert value(cluster.cluster_name) == "c-eks-0a1b2c3"
    assert value(cluster.endpoint) == ENDPOINT
    assert value(cluster.certificate) == CERTIFICATE
    config = json.loads(value(cluster.kubeconfig))
    assert config == json.loads(graph["c-kubernetes"].inputs["kubeconfig"])
    assert config["clusters"][0]["cluster"] == {"server": ENDPOINT, "certificate-authority-data": CERTIFICATE}
    assert "--cluster-name" in config["users"][0]["user"]["exec"]["args"]
    assert set(cluster.resources) == {
        "provider",
        "namespace",
        "load_balancer_controller",
        "eks_cluster",
        "vpc",
        "node_group",
        "metrics_server",
    }


def test_without_load_balancer_controller(run: Run) -> None:
    def program() -> None:
        Workload(
            "web",
            {"image": "nginx:1.27", "port": 80, "cluster": Cluster("c", {"load_balancer_controller": False})},
        )

    graph = run(program)
    assert not graph.of_type("kubernetes:helm.sh/v3:Release")
    assert not graph.of_type("aws:iam/policy:Policy")
    assert graph.dependencies_of("web-chart") == ["c-namespace"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"min_nodes": 4, "max_nodes": 3}, "min_nodes"),
        ({"desired_nodes": 5}, "desired_nodes"),
        ({"desired_nodes": 0}, "desired_nodes"),
        ({"node_instance_types": []}, "node_instance_types"),
        ({"fargate": True, "desired_nodes": 2}, "desired_nodes"),
        ({"kubernetes_version": "1.35.2"}, "kubernetes_version"),
        ({"vpc_cidr": "10.0.0.0/24"}, "vpc_cidr"),
        ({"vpc_cidr": "10.0.0.1/16x"}, "vpc_cidr"),
        ({"nat_gateways": "None"}, "nat_gateways"),
        ({"availability_zones": 1}, "availability_zones"),
        ({"desired_node": 2}, "desired_node"),
    ],
)
def test_bad_cluster_args_are_refused_before_any_aws_resource(
    run: Run, args: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        run(lambda: Cluster("c", args))
    assert (caught.value.component, caught.value.resource, caught.value.field) == ("Cluster", "c", field)
    assert run.mocks.registered() == [], "not even the Cluster component registers"  # type: ignore[attr-defined]


# --- the workload's chart ---------------------------------------------------------------------


def test_chart_is_written_to_the_stack_folder_and_installed_in_the_namespace(
    run: Run, tmp_path: Path
) -> None:
    graph = run(
        lambda: Workload(
            "web",
            {
                "name": "shop",
                "image": "nginx:1.27",
                "port": 8080,
                "public": True,
                "readiness": "/healthz",
                "replicas": 3,
                "args": ["-g", pulumi.Output.from_input("daemon off;")],
            },
        )
    )
    chart = graph["web-chart"].inputs
    assert chart["chart"] == str(tmp_path / ".charts" / "unit" / "shop")
    assert (tmp_path / ".charts" / "unit" / "shop" / "Chart.yaml").is_file()
    assert (chart["name"], chart["namespace"]) == ("shop", "containers-unit")
    assert graph["app-namespace"].inputs["metadata"] == {
        "name": "containers-unit",
        "labels": {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"},
    }
    values = chart["values"]
    assert values["image"] == "nginx:1.27"
    assert (values["port"], values["readiness"], values["replicas"]) == (8080, "/healthz", 3)
    assert values["args"] == ["-g", "daemon off;"]
    assert values["ingress"]["enabled"] is True
    assert graph.provider_of("web-chart") == "app-kubernetes"


def test_secret_env_goes_to_secret_values_and_never_to_disk(run: Run, tmp_path: Path) -> None:
    password = "hunter2-Secret!"

    def program() -> None:
        echo = Workload("echo", {"image": "hashicorp/http-echo", "port": 5678})
        Workload(
            "api",
            {
                "image": "nginx:1.27",
                "port": 80,
                "env": {
                    "MODE": "prod",
                    "ECHO_URL": echo.internal_url,
                    "DB_PASSWORD": pulumi.Output.secret(password),
                },
            },
        )

    graph = run(program)
    assert graph.is_secret("api-chart", "values"), "values holding a secret must be stored as a secret"
    values = graph["api-chart"].inputs["values"]
    # Another workload's URL is an Output but no secret: it stays a plain variable, as on sim.
    assert values["env"] == {"MODE": "prod", "ECHO_URL": "http://echo.containers-unit.svc.cluster.local:5678"}
    assert values["secretEnv"] == {"DB_PASSWORD": password}
    assert not graph.is_secret("echo-chart", "values")
    written = [p.read_text() for p in (tmp_path / ".charts").rglob("*") if p.is_file()]
    assert written and not any(password in text for text in written)


def test_urls(run: Run) -> None:
    workloads: dict[str, Workload] = {}

    def program() -> None:
        workloads["web"] = Workload("web", {"image": "nginx:1.27", "port": 80, "public": True})
        workloads["shop"] = Workload(
            "shop",
            {
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "domain": {
                    "host": "shop.example.com",
                    "certificate_arn": "arn:aws:acm:us-east-1:1:certificate/x",
                },
            },
        )
        workloads["api"] = Workload("api", {"image": "nginx:1.27", "port": 8080})
        workloads["job"] = Workload("job", {"image": "busybox:1.36"})

    run(program)
    web, shop, api, job = (workloads[name] for name in ("web", "shop", "api", "job"))
    assert value(web.public_url) == f"http://{ALB_HOSTNAME}"
    assert value(shop.public_url) == "https://shop.example.com"
    assert value(api.public_url) is None
    assert value(api.internal_url) == "http://api.containers-unit.svc.cluster.local:8080"
    assert value(job.internal_url) is None
    assert value(web.image_ref) == "nginx:1.27"
    assert web.ingress is not None and api.ingress is None
    assert value(web.namespace) == value(api.namespace) == "containers-unit"
    assert web.chart is not None and web.service is None and web.replicas == []
    ingress = value(web.ingress)
    assert value(ingress.status.load_balancer.ingress[0].hostname) == ALB_HOSTNAME


def test_a_build_folder_is_pushed_to_ecr_for_amd64_nodes(run: Run, tmp_path: Path) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "Dockerfile").write_text("FROM scratch\n")
    workloads: list[Workload] = []
    graph = run(lambda: workloads.append(Workload("backend", {"image": "./backend", "port": 3000})))
    image = graph["backend-image"].inputs
    assert image["platforms"] == ["linux/amd64"]
    assert image["push"] is True
    [tag] = image["tags"]
    assert tag.startswith(f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/backend-repository:")
    assert graph["backend-repository"].parent == "backend"
    [workload] = workloads
    assert graph["backend-chart"].inputs["values"]["image"] == value(workload.image_ref)
    assert value(workload.image_ref).startswith(f"{tag}@sha256:")


def test_a_tag_already_in_ecr_is_deployed_without_building_or_pushing(run: Run, tmp_path: Path) -> None:
    """Issue 8, item 17: ECR's tags are immutable, so `up` from a second checkout or a CI runner must
    not push the content-hash tag again: a tag ECR holds registers no docker-build Image, and the
    chart runs the digest ECR has for it."""
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "Dockerfile").write_text("FROM scratch\n")

    def program() -> None:
        Workload("backend", {"image": "./backend", "port": 3000})

    absent = run(program)
    repository_name = absent["backend-repository"].inputs["name"]
    [tagged] = absent["backend-image"].inputs["tags"]
    digest = "sha256:" + "e" * 64
    present = run(program, ecr_images={(repository_name, tagged.rsplit(":", 1)[1]): digest})
    assert present.of_type("docker-build:index:Image") == {}
    assert present["backend-chart"].inputs["values"]["image"] == f"{tagged}@{digest}"


def test_the_chart_installed_passes_helm_lint_template_and_kubernetes_schemas(
    run: Run, helm: str, tmp_path: Path
) -> None:
    """The exact chart on disk and values the platform installs, through the real validators."""
    password = "s3cr3t"
    graph = run(
        lambda: Workload(
            "web",
            {
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "readiness": "/healthz",
                "replicas": 2,
                "env": {"MODE": "prod", "TOKEN": pulumi.Output.secret(password)},
                "scaling": {"min_instances": 2, "max_instances": 5},
            },
        )
    )
    chart = graph["web-chart"].inputs
    objects = installed_objects(helm, chart, tmp_path)
    kinds = sorted(obj["kind"] for obj in objects)
    assert kinds == [
        "Deployment",
        "HorizontalPodAutoscaler",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Secret",
        "Service",
        "ServiceAccount",
    ]
    assert {obj["metadata"]["namespace"] for obj in objects} == {"containers-unit"}
    [ingress] = [obj for obj in objects if obj["kind"] == "Ingress"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/healthz"
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    [deployment] = [obj for obj in objects if obj["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item for item in container["env"]}
    assert env["MODE"] == {"name": "MODE", "value": "prod"}
    assert env["TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == "TOKEN"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"


# --- the root program, unchanged --------------------------------------------------------------


def test_the_microservices_example_runs_unchanged_on_eks(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program `make up` deploys on sim is the one the `dev` stack deploys on EKS."""
    app = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "microservices", app)
    monkeypatch.chdir(app)  # `./backend` is relative to the program's folder, as in `pulumi up`

    graph = run(lambda: runpy.run_path("__main__.py"))

    echo, backend = (
        graph["echo-chart"].inputs["values"],
        graph["backend-chart"].inputs["values"],
    )
    assert echo["ingress"]["enabled"] is False and backend["ingress"]["enabled"] is True
    assert echo["args"] == ["-text=hello, wingnuts!"]
    assert backend["env"] == {"ECHO_URL": "http://echo.containers-unit.svc.cluster.local:5678"}
    assert graph["backend-image"].type == "docker-build:index:Image"  # ./backend is built and pushed
    assert "echo-image" not in graph.resources


# --- what a real EKS deploy would refuse or get wrong (issue 8) -------------------------------


def test_env_names_yaml_reads_as_booleans_stay_strings_in_the_manifest(
    run: Run, helm: str, tmp_path: Path
) -> None:
    names = ["ON", "NO", "YES", "TRUE", "Off", "y"]
    graph = run(
        lambda: Workload(
            "web",
            {
                "image": "nginx:1.27",
                "port": 80,
                "env": {
                    **{name: "1" for name in names},
                    "S": pulumi.Output.secret("x"),
                    "N": pulumi.Output.secret("y"),
                },
            },
        )
    )
    chart = graph["web-chart"].inputs
    values_file = tmp_path / "install-values.json"
    values_file.write_text(json.dumps(chart["values"]))
    objects = helm_template(
        helm, Path(chart["chart"]), values_file, namespace=chart["namespace"], release=chart["name"]
    )
    for obj in objects:
        validate_strictly(obj)
    [deployment] = [obj for obj in objects if obj["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert sorted(item["name"] for item in container["env"]) == sorted([*names, "S", "N"])
    [secret] = [obj for obj in objects if obj["kind"] == "Secret"]
    assert sorted(secret["data"]) == ["N", "S"]


def test_the_alb_counts_what_the_readiness_probe_counts_as_healthy(
    run: Run, helm: str, tmp_path: Path
) -> None:
    graph = run(
        lambda: Workload("web", {"image": "nginx:1.27", "port": 80, "public": True, "readiness": "/ok"})
    )
    chart = graph["web-chart"].inputs
    values_file = tmp_path / "install-values.json"
    values_file.write_text(json.dumps(chart["values"]))
    objects = helm_template(
        helm, Path(chart["chart"]), values_file, namespace=chart["namespace"], release=chart["name"]
    )
    [ingress] = [obj for obj in objects if obj["kind"] == "Ingress"]
    # Kubernetes' httpGet probe: 200 <= code < 400; ELBv2 Matcher (ALB): 200..499, default 200.
    assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/success-codes"] == "200-399"


def test_the_namespace_injects_alb_readiness_gates(run: Run) -> None:
    for config in (None, {"containers:eks": json.dumps(EXISTING)}):
        graph = run(hello, config)
        labels = graph["app-namespace"].inputs["metadata"]["labels"]
        assert labels == {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}


def test_nodes_follow_the_control_planes_version(run: Run) -> None:
    graph = run(lambda: Cluster("c", {"kubernetes_version": "1.34"}))
    assert graph["c-nodes"].inputs["version"] == "1.34"


def test_a_cluster_made_here_installs_the_metrics_server_add_on(run: Run) -> None:
    graph = run(lambda: Cluster("c"))
    addon = graph["c-metrics-server"]
    assert addon.type == "aws:eks/addon:Addon"
    assert addon.inputs["addonName"] == "metrics-server"
    assert addon.inputs["clusterName"] == graph["c-nodes"].inputs["clusterName"]
    assert "c-nodes" in graph.dependencies_of("c-metrics-server")


def test_scaling_on_an_existing_cluster_warns_about_its_metrics_server(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    scaled = {"image": "nginx:1.27", "port": 80, "scaling": {"min_instances": 1, "max_instances": 3}}
    run(lambda: Workload("web", scaled), {"containers:eks": json.dumps(EXISTING)})
    assert "metrics server" in caplog.text


def test_fargate_profile_admits_the_namespaces_of_other_stacks(run: Run) -> None:
    graph = run(lambda: Cluster("c", {"fargate": True, "fargate_namespaces": ["shop-prod", "billing-prod"]}))
    selectors = graph["c-eks"].inputs["fargate"]["selectors"]
    assert [s["namespace"] for s in selectors] == [
        "kube-system",
        "containers-unit",
        "shop-prod",
        "billing-prod",
    ]


@pytest.mark.parametrize(
    "args,allowed",
    [
        ({"fargate_namespaces": ["a"]}, "nothing unless fargate is true"),
        ({"fargate": True, "fargate_namespaces": ["a", "b", "c", "d"]}, "at most 3"),
        ({"fargate": True, "fargate_namespaces": ["Shop_Prod"]}, "DNS labels"),
    ],
)
def test_bad_fargate_namespaces_are_refused(run: Run, args: dict[str, Any], allowed: str) -> None:
    with pytest.raises(InvalidArgumentError, match=allowed) as caught:
        run(lambda: Cluster("c", args))
    assert caught.value.field == "fargate_namespaces"


def test_a_secret_arg_is_refused_on_eks(run: Run) -> None:
    with pytest.raises(InvalidArgumentError, match="pass a secret as an `env` value") as caught:
        run(lambda: Workload("web", {"image": "nginx:1.27", "args": ["--token", pulumi.Output.secret("t")]}))
    assert caught.value.field == "args[1]"


def test_adding_scaling_keeps_the_running_replica_count(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi_kubernetes as k8s

    from components.platforms.kubernetes.chart import hpa_owns_replicas, replicas_back_from_hpa

    def transform(type_: str) -> pulumi.ResourceTransformResult | None:
        args = pulumi.ResourceTransformArgs(
            custom=True, type_=type_, name="web", props={"spec": {}}, opts=pulumi.ResourceOptions()
        )
        return hpa_owns_replicas(args)

    deployment = transform("kubernetes:apps/v1:Deployment")
    assert deployment is not None and deployment.opts.ignore_changes == ["spec.replicas"]
    assert transform("kubernetes:core/v1:Service") is None
    seen: list[pulumi.ResourceOptions] = []
    real_chart = k8s.helm.v4.Chart

    def chart(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["opts"])
        return real_chart(*args, **kwargs)

    monkeypatch.setattr(k8s.helm.v4, "Chart", chart)
    scaled = {"image": "nginx:1.27", "port": 80, "scaling": {"min_instances": 1, "max_instances": 3}}
    run(lambda: Workload("web", scaled))
    run(lambda: Workload("web", {"image": "nginx:1.27", "port": 80}))
    assert [opts.transforms for opts in seen] == [[hpa_owns_replicas], [replicas_back_from_hpa]]


def test_removing_scaling_takes_the_replica_count_back_from_the_hpa() -> None:
    """Once an HPA has scaled the Deployment, kube-controller-manager owns spec.replicas; a Server-Side
    Apply declaring it again conflicts unless forced (pulumi-kubernetes's pulumi.com/patchForce)."""
    from components.platforms.kubernetes.chart import replicas_back_from_hpa

    def transform(type_: str, props: dict[str, Any]) -> pulumi.ResourceTransformResult | None:
        args = pulumi.ResourceTransformArgs(
            custom=True, type_=type_, name="web", props=props, opts=pulumi.ResourceOptions()
        )
        return replicas_back_from_hpa(args)

    labelled = {"metadata": {"name": "web", "annotations": {"team": "shop"}}, "spec": {"replicas": 2}}
    result = transform("kubernetes:apps/v1:Deployment", labelled)
    assert result is not None
    props: dict[str, Any] = dict(result.props)
    assert props["metadata"]["annotations"] == {"team": "shop", "pulumi.com/patchForce": "true"}
    assert props["spec"] == {"replicas": 2}
    assert labelled["metadata"] == {"name": "web", "annotations": {"team": "shop"}}  # untouched
    assert transform("kubernetes:core/v1:Service", {"metadata": {}}) is None


def test_a_public_workload_on_a_cluster_without_the_controller_is_refused(run: Run) -> None:
    def program() -> None:
        cluster = Cluster("c", {"load_balancer_controller": False})
        Workload("web", {"image": "nginx:1.27", "port": 80, "public": True, "cluster": cluster})

    with pytest.raises(InvalidArgumentError, match="load_balancer_controller") as caught:
        run(program)
    assert caught.value.field == "public"


def test_the_kubeconfig_gets_its_token_as_the_aws_provider_does(run: Run) -> None:
    role = "arn:aws:iam::123456789012:role/deployer"
    config = {"aws:profile": "deploy", "aws:assumeRoles": json.dumps([{"roleArn": role}])}
    graph = run(lambda: Cluster("c"), config)
    user = json.loads(graph["c-kubernetes"].inputs["kubeconfig"])["users"][0]["user"]["exec"]
    assert user["env"] == [{"name": "AWS_PROFILE", "value": "deploy"}]
    assert user["args"][user["args"].index("--role-arn") + 1] == role
