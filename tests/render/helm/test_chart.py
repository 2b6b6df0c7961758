"""The EKS Helm chart, checked by the real helm CLI and the Kubernetes schemas, not by reading our own text.

Each case is parsed from WorkloadArgs, rendered, installed-as-values the way the Pulumi layer does
(Outputs resolved by the caller), linted with `helm lint --strict`, rendered with `helm template`
and every object validated with kubernetes-validate in strict mode. Assertions then look at the
rendered objects: what a cluster would receive.
"""

import base64
import json
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pulumi
import pytest
import yaml

from components.render.helm.chart import (
    chart_files,
    chart_values,
    internal_url,
    write_chart,
)
from components.spec.cluster import DEFAULT_KUBERNETES_VERSION
from components.spec.workload import parse_workload
from tests.support.helm_cases import CASE_IDS, DIGEST, Rendered, build_context, chart_cases, render_case
from tests.support.helm_tools import (
    NAMESPACE,
    RELEASE,
    helm,
    helm_lint,
    helm_template,
    validate_strictly,
)

__all__ = ["build_context", "helm"]  # fixtures, imported so pytest finds them
# The lead's first target: the chart must stay valid for clusters this old as well.
OLDEST_KUBERNETES_VERSION = "1.33"
STANDARD_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/component",
)
LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


@pytest.fixture(scope="module", params=CASE_IDS)
def rendered(
    request: pytest.FixtureRequest, helm: str, build_context: str, tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    return render_case(helm, build_context, request.param, tmp_path_factory.mktemp("chart"))


def _env(rendered: Rendered) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in rendered.container.get("env", [])}


def _millicores(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else round(float(quantity) * 1000)


def _probe_port(rendered: Rendered, port: int | str) -> int:
    """A probe or Service port may name a container port: resolve it like the kubelet does."""
    if isinstance(port, int):
        return port
    by_name = {p["name"]: p["containerPort"] for p in rendered.container["ports"]}
    return by_name[port]


# --- the tools themselves ---------------------------------------------------------------------


def test_kubernetes_validate_ships_schemas_for_the_default_version() -> None:
    # validate() silently falls back to older schemas: make sure ours exist.
    supported = {kubernetes_validate.utils.major_minor(v) for v in kubernetes_validate.utils.all_versions()}
    assert DEFAULT_KUBERNETES_VERSION in supported
    assert OLDEST_KUBERNETES_VERSION in supported


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_helm_lint_strict_with_defaults_and_install_values(
    case_id: str, helm: str, build_context: str, tmp_path: Path
) -> None:
    r = render_case(helm, build_context, case_id, tmp_path)
    helm_lint(helm, r.chart)
    helm_lint(helm, r.chart, r.values_file)


@pytest.mark.parametrize("version", [DEFAULT_KUBERNETES_VERSION, OLDEST_KUBERNETES_VERSION])
def test_every_manifest_is_valid_kubernetes(rendered: Rendered, helm: str, version: str) -> None:
    # Both the install (values from Pulumi) and a plain `helm template` of the chart as written.
    defaults = helm_template(helm, rendered.chart)
    for obj in [*rendered.objects, *defaults]:
        validate_strictly(obj, version)


# --- objects and names ------------------------------------------------------------------------


def test_objects_rendered_match_the_spec(rendered: Rendered) -> None:
    spec = rendered.spec
    expected = {"Deployment", "ServiceAccount", "NetworkPolicy"}
    if spec.port is not None:
        expected.add("Service")
    if spec.public:
        expected.add("Ingress")
    if rendered.case.secrets:
        expected.add("Secret")
    if spec.scaling is not None:
        expected.add("HorizontalPodAutoscaler")
    if (spec.scaling.min_instances if spec.scaling else spec.replicas) > 1:
        expected.add("PodDisruptionBudget")
    assert sorted(o["kind"] for o in rendered.objects) == sorted(expected)


def test_every_object_has_standard_labels_and_the_release_namespace(rendered: Rendered) -> None:
    for obj in rendered.objects:
        meta = obj["metadata"]
        assert meta["namespace"] == NAMESPACE
        labels = meta["labels"]
        for label in STANDARD_LABELS:
            assert LABEL_VALUE.match(labels[label]) and labels[label], (obj["kind"], label, labels.get(label))
        assert labels["app.kubernetes.io/name"] == rendered.spec.name
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/component"] == ("worker" if rendered.spec.port is None else "server")


def test_app_version_label_follows_the_image(rendered: Rendered) -> None:
    version = rendered.one("Deployment")["metadata"]["labels"]["app.kubernetes.io/version"]
    spec = rendered.spec
    if spec.build is not None:
        assert version == spec.build.tag
    elif spec.image_reference == "hashicorp/http-echo":
        assert version == "latest"
    elif "@" in str(spec.image_reference):
        assert DIGEST.removeprefix("sha256:").startswith(version)
    else:
        assert str(spec.image_reference).endswith(":" + version)


def test_internal_url_names_the_rendered_service(rendered: Rendered) -> None:
    url = internal_url(rendered.spec, NAMESPACE)
    if rendered.spec.port is None:
        assert url is None
        return
    service = rendered.one("Service")
    port = service["spec"]["ports"][0]["port"]
    assert (
        url
        == f"http://{service['metadata']['name']}.{service['metadata']['namespace']}.svc.cluster.local:{port}"
    )
    assert port == rendered.spec.port


def test_service_selects_the_pods_and_targets_the_container_port(rendered: Rendered) -> None:
    if rendered.spec.port is None:
        return
    service = rendered.one("Service")["spec"]
    pod_labels = rendered.one("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert service["type"] == "ClusterIP"
    assert service["selector"].items() <= pod_labels.items()
    assert _probe_port(rendered, service["ports"][0]["targetPort"]) == rendered.spec.port


def test_deployment_selector_matches_its_pods(rendered: Rendered) -> None:
    spec = rendered.one("Deployment")["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()


# --- the container --------------------------------------------------------------------------------


def test_image_and_args_are_the_resolved_ones(rendered: Rendered) -> None:
    container = rendered.container
    assert container["image"] == (rendered.case.image or rendered.spec.image_reference)
    expected_args = rendered.case.args if rendered.case.args is not None else tuple(rendered.spec.args)
    assert tuple(container.get("args", ())) == expected_args


def test_readiness_probe(rendered: Rendered) -> None:
    spec = rendered.spec
    probe = rendered.container.get("readinessProbe")
    if spec.port is None:
        assert probe is None and "ports" not in rendered.container
    elif spec.readiness is not None:
        assert probe is not None
        assert probe["httpGet"]["path"] == spec.readiness
        assert _probe_port(rendered, probe["httpGet"]["port"]) == spec.port
    else:
        assert probe is not None and "httpGet" not in probe
        assert _probe_port(rendered, probe["tcpSocket"]["port"]) == spec.port


def test_plain_env_values_are_exact(rendered: Rendered) -> None:
    env = _env(rendered)
    plain = {k: v for k, v in rendered.spec.env.items() if isinstance(v, str)} | rendered.case.resolved
    assert {k: env[k]["value"] for k in plain} == plain
    assert set(env) == set(rendered.spec.env)


def test_secret_env_comes_from_a_secret_and_never_appears_in_the_deployment(rendered: Rendered) -> None:
    if not rendered.case.secrets:
        assert not rendered.of_kind("Secret")
        return
    deployment_text = yaml.safe_dump(rendered.one("Deployment"))
    secret = rendered.one("Secret")
    env = _env(rendered)
    for name, value in rendered.case.secrets.items():
        assert value not in deployment_text
        assert base64.b64encode(value.encode()).decode() not in deployment_text
        assert "value" not in env[name]
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret["metadata"]["name"]
        assert base64.b64decode(secret["data"][ref["key"]]).decode() == value
    assert secret["type"] == "Opaque"
    # A changed secret must restart the pods, which read env only at start.
    annotations = rendered.one("Deployment")["spec"]["template"]["metadata"]["annotations"]
    assert any(key.startswith("checksum/") for key in annotations)


def test_resources_are_reserved_and_capped(rendered: Rendered) -> None:
    resources = rendered.container["resources"]
    assert resources["requests"] == resources["limits"]
    given = rendered.spec.resources
    if given is not None and given.cpu is not None:
        assert _millicores(resources["limits"]["cpu"]) == round(given.cpu * 1000)
    if given is not None and given.memory is not None:
        assert resources["limits"]["memory"] == f"{given.memory}Mi"
    # Every pod has a CPU request, or an HPA could not compute utilization.
    assert _millicores(resources["requests"]["cpu"]) > 0


def test_security_context(rendered: Rendered) -> None:
    pod = rendered.one("Deployment")["spec"]["template"]["spec"]
    context = rendered.container["securityContext"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert context["allowPrivilegeEscalation"] is False
    assert context.get("privileged", False) is False
    assert context["capabilities"]["drop"] == ["ALL"]
    added = set(context["capabilities"].get("add", []))
    assert not added & {"NET_RAW", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE"}
    hardening = rendered.spec.hardening
    assert context["readOnlyRootFilesystem"] is hardening.read_only_root_filesystem
    if hardening.run_as_user is None:
        # Not forced: public images such as nginx start as root.
        assert "runAsNonRoot" not in context and "runAsNonRoot" not in pod["securityContext"]
    else:
        assert (context["runAsNonRoot"], context["runAsUser"]) == (True, hardening.run_as_user)
        assert added == set(), "a fixed non-root user needs no capability added back"


def test_pods_admit_traffic_only_on_the_workload_port(rendered: Rendered) -> None:
    policy = rendered.one("NetworkPolicy")["spec"]
    pods = rendered.one("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= pods.items()
    assert policy["policyTypes"] == ["Ingress"], "egress stays open"
    if rendered.spec.port is None:
        assert "ingress" not in policy, "a worker admits nothing"
    else:
        [rule] = policy["ingress"]
        assert rule == {"ports": [{"port": "http", "protocol": "TCP"}]}  # from anywhere, that port only
        assert [p["name"] for p in rendered.container["ports"]] == ["http"]


def test_each_workload_runs_as_its_own_service_account(rendered: Rendered) -> None:
    pod = rendered.one("Deployment")["spec"]["template"]["spec"]
    account = rendered.one("ServiceAccount")
    assert pod["serviceAccountName"] == account["metadata"]["name"] == rendered.spec.name
    assert account["automountServiceAccountToken"] is False


# --- replicas, autoscaling, disruption budget -------------------------------------------------


def test_replicas_or_autoscaler(rendered: Rendered) -> None:
    spec = rendered.spec
    deployment = rendered.one("Deployment")
    if spec.scaling is None:
        assert deployment["spec"]["replicas"] == spec.replicas
        assert not rendered.of_kind("HorizontalPodAutoscaler")
        return
    assert "replicas" not in deployment["spec"]
    hpa = rendered.one("HorizontalPodAutoscaler")["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (
        spec.scaling.min_instances,
        spec.scaling.max_instances,
    )
    [metric] = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": spec.scaling.cpu_utilization_target,
    }


def test_disruption_budget_covers_the_pods(rendered: Rendered) -> None:
    budgets = rendered.of_kind("PodDisruptionBudget")
    if not budgets:
        return
    pod_labels = rendered.one("Deployment")["spec"]["template"]["metadata"]["labels"]
    [budget] = budgets
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert budget["spec"]["maxUnavailable"] == 1


# --- ingress ----------------------------------------------------------------------------------------


def test_ingress_for_the_aws_load_balancer_controller(rendered: Rendered) -> None:
    spec = rendered.spec
    if not spec.public:
        assert not rendered.of_kind("Ingress")
        return
    ingress = rendered.one("Ingress")
    annotations = ingress["metadata"]["annotations"]
    assert ingress["spec"]["ingressClassName"] == "alb"
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == (spec.readiness or "/")
    listen = json.loads(annotations["alb.ingress.kubernetes.io/listen-ports"])
    [rule] = ingress["spec"]["rules"]
    [path] = rule["http"]["paths"]
    backend = path["backend"]["service"]
    service = rendered.one("Service")
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    if spec.domain is None:
        assert listen == [{"HTTP": 80}]
        assert "host" not in rule
        assert "alb.ingress.kubernetes.io/certificate-arn" not in annotations
        return
    assert rule["host"] == spec.domain.host
    assert {"HTTPS": 443} in listen and {"HTTP": 80} in listen
    assert annotations["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    if spec.domain.certificate_arn is None:
        # The controller then discovers the ACM certificate by the rule's host.
        assert "alb.ingress.kubernetes.io/certificate-arn" not in annotations
    else:
        assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == spec.domain.certificate_arn


# --- the pure functions -------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_write_chart_is_deterministic(case_id: str, build_context: str, tmp_path: Path) -> None:
    raw = chart_cases(build_context)[case_id].raw
    # Two separate parses, as two `pulumi up` runs would make.
    first = write_chart(parse_workload(case_id, raw), tmp_path / "first")
    second = write_chart(parse_workload(case_id, raw), tmp_path / "second")

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
        }

    assert files(first) == files(second)
    assert first.name == parse_workload(case_id, raw).name
    assert set(files(first)) == {
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/service.yaml",
        "templates/serviceaccount.yaml",
        "templates/networkpolicy.yaml",
        "templates/ingress.yaml",
        "templates/secret.yaml",
        "templates/hpa.yaml",
        "templates/pdb.yaml",
    }


def test_values_are_never_evaluated_as_templates(helm: str, tmp_path: Path) -> None:
    spec = parse_workload(
        "app", {"image": "nginx:1.27", "env": {"A": "{{ .Release.Name }}"}, "args": ['{{ fail "x" }}']}
    )
    values_file = tmp_path / "values.json"
    values_file.write_text(json.dumps(chart_values(spec, "nginx:1.27", {"A": "{{ .Release.Name }}"}, {})))
    objects = helm_template(helm, write_chart(spec, tmp_path), values_file)
    [deployment] = [o for o in objects if o["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["env"] == [{"name": "A", "value": "{{ .Release.Name }}"}]
    assert container["args"] == ['{{ fail "x" }}']


def test_chart_metadata(build_context: str) -> None:
    spec = parse_workload("seed-hello", chart_cases(build_context)["seed-hello"].raw)
    chart = yaml.safe_load(chart_files(spec)["Chart.yaml"])
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "seed-hello"
    assert chart["appVersion"] == "latest"
    assert re.match(r"^\d+\.\d+\.\d+$", chart["version"])


def test_values_yaml_names_the_values_that_come_from_outputs(build_context: str) -> None:
    spec = parse_workload("backend", chart_cases(build_context)["seed-backend-env"].raw)
    text = chart_files(spec)["values.yaml"]
    values = yaml.safe_load(text)
    assert values["env"] == {"MODE": "prod"}
    assert values["args"] == []
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("ECHO_URL" in line for line in header)
    assert any("args" in line for line in header)


def test_long_tags_fit_the_version_label() -> None:
    spec = parse_workload("app", {"image": "example.com/app:" + "v1.2.3-" + "x" * 120 + "-", "port": 80})
    version = yaml.safe_load(chart_files(spec)["Chart.yaml"])["appVersion"]
    assert LABEL_VALUE.match(version) and 0 < len(version) <= 63


@pytest.mark.parametrize(
    ("env", "secret_env", "args", "message"),
    [
        ({"A": "1"}, {"A": "2"}, None, "both plain and secret"),
        ({"A": "1"}, {}, None, "do not match"),
        ({"A": "1", "B": "2", "C": "3"}, {}, None, "do not match"),
        ({"A": "1", "B": "2"}, {}, None, "pass their resolved values"),
    ],
)
def test_chart_values_rejects_inconsistent_input(
    env: dict[str, str], secret_env: dict[str, str], args: list[str] | None, message: str
) -> None:
    spec = parse_workload(
        "app",
        {
            "image": "nginx:1.27",
            "port": 80,
            "env": {"A": "1", "B": pulumi.Output.secret("2")},
            "args": [pulumi.Output.from_input("x")],
        },
    )
    with pytest.raises(ValueError, match=message):
        chart_values(spec, "nginx:1.27", env, secret_env, args=args)


def test_internal_url_without_port_is_none() -> None:
    spec = parse_workload("job", {"image": "busybox:1.36"})
    assert internal_url(spec, NAMESPACE) is None
    spec = parse_workload("api", {"image": "nginx:1.27", "port": 8080})
    assert internal_url(spec, "team-a") == "http://api.team-a.svc.cluster.local:8080"
