"""The kubernetes platform under Pulumi mocks (`components.testing`): the resource graph of Clusters and
Workloads on a cluster named by a kubeconfig, and the chart a Workload installs, checked by the real
helm CLI and the Kubernetes schemas."""

import runpy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime.sync_await import _sync_await

from components import (
    ApplicationLoadBalancer,
    Cluster,
    ContainerWorkload,
    HttpApiGateway,
    InvalidArgumentError,
    Workload,
    testing,
)
from components.cluster import default_cluster
from tests.support import ROOT
from tests.support.helm_tools import helm, installed_objects
from tests.support.pulumi_mocks import Graph, by_name

__all__ = ["helm"]  # the fixture, imported so pytest finds it

NAMESPACE = "containers-unit"
AWS_OR_CLOUD = ("aws:", "eks:", "awsx:", "docker-build:")

Run = Callable[..., Graph]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """`run(program, config=None)` on the kubernetes platform, in a fresh folder (charts go there)."""
    monkeypatch.chdir(tmp_path)

    def run_kubernetes(program: Callable[[], Any], config: dict[str, str] | None = None) -> Graph:
        mocks = testing.use_mocks("kubernetes", config, project="containers", stack="unit")
        return Graph(by_name(mocks.run(program)))

    return run_kubernetes


def refused_on_kubernetes(
    program: Callable[[], Any], config: dict[str, str] | None = None
) -> InvalidArgumentError:
    mocks = testing.use_mocks("kubernetes", config, project="containers", stack="unit")
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)
    assert mocks.registered() == [], "bad input must create nothing"
    return caught.value


def value(output: pulumi.Output[Any]) -> Any:
    return _sync_await(output.future())


def two_contexts() -> str:
    """A kubeconfig with a kind cluster (current) and a second cluster."""
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": "kind-dev", "cluster": {"server": "https://127.0.0.1:40123"}},
                {"name": "staging", "cluster": {"server": "https://staging.example.com"}},
            ],
            "contexts": [
                {"name": "kind-dev", "context": {"cluster": "kind-dev", "user": "kind-dev"}},
                {"name": "staging", "context": {"cluster": "staging", "user": "ci"}},
            ],
            "current-context": "kind-dev",
            "users": [{"name": "kind-dev", "user": {"token": "a"}}, {"name": "ci", "user": {"token": "b"}}],
        }
    )


# --- the cluster ------------------------------------------------------------------------------


def test_a_cluster_is_the_kubeconfigs_provider_and_a_namespace_nothing_in_a_cloud(run: Run) -> None:
    clusters: list[Cluster] = []

    def program() -> None:
        Workload("hello", {"image": "hashicorp/http-echo", "port": 5678, "args": ["-text=hi"]})
        clusters.append(default_cluster())

    graph = run(program)
    types = {r.type for r in graph.resources.values()}
    assert not [t for t in types if t.startswith(AWS_OR_CLOUD)]
    provider = graph["app-kubernetes"]
    assert provider.type == "pulumi:providers:kubernetes"
    assert yaml.safe_load(provider.inputs["kubeconfig"]) == yaml.safe_load(testing.KUBECONFIG)
    assert graph.is_secret("app-kubernetes", "kubeconfig")
    assert provider.inputs["context"] == "test"
    assert graph["app-namespace"].inputs["metadata"] == {"name": NAMESPACE}
    assert graph.provider_of("app-namespace") == "app-kubernetes"
    assert graph.provider_of("hello-chart") == "app-kubernetes"
    [cluster] = clusters
    assert value(cluster.cluster_name) == "test-cluster"
    assert value(cluster.endpoint) == testing.KUBERNETES_SERVER
    assert value(cluster.certificate) == testing.EKS_CERTIFICATE


def test_the_kube_context_picks_the_cluster(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(two_contexts())
    clusters: list[Cluster] = []
    graph = run(
        lambda: clusters.append(default_cluster()),
        {"containers:kubeconfig": str(path), "containers:kubeContext": "staging"},
    )
    assert graph["app-kubernetes"].inputs["context"] == "staging"
    assert value(clusters[0].endpoint) == "https://staging.example.com"
    assert value(clusters[0].certificate) is None  # not embedded in this kubeconfig


def test_a_cluster_the_program_makes_gets_its_own_namespace_beside_the_default(run: Run) -> None:
    def program() -> None:
        shared = Cluster("shared")
        Workload("web", {"image": "nginx:1.27", "port": 80, "cluster": shared})
        Workload("other", {"image": "nginx:1.27", "port": 80})

    graph = run(program)
    assert graph["shared-namespace"].inputs["metadata"] == {"name": f"{NAMESPACE}-shared"}
    assert graph["app-namespace"].inputs["metadata"] == {"name": NAMESPACE}
    assert graph["web-chart"].inputs["namespace"] == f"{NAMESPACE}-shared"
    assert graph.provider_of("web-chart") == "shared-kubernetes"


@pytest.mark.parametrize(
    ("config", "field", "allowed"),
    [
        (
            {"containers:kubeContext": "prod"},
            "containers:kubeContext (stack config)",
            "one of the kubeconfig's contexts: test",
        ),
        (
            {"containers:kubeconfig": "/nonexistent/kubeconfig"},
            "containers:kubeconfig (stack config)",
            "a readable kubeconfig file (No such file or directory)",
        ),
        (
            {"containers:kubeconfig": "clusters: {not: a list}\ncontexts: []\n"},
            "containers:kubeconfig (stack config)",
            "a kubeconfig (YAML with clusters, contexts and users, as kubectl writes it)",
        ),
    ],
)
def test_a_bad_kubeconfig_or_context_is_refused_before_anything(
    config: dict[str, str], field: str, allowed: str
) -> None:
    error = refused_on_kubernetes(lambda: Workload("web", {"image": "nginx:1.27"}), config)
    assert (error.component, error.resource, error.field, error.allowed) == (
        "Workload",
        "web",
        field,
        allowed,
    )
    assert "not: a list" not in str(error)  # kubeconfig content (credentials) never shows


# --- workloads --------------------------------------------------------------------------------


def test_urls_and_the_ingress_of_the_clusters_controller(run: Run) -> None:
    workloads: dict[str, Workload] = {}

    def program() -> None:
        workloads["echo"] = Workload("echo", {"image": "hashicorp/http-echo", "port": 5678})
        workloads["web"] = Workload("web", {"image": "nginx:1.27", "port": 80, "public": True})

    graph = run(program)
    assert value(workloads["echo"].internal_url) == f"http://echo.{NAMESPACE}.svc.cluster.local:5678"
    assert value(workloads["echo"].public_url) is None
    # No class configured: the cluster's default IngressClass; the address from the Ingress status.
    assert value(workloads["web"].public_url) == f"http://{testing.INGRESS_IP}"
    ingress = graph["web-chart"].inputs["values"]["ingress"]
    assert ingress == {
        "enabled": True,
        "className": "",
        "annotations": {"pulumi.com/timeoutSeconds": "600"},
        "host": "",
    }


def test_ingress_class_public_host_and_timeout_come_from_the_stack_config(run: Run) -> None:
    workloads: list[Workload] = []
    config = {
        "containers:ingressClass": "nginx",
        "containers:publicHost": "apps.example.com",
        "containers:ingressTimeoutSeconds": "90",
    }

    def program() -> None:
        workloads.append(Workload("web", {"image": "nginx:1.27", "port": 80, "public": True}))
        workloads.append(
            Workload(
                "shop",
                {"image": "nginx:1.27", "port": 80, "public": True, "domain": {"host": "shop.example.org"}},
            )
        )

    graph = run(program, config)
    web, shop = (graph[f"{name}-chart"].inputs["values"]["ingress"] for name in ("web", "shop"))
    assert (web["className"], web["host"]) == ("nginx", "web.apps.example.com")
    assert web["annotations"] == {"pulumi.com/timeoutSeconds": "90"}
    assert shop["host"] == "shop.example.org"  # the workload's own domain wins
    assert [value(w.public_url) for w in workloads] == [
        "http://web.apps.example.com",
        "http://shop.example.org",
    ]


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("containers:ingressClass", "Nginx_Class"),
        ("containers:publicHost", "https://apps.example.com"),
        ("containers:registry", "http://localhost:5001"),
        ("containers:ingressTimeoutSeconds", "forever"),
    ],
)
def test_bad_platform_settings_are_refused(key: str, bad: str) -> None:
    error = refused_on_kubernetes(lambda: Workload("web", {"image": "nginx:1.27"}), {key: bad})
    assert (error.field, error.value) == (f"{key} (stack config)", bad)


def test_a_folder_is_built_and_pushed_to_the_registry_by_content_hash(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "api"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    workloads: list[Workload] = []
    graph = run(
        lambda: workloads.append(Workload("api", {"image": "./api", "port": 8080})),
        {"containers:registry": "localhost:5001/team"},
    )
    image = graph["api-image"]
    assert image.type == "docker-build:index:Image"
    assert image.parent == "api"
    [tag] = image.inputs["tags"]
    repository, _, content_hash = tag.rpartition(":")
    assert repository == "localhost:5001/team/api"
    assert len(content_hash) >= 12 and content_hash.isalnum()
    assert image.inputs["push"] is True
    assert "platforms" not in image.inputs  # the Docker host's own platform, as a local cluster's nodes
    assert graph["api-chart"].inputs["values"]["image"] == image.inputs["ref"]
    assert value(workloads[0].image_ref) == image.inputs["ref"]


def test_a_folder_without_a_registry_is_refused_at_preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM scratch\n")
    error = refused_on_kubernetes(lambda: Workload("api", {"image": "./api", "port": 8080}))
    assert (error.field, error.value) == ("containers:registry (stack config)", None)
    assert "localhost:5001" in error.allowed and "registry reference" in error.allowed


def test_an_acm_certificate_is_refused(run: Run) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    error = refused_on_kubernetes(
        lambda: Workload(
            "web",
            {
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "domain": {"host": "a.b.c", "certificate_arn": arn},
            },
        )
    )
    assert (error.field, error.value) == ("domain.certificate_arn", arn)


@pytest.mark.parametrize(
    ("component", "program"),
    [
        (
            "ContainerWorkload",
            lambda: ContainerWorkload(
                "api",
                {
                    "containers": [{"name": "app", "image": "nginx:1.27"}],
                    "resources": {"cpu": 0.25, "memory": 512},
                },
            ),
        ),
        ("ApplicationLoadBalancer", lambda: ApplicationLoadBalancer("lb")),
        ("HttpApiGateway", lambda: HttpApiGateway("api")),
    ],
)
def test_container_workloads_balancers_and_gateways_are_refused_naming_where_they_run(
    component: str, program: Callable[[], Any]
) -> None:
    error = refused_on_kubernetes(program)
    assert (error.component, error.field, error.value) == (
        component,
        "containers:platform (stack config)",
        "kubernetes",
    )


def test_the_chart_installed_passes_helm_lint_template_and_kubernetes_schemas(
    run: Run, helm: str, tmp_path: Path
) -> None:
    graph = run(
        lambda: Workload(
            "web",
            {
                "image": "nginx:1.27",
                "port": 8080,
                "public": True,
                "readiness": "/healthz",
                "env": {"MODE": "prod", "TOKEN": pulumi.Output.secret("s3cret")},
                "resources": {"cpu": 0.5, "memory": 256},
                "scaling": {"min_instances": 2, "max_instances": 4},
            },
        ),
        {"containers:ingressClass": "nginx", "containers:publicHost": "127.0.0.1.nip.io"},
    )
    chart = graph["web-chart"].inputs
    objects = installed_objects(helm, chart, tmp_path)
    by_kind = {obj["kind"]: obj for obj in objects}
    assert sorted(by_kind) == [
        "Deployment",
        "HorizontalPodAutoscaler",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Secret",
        "Service",
        "ServiceAccount",
    ]
    ingress = by_kind["Ingress"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["rules"][0]["host"] == "web.127.0.0.1.nip.io"
    assert ingress["metadata"]["annotations"] == {"pulumi.com/timeoutSeconds": "600"}
    [container] = by_kind["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["limits"] == {"cpu": "500m", "memory": "256Mi"}
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert {e["name"]: e.get("valueFrom") for e in container["env"]}["TOKEN"] == {
        "secretKeyRef": {"name": "web-env", "key": "TOKEN"}
    }
    assert "s3cret" not in (Path(chart["chart"]) / "values.yaml").read_text()


def test_without_an_ingress_class_the_ingress_names_none(run: Run, helm: str, tmp_path: Path) -> None:
    graph = run(lambda: Workload("web", {"image": "nginx:1.27", "port": 80, "public": True}))
    [ingress] = [
        o for o in installed_objects(helm, graph["web-chart"].inputs, tmp_path) if o["kind"] == "Ingress"
    ]
    assert "ingressClassName" not in ingress["spec"]  # the cluster's default IngressClass takes it
    assert "host" not in ingress["spec"]["rules"][0]


def test_the_microservices_example_runs_on_kubernetes_with_a_registry(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "microservices", app)
    monkeypatch.chdir(app)
    graph = run(lambda: runpy.run_path("__main__.py"), {"containers:registry": "localhost:5001"})
    charts = graph.of_type("kubernetes:helm.sh/v4:Chart")
    assert charts, "the example deploys its workloads as charts"
    assert all(graph.provider_of(name) == "app-kubernetes" for name in charts)
