"""The real offline validators of Helm charts: the helm CLI (built by scripts/install-helm.sh) and
kubernetes-validate's Kubernetes schemas. Shared by the chart tests and the eks platform tests."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from components.spec.cluster import DEFAULT_KUBERNETES_VERSION
from tests.support import ROOT

REPO = ROOT
NAMESPACE = "apps"
RELEASE = "release-1"


@pytest.fixture(scope="session")
def helm() -> str:
    """The helm CLI that scripts/setup.sh (part test-tools) built; .tools/env.sh exports HELM."""
    path = os.environ.get("HELM", "")
    if not Path(path).is_file():
        pytest.fail(
            f"helm not found at HELM={path!r}: run `bash scripts/setup.sh test-tools` (make test does)"
        )
    return path


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _values_args(values_file: Path | None) -> list[str]:
    return [] if values_file is None else ["--values", str(values_file)]


def helm_lint(helm: str, chart: Path, values_file: Path | None = None, namespace: str = NAMESPACE) -> None:
    """`helm lint --strict`: fails on warnings too."""
    command = [helm, "lint", "--strict", str(chart), "--namespace", namespace]
    _run([*command, "--kube-version", DEFAULT_KUBERNETES_VERSION, *_values_args(values_file)])


def helm_template(
    helm: str,
    chart: Path,
    values_file: Path | None = None,
    namespace: str = NAMESPACE,
    release: str = RELEASE,
) -> list[dict[str, Any]]:
    """The objects `helm template` renders, as a cluster of DEFAULT_KUBERNETES_VERSION would get them."""
    command = [helm, "template", release, str(chart), "--namespace", namespace]
    output = _run([*command, "--kube-version", DEFAULT_KUBERNETES_VERSION, *_values_args(values_file)])
    return [doc for doc in yaml.safe_load_all(output) if doc]


def validate_strictly(obj: dict[str, Any], version: str = DEFAULT_KUBERNETES_VERSION) -> None:
    """Validate against the schemas of exactly `version` (kubernetes-validate silently falls back)."""
    used = kubernetes_validate.validate(obj, version, strict=True)
    assert used == version, f"{obj['kind']} validated against {used}, not {version}"


def installed_objects(
    helm: str, chart: dict[str, Any], folder: Path, lint: bool = True
) -> list[dict[str, Any]]:
    """The objects a platform's `helm.v4.Chart` registration (its inputs: chart, name, namespace,
    values) would install: `helm lint --strict` with those values, `helm template`, and every object
    validated strictly against the Kubernetes schemas."""
    values_file = folder / "install-values.json"
    values_file.write_text(json.dumps(chart["values"]))
    helm_lint(helm, Path(chart["chart"]), values_file, namespace=chart["namespace"])
    objects = helm_template(
        helm, Path(chart["chart"]), values_file, namespace=chart["namespace"], release=chart["name"]
    )
    for obj in objects:
        validate_strictly(obj)
    return objects
