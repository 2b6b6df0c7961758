"""What the tests on the local Kubernetes control plane (scripts/local-kubernetes.sh) share: kubectl
against its kubeconfig, a Pulumi project made for one test, and the one simulated part, an ingress
controller's status update (no controller can run without real pods)."""

import json
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from pulumi import automation as auto


def kubectl(kubeconfig: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["kubectl", "--kubeconfig", str(kubeconfig), *args], capture_output=True, text=True, timeout=60
    )
    if check:
        assert done.returncode == 0, f"kubectl {' '.join(args)}: {done.stderr}"
    return done


def get(kubeconfig: Path, namespace: str, kind: str, name: str) -> dict[str, Any]:
    return json.loads(kubectl(kubeconfig, "-n", namespace, "get", kind, name, "-o", "json").stdout)


def new_stack(folder: Path, program: str, config: dict[str, str]) -> auto.Stack:
    """A stack `test` of a new Python project (a unique name) in `folder`, running `program`."""
    name = f"k8s{uuid.uuid4().hex[:8]}"
    project = folder / name
    project.mkdir()
    (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (project / "__main__.py").write_text(program)
    stack = auto.create_or_select_stack(
        stack_name="test",
        work_dir=str(project),
        opts=auto.LocalWorkspaceOptions(secrets_provider="passphrase"),
    )
    for key, value in config.items():
        stack.set_config(key, auto.ConfigValue(value))
    return stack


def wait_until_gone(kubeconfig: Path, kind: str, name: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while kubectl(kubeconfig, "get", kind, name, check=False).returncode == 0:
        assert time.monotonic() < deadline, f"{kind} {name} still there after {seconds} s"
        time.sleep(1)


class IngressController(threading.Thread):
    """Does the one thing an ingress controller does that the tests need: once the Ingress exists,
    publish `address` (e.g. {"ip": "127.0.0.1"}, or the {"hostname": ...} of an ALB) in its status.
    Bounded: gives up after `seconds`."""

    def __init__(
        self, kubeconfig: Path, namespace: str, name: str, address: dict[str, str], seconds: float = 300
    ) -> None:
        super().__init__(daemon=True)
        self.kubeconfig, self.namespace, self.name, self.seconds = kubeconfig, namespace, name, seconds
        self.status = json.dumps({"status": {"loadBalancer": {"ingress": [address]}}})
        self.published = False

    def run(self) -> None:
        deadline = time.monotonic() + self.seconds
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
                self.status,
                check=False,
            )
            if patched.returncode == 0:
                self.published = True
                return
            time.sleep(1)
