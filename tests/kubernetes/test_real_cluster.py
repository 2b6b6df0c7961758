"""The kubernetes platform for real: `pulumi up`, `refresh` and `destroy` through the real
pulumi-kubernetes provider plugin against a real Kubernetes API server on 127.0.0.1
(scripts/local-kubernetes.sh: etcd, kube-apiserver, controller-manager, scheduler, and kwok, whose
node runs pods to Running and Ready without a container runtime).

Part of `make test`; alone: `make test-kubernetes` (marker `k8s`; both build what they need). The one
simulated part: no ingress controller can run without real pods, so the test publishes the Ingress's
address in its status, as a controller would, while `pulumi up` waits for it.

The app is the microservices example's shape (a private echo called by a public backend through its
internal URL, plus a secret), with registry references for both images: building `./backend` needs
the pulumi-docker-build plugin and a registry, which this machine does not have.
"""

import base64
import os
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pulumi import automation as auto

from tests.support.local_kubernetes import IngressController, get, kubectl, new_stack, wait_until_gone

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


def test_the_app_deploys_updates_refreshes_and_destroys_on_a_real_api_server(
    local_kubeconfig: Path, tmp_path: Path
) -> None:
    stack = new_stack(
        tmp_path,
        PROGRAM % (TOKEN, "one"),
        {"containers:platform": "kubernetes", "containers:kubeconfig": str(local_kubeconfig)},
    )
    project = Path(stack.workspace.work_dir)
    name = stack.workspace.project_settings().name
    namespace = f"{name}-test"
    controller = IngressController(local_kubeconfig, namespace, "backend", {"ip": INGRESS_ADDRESS})
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
    wait_until_gone(local_kubeconfig, "namespace", namespace)
