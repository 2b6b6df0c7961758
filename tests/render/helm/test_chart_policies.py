"""checkov's Kubernetes policies over the rendered charts: the checks we claim pass, and only the
documented ones fail (README lists them with reasons; this test keeps that list honest).

checkov pins heavy dependencies, so it lives in its own virtualenv in the tool cache, not the
project's: `bash scripts/setup.sh test-tools` installs it, and .tools/env.sh exports CHECKOV.
"""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.spec.workload import WorkloadSpec
from tests.support.helm_cases import CASE_IDS, Rendered, build_context, render_case
from tests.support.helm_tools import helm

__all__ = ["build_context", "helm"]  # fixtures used by this module, imported so pytest finds them

# Claimed for every workload's Deployment (and CKV_K8S_21 for every object).
CLAIMED = {
    "CKV_K8S_10": "CPU requests",
    "CKV_K8S_11": "CPU limits",
    "CKV_K8S_12": "memory requests",
    "CKV_K8S_13": "memory limits",
    "CKV_K8S_15": "image pull policy Always",
    "CKV_K8S_16": "not privileged",
    "CKV_K8S_17": "no host PID",
    "CKV_K8S_18": "no host IPC",
    "CKV_K8S_19": "no host network",
    "CKV_K8S_20": "no privilege escalation",
    "CKV_K8S_21": "not the default namespace",
    "CKV_K8S_26": "no hostPort",
    "CKV_K8S_27": "no Docker socket",
    "CKV_K8S_28": "no NET_RAW",
    "CKV_K8S_29": "pod security context",
    "CKV_K8S_30": "container security context",
    "CKV_K8S_31": "RuntimeDefault seccomp",
    "CKV_K8S_37": "no dangerous capabilities",
    "CKV_K8S_38": "no service account token",
    "CKV_K8S_39": "no SYS_ADMIN",
    "CKV2_K8S_6": "a NetworkPolicy selects the pods",
}
# Deliberately unsatisfied for every workload (reasons in the README).
UNSATISFIED = {
    "CKV_K8S_8": "liveness probe",
}
# Unsatisfied only for some workloads: each depends on what the user asked for.
READ_ONLY_ROOT = "CKV_K8S_22"  # passes only with read_only_root_filesystem
NON_ROOT = "CKV_K8S_23"  # passes only with run_as_user
NO_ADDED_CAPABILITIES = "CKV_K8S_25"  # passes only with run_as_user (nothing added back)
HIGH_UID = "CKV_K8S_40"  # passes only with a run_as_user of 10000 or more (checkov's threshold)
SECRETS_AS_ENV = "CKV_K8S_35"  # fails only with secret env values
READINESS_PROBE = "CKV_K8S_9"  # fails only for a workload without a port
FIXED_TAG = "CKV_K8S_14"  # fails only for an untagged or :latest image
DIGEST = "CKV_K8S_43"  # passes only for an image pinned by digest


@pytest.fixture(scope="session")
def checkov() -> str:
    path = os.environ.get("CHECKOV", "")
    if not Path(path).is_file():
        pytest.fail(f"checkov not found at CHECKOV={path!r}: run `bash scripts/setup.sh test-tools`")
    return path


@pytest.fixture(scope="module")
def results(
    checkov: str, helm: str, build_context: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Rendered, dict[str, set[str]]]]:
    """case -> (render, {"PASSED"/"FAILED": {check_id}}), from one checkov run over every case."""
    manifests = tmp_path_factory.mktemp("manifests")
    renders = {}
    for case_id in CASE_IDS:
        renders[case_id] = render_case(helm, build_context, case_id, tmp_path_factory.mktemp("chart"))
        (manifests / f"{case_id}.yaml").write_text(yaml.safe_dump_all(renders[case_id].objects))
    done = subprocess.run(
        [
            checkov,
            "--framework",
            "kubernetes",
            "--directory",
            str(manifests),
            "--output",
            "json",
            "--soft-fail",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    found: dict[str, dict[str, set[str]]] = {c: {"PASSED": set(), "FAILED": set()} for c in CASE_IDS}
    for key, outcome in (("passed_checks", "PASSED"), ("failed_checks", "FAILED")):
        for check in report["results"].get(key, []):
            found[Path(check["file_path"]).stem][outcome].add(check["check_id"])
    return {case_id: (renders[case_id], found[case_id]) for case_id in CASE_IDS}


def _fixed_tag(spec: WorkloadSpec) -> bool:
    reference = spec.image_reference
    if reference is None:
        return True  # built images are tagged by content hash
    last = reference.split("@")[0].rsplit("/", 1)[-1]
    return "@" in reference or (":" in last and not last.endswith(":latest"))


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_claimed_checks_pass_and_only_documented_ones_fail(
    case_id: str, results: dict[str, tuple[Rendered, dict[str, set[str]]]]
) -> None:
    rendered, outcome = results[case_id]
    spec = rendered.spec
    assert set(CLAIMED) <= outcome["PASSED"] - outcome["FAILED"]
    expected_failures = set(UNSATISFIED)
    hardening = spec.hardening
    if not hardening.read_only_root_filesystem:
        expected_failures.add(READ_ONLY_ROOT)
    if hardening.run_as_user is None:
        expected_failures |= {NON_ROOT, NO_ADDED_CAPABILITIES}
    if (hardening.run_as_user or 0) < 10000:
        expected_failures.add(HIGH_UID)
    if rendered.case.secrets:
        expected_failures.add(SECRETS_AS_ENV)
    if spec.port is None:
        expected_failures.add(READINESS_PROBE)
    if not _fixed_tag(spec):
        expected_failures.add(FIXED_TAG)
    if "@" not in (spec.image_reference or ""):
        expected_failures.add(DIGEST)
    assert outcome["FAILED"] == expected_failures
