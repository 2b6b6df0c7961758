"""Render a validated `WorkloadSpec` as a Helm chart for EKS: pure functions, no Pulumi calls.

The templates are the same for every workload; what a spec decides lives in values.yaml, so the
chart is an ordinary one a person can `helm template` or `helm install` as it is, and the Pulumi
layer installs it with `chart_values(...)`: the plain values it resolved from the spec's Outputs
(image pushed to ECR, other workloads' URLs, secrets). Secrets thus reach the cluster only through
a Kubernetes Secret read by `secretKeyRef`, never through a file written here.

Security context, decided per field for arbitrary public images (nginx, postgres, http-echo, ...):
- seccompProfile RuntimeDefault: the profile Docker applies by default, so any image that runs under
  `docker run` (and the sim platform) runs here too.
- allowPrivilegeEscalation false, privileged false: blocks setuid binaries and file capabilities;
  an entrypoint that starts as root and drops to a user (gosu, su-exec, nginx's workers) still works.
- capabilities: drop ALL, then add back only what root entrypoints need to bind a low port, chown
  their data folders and switch to their user. Added capabilities are inert for an image that
  already runs as a non-root user, so those images end up with none.
- runAsNonRoot and readOnlyRootFilesystem only when the workload asks (`run_as_user`,
  `read_only_root_filesystem`): official images such as nginx and postgres start as root, and most
  images write to /tmp, /var/cache or /var/run. With `run_as_user` no capability is added back.
- a ServiceAccount of its own per workload (the identity IRSA or EKS Pod Identity would give AWS
  permissions to), with automountServiceAccountToken false: a workload has no business calling the
  Kubernetes API.
- a NetworkPolicy admitting traffic only on the workload's port (none for a worker).
"""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from components.spec.hardening import Hardening
from components.spec.workload import Resources, WorkloadSpec

# The Kubernetes version the eks Cluster creates and charts are checked against: one EKS offers in
# standard support in late 2026, with schemas in kubernetes-validate so charts validate offline.

# The templates change only with this package; everything a spec decides is in values.yaml.
CHART_VERSION = "0.1.0"

# Fargate's smallest task size: a workload without `resources` gets the same capacity on eks as on
# ecs, and an HPA always has a CPU request to measure utilization against.
DEFAULT_RESOURCES = Resources(cpu=0.25, memory=512)

# What a root entrypoint needs to start and drop privileges (bind :80, chown data folders, switch
# user, signal its workers); Docker's default set minus NET_RAW, MKNOD, SYS_CHROOT, SETFCAP,
# SETPCAP, FSETID and AUDIT_WRITE.
ROOT_ENTRYPOINT_CAPABILITIES = (
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "KILL",
    "NET_BIND_SERVICE",
    "SETGID",
    "SETUID",
)

LABEL_VALUE_MAX = 63

_HELPERS = """\
{{/*
Every object is named after the chart (the workload's name), as Wing does, so the internal URL
http://<name>.<namespace>.svc.cluster.local:<port> does not depend on the release name.
*/}}
{{- define "workload.name" -}}
{{- .Chart.Name -}}
{{- end -}}

{{- define "workload.secretName" -}}
{{- printf "%s-env" .Chart.Name -}}
{{- end -}}

{{- define "workload.selectorLabels" -}}
app.kubernetes.io/name: {{ include "workload.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* A workload with a port serves requests; one without runs in the background. */}}
{{- define "workload.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "workload.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: {{ if .Values.port }}server{{ else }}worker{{ end }}
{{- end -}}

{{/* An object's name, namespace and labels, to go under its `metadata:`. */}}
{{- define "workload.metadata" -}}
{{- include "workload.metadataNamed" (dict "context" . "name" (include "workload.name" .)) -}}
{{- end -}}

{{/* The same for an object not named after the workload: (dict "context" . "name" <its name>). */}}
{{- define "workload.metadataNamed" -}}
name: {{ .name }}
namespace: {{ .context.Release.Namespace }}
labels:
  {{- include "workload.labels" .context | nindent 2 }}
{{- end -}}
"""

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
spec:
  {{- /* With an HPA, a replicas field here would fight it on every upgrade. */}}
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "workload.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "workload.labels" . | nindent 8 }}
      {{- if .Values.secretEnv }}
      annotations:
        {{- /* Env vars are read at start: a changed secret must roll the pods. */}}
        checksum/secret-env: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
      {{- end }}
    spec:
      {{- /* Its own identity: what IRSA or EKS Pod Identity grants AWS permissions to. */}}
      serviceAccountName: {{ include "workload.name" . }}
      automountServiceAccountToken: false
      {{- /* No NAME_SERVICE_HOST-style variables: the sim platform has none either. */}}
      enableServiceLinks: false
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ include "workload.name" . }}
          image: {{ .Values.image | toJson }}
          imagePullPolicy: {{ .Values.imagePullPolicy }}
          {{- with .Values.args }}
          args:
            {{- range . }}
            - {{ . | toJson }}
            {{- end }}
          {{- end }}
          {{- if .Values.port }}
          ports:
            - name: http
              containerPort: {{ .Values.port }}
              protocol: TCP
          readinessProbe:
            {{- if .Values.readiness }}
            httpGet:
              path: {{ .Values.readiness | toJson }}
              port: http
            {{- else }}
            tcpSocket:
              port: http
            {{- end }}
          {{- end }}
          {{- if or .Values.env .Values.secretEnv }}
          env:
            {{- range $name, $value := .Values.env }}
            - name: {{ $name | toJson }}
              value: {{ $value | toJson }}
            {{- end }}
            {{- range $name, $_ := .Values.secretEnv }}
            - name: {{ $name | toJson }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "workload.secretName" $ }}
                  key: {{ $name | toJson }}
            {{- end }}
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
"""

_SERVICE = """\
{{- if .Values.port }}
apiVersion: v1
kind: Service
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
spec:
  type: ClusterIP
  selector:
    {{- include "workload.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.port }}
      targetPort: http
      protocol: TCP
{{- end }}
"""

_INGRESS = """\
{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    {{- /* Pod IPs as targets: no NodePort, and the ALB health-checks the pods themselves. */}}
    alb.ingress.kubernetes.io/target-type: ip
    {{- /* Wing always checks "/"; a workload with a readiness path is checked where it is ready. */}}
    alb.ingress.kubernetes.io/healthcheck-path: {{ .Values.readiness | default "/" | toJson }}
    {{- /* Kubernetes' httpGet probe counts 200-399 as success; the controller's default is 200 only. */}}
    alb.ingress.kubernetes.io/success-codes: "200-399"
    {{- if .Values.ingress.tls }}
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    alb.ingress.kubernetes.io/ssl-redirect: "443"
    {{- /* Without an ARN the controller finds the ACM certificate by the rule's host. */}}
    {{- with .Values.ingress.certificateArn }}
    alb.ingress.kubernetes.io/certificate-arn: {{ . | toJson }}
    {{- end }}
    {{- else }}
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}]'
    {{- end }}
spec:
  ingressClassName: alb
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "workload.name" . }}
                port:
                  name: http
      {{- with .Values.ingress.host }}
      host: {{ . | toJson }}
      {{- end }}
{{- end }}
"""

_SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
automountServiceAccountToken: false
"""

# Ingress to the pods only on the workload's port (from anywhere: the ALB's ip targets and the other
# workloads), none to a worker; egress stays open. Enforced where the cluster's network policy agent
# runs (the VPC CNI's enableNetworkPolicy); inert, not harmful, where it does not.
_NETWORK_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "workload.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  {{- if .Values.port }}
  ingress:
    - ports:
        - port: http
          protocol: TCP
  {{- end }}
"""

_SECRET = """\
{{- if .Values.secretEnv }}
apiVersion: v1
kind: Secret
metadata:
  {{- $name := include "workload.secretName" . }}
  {{- include "workload.metadataNamed" (dict "context" . "name" $name) | nindent 2 }}
type: Opaque
data:
  {{- range $name, $value := .Values.secretEnv }}
  {{ $name | toJson }}: {{ $value | b64enc | quote }}
  {{- end }}
{{- end }}
"""

_HPA = """\
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "workload.name" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
"""

_PDB = """\
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "workload.metadata" . | nindent 2 }}
spec:
  {{- /* maxUnavailable, not minAvailable: it stays right whatever count the HPA picks. */}}
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "workload.selectorLabels" . | nindent 6 }}
{{- end }}
"""

_TEMPLATES = {
    "templates/_helpers.tpl": _HELPERS,
    "templates/deployment.yaml": _DEPLOYMENT,
    "templates/service.yaml": _SERVICE,
    "templates/serviceaccount.yaml": _SERVICE_ACCOUNT,
    "templates/networkpolicy.yaml": _NETWORK_POLICY,
    "templates/ingress.yaml": _INGRESS,
    "templates/secret.yaml": _SECRET,
    "templates/hpa.yaml": _HPA,
    "templates/pdb.yaml": _PDB,
}


def chart_files(spec: WorkloadSpec) -> dict[str, str]:
    """The chart's files, relative path -> text, with values.yaml holding the spec's defaults.

    Env values and args that are Outputs cannot be known here: values.yaml leaves them out and its
    header names them, so a person installing by hand knows what to pass.
    """
    plain_args = [str(arg) for arg in spec.args] if spec.args_known else []
    values = _values(spec, _default_image(spec), spec.plain_env, {}, plain_args)
    return {
        "Chart.yaml": _dump(_chart_metadata(spec)),
        "values.yaml": _values_header(spec) + _dump(values),
        **_TEMPLATES,
    }


def chart_values(
    spec: WorkloadSpec,
    image: str,
    env: Mapping[str, str],
    secret_env: Mapping[str, str],
    *,
    args: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The complete values to install the chart with, from values the caller resolved.

    `env` and `secret_env` together must name exactly the spec's env variables; `args` is needed
    only when some of the spec's args are Outputs.
    """
    overlap = env.keys() & secret_env.keys()
    if overlap:
        raise ValueError(f"env variables given both plain and secret: {sorted(overlap)}")
    given = env.keys() | secret_env.keys()
    if given != spec.env.keys():
        raise ValueError(
            f"env variables {sorted(given)} do not match the workload's {sorted(spec.env.keys())}"
        )
    if args is None:
        if not spec.args_known:
            raise ValueError("the workload's args contain Outputs: pass their resolved values as `args`")
        args = [str(a) for a in spec.args]
    return _values(spec, image, dict(env), dict(secret_env), list(args))


def internal_url(spec: WorkloadSpec, namespace: str) -> str | None:
    """Where other workloads in the cluster reach this one; None without a port."""
    if spec.port is None:
        return None
    return f"http://{spec.name}.{namespace}.svc.cluster.local:{spec.port}"


def write_chart(spec: WorkloadSpec, root: Path) -> Path:
    """Write the chart to root/<name>/ and return that folder; the same spec gives the same bytes."""
    chart_dir = root / spec.name
    for relative, text in sorted(chart_files(spec).items()):
        path = chart_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return chart_dir


def _default_image(spec: WorkloadSpec) -> str:
    """The image values.yaml names: the registry reference, or the local tag of a built image."""
    if spec.build is not None:
        return f"{spec.name}:{spec.build.tag}"
    assert spec.image_reference is not None  # the spec guarantees one of the two
    return spec.image_reference


def _chart_metadata(spec: WorkloadSpec) -> dict[str, Any]:
    return {
        "apiVersion": "v2",
        "name": spec.name,
        "description": f"The {spec.name} workload, rendered by the containers Pulumi package.",
        "type": "application",
        "version": CHART_VERSION,
        "appVersion": _app_version(spec),
    }


def _app_version(spec: WorkloadSpec) -> str:
    """The image's tag, shortened to fit the app.kubernetes.io/version label (at most 63 characters
    of letters, digits, '-', '_' and '.'); a digest gives its first 12 hex digits, no tag "latest"."""
    if spec.build is not None:
        return spec.build.tag
    assert spec.image_reference is not None
    reference, _, digest = spec.image_reference.partition("@")
    if digest:
        return digest.partition(":")[2][:12]
    last = reference.rsplit("/", 1)[-1]
    tag = last.partition(":")[2] or "latest"
    # Docker tags may be 128 characters long; labels must end with a letter or digit.
    return tag[:LABEL_VALUE_MAX].rstrip("-_.")


def _values(
    spec: WorkloadSpec, image: str, env: dict[str, str], secret_env: dict[str, str], args: list[str]
) -> dict[str, Any]:
    resources = spec.resources or DEFAULT_RESOURCES
    cpu = resources.cpu if resources.cpu is not None else DEFAULT_RESOURCES.cpu
    memory = resources.memory if resources.memory is not None else DEFAULT_RESOURCES.memory
    assert cpu is not None and memory is not None  # DEFAULT_RESOURCES sets both
    # Requests equal limits: the spec's capacity is "reserved and capped", as on Fargate.
    capacity = {"cpu": f"{max(1, round(cpu * 1000))}m", "memory": f"{memory}Mi"}
    scaling = spec.scaling
    min_replicas = scaling.min_instances if scaling else spec.replicas
    domain = spec.domain
    return {
        "image": image,
        # The registry is asked for the tag's digest at each pod start, so a moved tag (latest) is
        # picked up; layers already on the node are not downloaded again.
        "imagePullPolicy": "Always",
        "args": args,
        "port": spec.port,
        "readiness": spec.readiness,
        "replicas": spec.replicas,
        "env": env,
        "secretEnv": secret_env,
        "resources": {"requests": dict(capacity), "limits": dict(capacity)},
        "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "securityContext": _security_context(spec.hardening),
        "ingress": {
            "enabled": spec.public,
            "host": domain.host if domain else "",
            "tls": domain is not None,
            "certificateArn": (domain.certificate_arn or "") if domain else "",
        },
        "autoscaling": {
            "enabled": scaling is not None,
            "minReplicas": min_replicas,
            "maxReplicas": scaling.max_instances if scaling else spec.replicas,
            "targetCPUUtilizationPercentage": scaling.cpu_utilization_target if scaling else 80,
        },
        # A budget for a single pod would block node drains for good.
        "podDisruptionBudget": {"enabled": min_replicas > 1, "maxUnavailable": 1},
    }


def _security_context(hardening: Hardening) -> dict[str, Any]:
    """The container's securityContext: a fixed non-root user needs none of the capabilities a
    root entrypoint uses to drop privileges, so it gets none added back."""
    context: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": hardening.read_only_root_filesystem,
    }
    if hardening.run_as_user is None:
        context["capabilities"] = {"drop": ["ALL"], "add": list(ROOT_ENTRYPOINT_CAPABILITIES)}
    else:
        context["capabilities"] = {"drop": ["ALL"]}
        context["runAsNonRoot"] = True
        context["runAsUser"] = hardening.run_as_user
    return context


def _values_header(spec: WorkloadSpec) -> str:
    lines = [f"# Default values for the {spec.name} workload, rendered from its spec."]
    from_outputs = sorted(spec.secret_env_names)
    if from_outputs:
        lines.append(
            "# Set at install time (from Pulumi Outputs), each under `env` or, if secret, `secretEnv`: "
            + ", ".join(from_outputs)
        )
    if not spec.args_known:
        lines.append("# Set at install time (from Pulumi Outputs): `args`, the container's arguments")
    return "\n".join(lines) + "\n"


class _QuotingDumper(yaml.SafeDumper):
    """Every string double-quoted: helm reads YAML 1.1, where keys and values such as `y`, `NO` or
    `on` unquoted are booleans (an env variable named `ON` would become `true`)."""


def _quoted(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_QuotingDumper.add_representer(str, _quoted)


def _dump(data: Mapping[str, Any]) -> str:
    # sort_keys keeps the bytes stable; width keeps long strings (ARNs, args) on one line.
    return yaml.dump(
        dict(data), Dumper=_QuotingDumper, sort_keys=True, default_flow_style=False, width=1_000_000
    )
