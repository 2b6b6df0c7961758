"""The Workloads the Helm chart tests render, and how they render one: parsed from WorkloadArgs,
written as a chart, given install values the way the Pulumi layer does (Outputs resolved by the
caller), then `helm template`d."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.render.helm.chart import chart_values, write_chart
from components.spec.workload import WorkloadSpec, parse_workload
from tests.support.helm_tools import helm_template

DIGEST = "sha256:" + "ab" * 32
TRICKY = 'say "hi"\n\tünïcode: $HOME # not a comment'


@dataclass(frozen=True)
class Case:
    """WorkloadArgs plus what the Pulumi layer would resolve: the image pushed, Output values."""

    raw: dict[str, Any]
    image: str = ""  # empty: the spec's own reference
    resolved: dict[str, str] = field(default_factory=dict)  # env Outputs that are not secret
    secrets: dict[str, str] = field(default_factory=dict)  # env Outputs that are secret
    args: tuple[str, ...] | None = None  # resolved args, when some are Outputs


def chart_cases(backend: str) -> dict[str, Case]:
    ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend:0123456789abcdef"
    echo_url = "http://echo.apps.svc.cluster.local:5678"
    return {
        # The seed's examples, as Wing users write them.
        "seed-hello": Case(
            {"image": "hashicorp/http-echo", "port": 5678, "public": True, "args": ["-text=hello, wingnuts!"]}
        ),
        "seed-backend-build": Case({"image": backend, "port": 3000, "public": True}, image=ecr),
        "seed-echo-private": Case(
            {"name": "echo", "image": "hashicorp/http-echo", "port": 5678, "args": ["-text=hello, wingnuts!"]}
        ),
        "seed-backend-env": Case(
            {
                "image": backend,
                "port": 3000,
                "public": True,
                "env": {"ECHO_URL": pulumi.Output.from_input(echo_url), "MODE": "prod"},
                "args": ["--upstream", pulumi.Output.from_input(echo_url)],
            },
            image=ecr,
            resolved={"ECHO_URL": echo_url},
            args=("--upstream", echo_url),
        ),
        # Beyond Wing.
        "readiness-replicas": Case(
            {
                "name": "web",
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "readiness": "/healthz",
                "replicas": 3,
            }
        ),
        "secrets": Case(
            {
                "name": "api",
                "image": "ghcr.io/acme/api:v2.1.0",
                "port": 8080,
                "readiness": "/ready",
                "env": {
                    "LOG_LEVEL": "debug",
                    "GREETING": TRICKY,
                    "DB_PASSWORD": pulumi.Output.secret("hunter2-Secret!"),
                    "API_TOKEN": pulumi.Output.secret("tok_9f8e7d6c5b4a"),
                },
            },
            secrets={"DB_PASSWORD": "hunter2-Secret!", "API_TOKEN": "tok_9f8e7d6c5b4a"},
        ),
        "worker-resources": Case(
            {
                "name": "worker",
                "image": "busybox:1.36",
                "args": ["sh", "-c", "while true; do sleep 30; done"],
                "resources": {"cpu": 0.5, "memory": 1024},
            }
        ),
        "scaling": Case(
            {
                "name": "scaled",
                "image": "nginx:1.27",
                "port": 8080,
                "public": True,
                "resources": {"cpu": 1},
                "scaling": {
                    "min_instances": 2,
                    "max_instances": 6,
                    "scaling_policy": {"keep_avg_cpu_utilization_under": 60},
                },
            }
        ),
        "scaling-from-one": Case(
            {"name": "bursty", "image": "nginx:1.27", "port": 80, "scaling": {"max_instances": 4}}
        ),
        "domain": Case(
            {
                "name": "shop",
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "readiness": "/status",
                "domain": {
                    "host": "shop.example.com",
                    "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                },
            }
        ),
        "domain-discovered-cert": Case(
            {
                "name": "blog",
                "image": "nginx:1.27",
                "port": 80,
                "public": True,
                "domain": {"host": "blog.example.com"},
            }
        ),
        "digest": Case(
            {"name": "pinned", "image": f"registry.example.com:5000/team/app@{DIGEST}", "port": 9000}
        ),
        # Both hardening options: an image that runs as any user and writes only to volumes.
        "hardened": Case(
            {
                "name": "locked",
                "image": f"registry.example.com/team/static@{DIGEST}",
                "port": 8080,
                "read_only_root_filesystem": True,
                "run_as_user": 10001,
            }
        ),
    }


CASE_IDS = tuple(chart_cases("/unused"))


@dataclass(frozen=True)
class Rendered:
    spec: WorkloadSpec
    case: Case
    chart: Path
    values_file: Path
    objects: list[dict[str, Any]]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind: str) -> dict[str, Any]:
        found = self.of_kind(kind)
        assert len(found) == 1, f"expected one {kind}, got {len(found)}"
        return found[0]

    @property
    def container(self) -> dict[str, Any]:
        containers = self.one("Deployment")["spec"]["template"]["spec"]["containers"]
        assert len(containers) == 1
        return containers[0]


@pytest.fixture(scope="session")
def build_context(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("seed") / "backend"
    folder.mkdir()
    (folder / "Dockerfile").write_text(
        "FROM node:20.8.0-alpine\nEXPOSE 3000\nADD index.js /app/index.js\n"
        'ENTRYPOINT [ "node", "/app/index.js" ]\n'
    )
    (folder / "index.js").write_text("require('http').createServer((q, s) => s.end('hi')).listen(3000);\n")
    return str(folder)


def render_case(helm: str, build_context: str, case_id: str, out: Path) -> Rendered:
    case = chart_cases(build_context)[case_id]
    spec = parse_workload(case_id, case.raw)
    chart = write_chart(spec, out)
    # What the Pulumi layer does: plain env as is, resolved Outputs split into plain and secret.
    env = {k: v for k, v in spec.env.items() if isinstance(v, str)} | case.resolved
    values = chart_values(spec, case.image or str(spec.image_reference), env, case.secrets, args=case.args)
    values_file = out / f"{spec.name}-install-values.json"
    values_file.write_text(json.dumps(values))
    return Rendered(spec, case, chart, values_file, helm_template(helm, chart, values_file))
