"""The kubernetes platform for real: `pulumi up`, `refresh` and `destroy` through the real
pulumi-kubernetes provider plugin against a real Kubernetes API server on 127.0.0.1
(scripts/local-kubernetes.sh: etcd, kube-apiserver, controller-manager, scheduler, and kwok, whose
node runs pods to Running and Ready without a container runtime).

Run with `make test-kubernetes` (builds what it needs; marker `k8s`, deselected elsewhere). The one
simulated part: no ingress controller can run without real pods, so the test publishes the Ingress's
address in its status, as a controller would, while `pulumi up` waits for it.

The app is the microservices example's shape (a private echo called by a public backend through its
internal URL, plus a secret), with registry references for both images: building `./backend` needs
the pulumi-docker-build plugin and a registry, which this machine does not have.
"""

import base64
import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from pulumi import automation as auto

from tests.support import ROOT

pytestmark = pytest.mark.k8s

TOKEN = "tok-" + uuid.uuid4().hex
PROGRAM = """\
import pulumi
from components import Workload

echo = Workload("echo", {"image": "hashicorp/http-echo", "port": 5678, "replicas": 2,
                         "args": ["-text=hello, wingnuts!"]})
backend = Workload("backend", {
    "image": "nginx:1.27", "port": 3000, "public": True, "readiness": "/healthz",
    "env": {"ECHO_URL": echo.internal_url, "TOKEN": pulumi.Output.secret(%r), "MODE": %r},
})
pulumi.export("url", backend.public_url)
pulumi.export("echo_internal_url", echo.internal_url)
"""
INGRESS_ADDRESS = "127.0.0.1"


def kubectl(kubeconfig: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["kubectl", "--kubeconfig", str(kubeconfig), *args], capture_output=True, text=True, timeout=60
    )
    if check:
        assert done.returncode == 0, f"kubectl {' '.join(args)}: {done.stderr}"
    return done


def get(kubeconfig: Path, namespace: str, kind: str, name: str) -> dict[str, Any]:
    return json.loads(kubectl(kubeconfig, "-n", namespace, "get", kind, name, "-o", "json").stdout)


@pytest.fixture(scope="session")
def local_kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    provider = subprocess.run(
        ["bash", str(ROOT / "scripts/install-kubernetes.sh"), "provider", "--path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not (Path(provider) / "pulumi-resource-kubernetes").is_file():
        pytest.fail("the pulumi-kubernetes provider plugin is not built: run `make test-kubernetes`")
    if provider not in os.environ["PATH"].split(os.pathsep):
        pytest.fail(
            f"{provider} is not on PATH (the engine finds the plugin there): use `make test-kubernetes`"
        )
    folder = tmp_path_factory.mktemp("local-kubernetes")
    started = subprocess.run(
        ["bash", str(ROOT / "scripts/local-kubernetes.sh"), "start", str(folder)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert started.returncode == 0, f"the local control plane did not start:\n{started.stderr}"
    try:
        yield Path(started.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["bash", str(ROOT / "scripts/local-kubernetes.sh"), "stop", str(folder)], check=False)


class IngressController(threading.Thread):
    """Does the one thing an ingress controller does that the test needs: once the Ingress exists,
    publish an address in its status (bounded: gives up after `seconds`)."""

    def __init__(self, kubeconfig: Path, namespace: str, name: str, seconds: float = 300) -> None:
        super().__init__(daemon=True)
        self.kubeconfig, self.namespace, self.name, self.seconds = kubeconfig, namespace, name, seconds
        self.published = False

    def run(self) -> None:
        deadline = time.monotonic() + self.seconds
        status = json.dumps({"status": {"loadBalancer": {"ingress": [{"ip": INGRESS_ADDRESS}]}}})
        while time.monotonic() < deadline:
            patched = kubectl(
                self.kubeconfig,
                "-n",
                self.namespace,
                "patch",
                "ingress",
                self.name,
                "--subresource=status",
                "--type=merge",
                "-p",
                status,
                check=False,
            )
            if patched.returncode == 0:
                self.published = True
                return
            time.sleep(1)


def test_the_app_deploys_updates_refreshes_and_destroys_on_a_real_api_server(
    local_kubeconfig: Path, tmp_path: Path
) -> None:
    name = f"k8s{uuid.uuid4().hex[:8]}"
    project = tmp_path / name
    project.mkdir()
    (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (project / "__main__.py").write_text(PROGRAM % (TOKEN, "one"))
    stack = auto.create_or_select_stack(
        stack_name="test",
        work_dir=str(project),
        opts=auto.LocalWorkspaceOptions(secrets_provider="passphrase"),
    )
    stack.set_config("containers:platform", auto.ConfigValue("kubernetes"))
    stack.set_config("containers:kubeconfig", auto.ConfigValue(str(local_kubeconfig)))
    namespace = f"{name}-test"
    controller = IngressController(local_kubeconfig, namespace, "backend")
    controller.start()
    try:
        started = time.monotonic()
        up = stack.up()
        print(f"first pulumi up: {time.monotonic() - started:.1f} s")
        assert controller.published
        outputs = {key: value.value for key, value in up.outputs.items()}
        echo_url = f"http://echo.{namespace}.svc.cluster.local:5678"
        assert outputs == {"url": f"http://{INGRESS_ADDRESS}", "echo_internal_url": echo_url}

        echo = get(local_kubeconfig, namespace, "deployment", "echo")
        assert (echo["status"]["availableReplicas"], echo["status"]["readyReplicas"]) == (2, 2)
        backend = get(local_kubeconfig, namespace, "deployment", "backend")
        [container] = backend["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"] == {
            "path": "/healthz",
            "port": "http",
            "scheme": "HTTP",
        }
        env = {item["name"]: item for item in container["env"]}
        assert env["ECHO_URL"]["value"] == echo_url
        assert env["TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "backend-env", "key": "TOKEN"}
        secret = get(local_kubeconfig, namespace, "secret", "backend-env")
        assert base64.b64decode(secret["data"]["TOKEN"]).decode() == TOKEN
        service = get(local_kubeconfig, namespace, "service", "echo")
        assert service["spec"]["ports"][0]["port"] == 5678
        state = (
            Path(urlparse(os.environ["PULUMI_BACKEND_URL"]).path) / ".pulumi" / "stacks" / name / "test.json"
        )
        assert TOKEN not in state.read_text(), "the secret env value must not be in the state file"

        # An update rolls the Deployment, and `up` returns once the new pods are ready.
        generation = backend["metadata"]["generation"]
        (project / "__main__.py").write_text(PROGRAM % (TOKEN, "two"))
        stack.up()
        backend = get(local_kubeconfig, namespace, "deployment", "backend")
        assert backend["metadata"]["generation"] > generation
        assert backend["status"]["observedGeneration"] == backend["metadata"]["generation"]
        assert backend["status"]["updatedReplicas"] == backend["status"]["readyReplicas"] == 1

        # A Deployment deleted by hand: refresh notices, the next up brings it back.
        kubectl(local_kubeconfig, "-n", namespace, "delete", "deployment", "echo", "--wait=true")
        refreshed = stack.refresh()
        assert (refreshed.summary.resource_changes or {}).get(auto.OpType.DELETE, 0) >= 1
        stack.up()
        assert get(local_kubeconfig, namespace, "deployment", "echo")["status"]["availableReplicas"] == 2
    finally:
        stack.destroy()
        stack.workspace.remove_stack("test")
    # Destroy leaves nothing of the stack: its namespace (and everything in it) is gone.
    deadline = time.monotonic() + 120
    while kubectl(local_kubeconfig, "get", "namespace", namespace, check=False).returncode == 0:
        assert time.monotonic() < deadline, f"namespace {namespace} still there after destroy"
        time.sleep(1)
