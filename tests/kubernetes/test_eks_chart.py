"""The eks platform's Workload applied for real: its chart (the AWS Load Balancer Controller's
Ingress, the namespace's pod-readiness-gate label, the chart's objects and Pulumi's waits) through
the real pulumi-kubernetes provider into the local API server (scripts/local-kubernetes.sh).

What cannot run here: the EKS cluster itself, its IAM and the `aws` invokes (no AWS, and no
pulumi-aws plugin on this machine), so the program hands `components.platforms.eks.workload`
the Kubernetes provider and namespace an eks Cluster gives its workloads, made against the local
API server; and the AWS Load Balancer Controller, whose one effect the test needs (the ALB's host
name in the Ingress status) the test publishes itself.
"""

import json
import uuid
from pathlib import Path

import pytest

from components.platforms.eks.cluster import NAMESPACE_LABELS
from components.render.helm.ingress import ALB_CLASS
from tests.support.local_kubernetes import IngressController, get, kubectl, new_stack, wait_until_gone

pytestmark = pytest.mark.k8s

ALB_HOSTNAME = "k8s-web-0123456789.us-east-1.elb.amazonaws.com"
PROGRAM = """\
from types import SimpleNamespace

import pulumi
import pulumi_kubernetes as k8s

from components.platforms.eks.cluster import NAMESPACE_LABELS
from components.platforms.eks.workload import deploy_workload
from components.spec.stack_config import read_stack_config
from components.spec.workload import parse_workload

provider = k8s.Provider("local", kubeconfig=open(%(kubeconfig)r).read())
namespace = k8s.core.v1.Namespace(
    "namespace",
    metadata={"name": %(namespace)r, "labels": NAMESPACE_LABELS},
    opts=pulumi.ResourceOptions(provider=provider),
)
# What an existing EKS cluster (containers:eks) gives its workloads: no controller or metrics
# server made by this stack.
cluster = SimpleNamespace(resources={
    "provider": provider, "namespace": namespace,
    "eks_cluster": None, "load_balancer_controller": None, "metrics_server": None,
})
spec = parse_workload("web", {"image": "nginx:1.27", "port": 8080, "public": True, "replicas": 2,
                              "readiness": "/ready", "env": {"GREETING": "hi"}})
parent = pulumi.ComponentResource("containers:index:Workload", "web")
outputs = deploy_workload(parent, spec, cluster, read_stack_config("Workload", "web"))
pulumi.export("url", outputs.public_url)
pulumi.export("internal_url", outputs.internal_url)
"""


def test_the_eks_workload_chart_deploys_through_the_real_provider(
    local_kubeconfig: Path, tmp_path: Path
) -> None:
    namespace = f"eks-{uuid.uuid4().hex[:8]}"
    stack = new_stack(
        tmp_path,
        PROGRAM % {"kubeconfig": str(local_kubeconfig), "namespace": namespace},
        {"containers:platform": "eks", "aws:region": "us-east-1"},
    )
    controller = IngressController(local_kubeconfig, namespace, "web", {"hostname": ALB_HOSTNAME})
    controller.start()
    try:
        outputs = {key: value.value for key, value in stack.up().outputs.items()}
        assert controller.published
        assert outputs == {
            "url": f"http://{ALB_HOSTNAME}",
            "internal_url": f"http://web.{namespace}.svc.cluster.local:8080",
        }
        namespace_object = json.loads(
            kubectl(local_kubeconfig, "get", "namespace", namespace, "-o", "json").stdout
        )
        assert namespace_object["metadata"]["labels"].items() >= NAMESPACE_LABELS.items()
        deployment = get(local_kubeconfig, namespace, "deployment", "web")
        assert deployment["status"]["availableReplicas"] == 2
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        ingress = get(local_kubeconfig, namespace, "ingress", "web")
        assert ingress["spec"]["ingressClassName"] == ALB_CLASS
        annotations = ingress["metadata"]["annotations"]
        # The ALB health-checks where the pods are ready, with the probe's success codes.
        assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/ready"
        assert annotations["alb.ingress.kubernetes.io/success-codes"] == "200-399"
        assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    finally:
        stack.destroy()
        stack.workspace.remove_stack("test")
    wait_until_gone(local_kubeconfig, "namespace", namespace)
