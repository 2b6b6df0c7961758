# ruff: noqa: E501  (the table reads one case per row; wrapping it would hide which row is which)
"""Bad input, refused at preview: one table of distinct invalid configurations over every component
and the stack config, each run as a program under mocks on the platform it targets.

Each row must raise one `InvalidArgumentError` before the component it names registers anything,
naming the component, the field, the value given and what is allowed, in one sentence. Rows that
need other components first (a load balancer an event attaches to) make them in the program; the
component under test is always named `bad`, and nothing named after it may register.

The rows here go across components; the ContainerWorkload rows by concern (containers, events,
compute, access) are in `tests/support/bad_container_workloads.py`, and run here with these.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi_kubernetes as k8s
import pytest

from components import (
    ApplicationLoadBalancer,
    Cluster,
    ContainerWorkload,
    HttpApiGateway,
    NetworkLoadBalancer,
    Workload,
    testing,
)
from components.spec.errors import InvalidArgumentError
from tests.support.bad_container_workloads import BY_CONCERN
from tests.support.bad_input import AnyOf, Bad
from tests.support.container_workload_args import write_program_folder

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
LONG_NAME = "a" * 54


def wl(**args: Any) -> Callable[[], object]:
    return lambda: Workload("bad", {"image": "nginx:1.27", **args})


def cluster(**args: Any) -> Callable[[], object]:
    return lambda: Cluster("bad", args)


def alb(**args: Any) -> Callable[[], object]:
    return lambda: ApplicationLoadBalancer("bad", args)


def nlb(**args: Any) -> Callable[[], object]:
    return lambda: NetworkLoadBalancer("bad", args)


def gateway(**args: Any) -> Callable[[], object]:
    return lambda: HttpApiGateway("bad", args)


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "web", "image": "nginx:1.27", **fields}


def cw(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "containers": list(containers or [container()]),
        "resources": {"cpu": 0.5, "memory": 1024},
        **fields,
    }


def cwl(*containers: dict[str, Any], **fields: Any) -> Callable[[], object]:
    return lambda: ContainerWorkload("bad", cw(*containers, **fields))


def alb_event(balancer: Any, **fields: Any) -> dict[str, Any]:
    return {
        "type": "application-load-balancer",
        "load_balancer": balancer,
        "container_port": 80,
        "priority": 1,
        **fields,
    }


def behind_alb(fields: dict[str, Any] | None = None, **event: Any) -> Callable[[], object]:
    """A ContainerWorkload whose one container (with `fields`) has an ALB event with `event`'s fields."""

    def program() -> object:
        edge = ApplicationLoadBalancer("edge")
        web = container(events=[alb_event(edge, **event)], **(fields or {}))
        return ContainerWorkload("bad", cw(web))

    return program


def priority_taken() -> object:
    edge = ApplicationLoadBalancer("edge")
    ContainerWorkload("first", cw(container(events=[alb_event(edge, priority=5)])))
    return ContainerWorkload("bad", cw(container(events=[alb_event(edge, priority=5)])))


def priority_taken_twice_in_one() -> object:
    edge = ApplicationLoadBalancer("edge")
    return ContainerWorkload(
        "bad",
        cw(
            container(events=[alb_event(edge, priority=3)]),
            container(name="api", image="api:1", events=[alb_event(edge, priority=3, container_port=3000)]),
        ),
    )


def route_taken() -> object:
    api = HttpApiGateway("api")
    route = {
        "type": "http-api-gateway",
        "http_api_gateway": api,
        "container_port": 80,
        "method": "GET",
        "path": "/x",
    }
    ContainerWorkload("first", cw(container(events=[route])))
    return ContainerWorkload("bad", cw(container(events=[route])))


def nlb_as_alb() -> object:
    edge = NetworkLoadBalancer("edge", {"listeners": [{"port": 8080, "protocol": "TCP"}]})
    return ContainerWorkload("bad", cw(container(events=[alb_event(edge)])))


def connect_to_kubernetes() -> object:
    config_map = k8s.core.v1.ConfigMap("settings")
    return ContainerWorkload("bad", cw(connect_to=[config_map]))


def connect_to_workload() -> object:
    other = Workload("other", {"image": "nginx:1.27", "port": 80})
    return ContainerWorkload("bad", cw(connect_to=[other]))


def needs(name: str) -> dict[str, Any]:
    return {"container_name": name, "condition": "START"}


HEALTH = ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
ECS = "ecs"
EKS = "eks"
W, CL, CWL = "Workload", "Cluster", "ContainerWorkload"
ALB, NLB, GW = "ApplicationLoadBalancer", "NetworkLoadBalancer", "HttpApiGateway"
TOO_BIG_FOR_A_LABEL = "x" * 64
DIGEST = "sha256:" + "a" * 64
LONG_TAG = "1" * 129
SHA512 = "sha512:" + "a" * 128  # Docker and the kubelet pull it; ECS takes only sha256
ECS_TOO_LONG = f"registry.example.com/{'a' * 200}:{'1' * 34}"  # 256: Docker allows a longer name and tag
INGRESS_IMAGE = "containers:simIngressImage (stack config)"
PROBER_IMAGE = "containers:simProberImage (stack config)"
# fmt: off
ACROSS: list[Bad] = [
    # ---- Workload: types
    Bad("image a number", W, "image", 5, "registry reference", wl(image=5)),
    Bad("name a number", W, "name", 5, "DNS-1123", wl(name=5)),
    Bad("port a string", W, "port", "80", "integer from 1 to 65535", wl(port="80")),
    Bad("port a bool", W, "port", True, "integer from 1 to 65535", wl(port=True)),
    Bad("public a dict", W, "public", {"yes": True}, "true or false", wl(port=80, public={"yes": True})),
    Bad("public a string", W, "public", "true", "true or false", wl(port=80, public="true")),
    Bad("readiness a number", W, "readiness", 200, "HTTP path", wl(port=80, readiness=200)),
    Bad("replicas a string", W, "replicas", "3", "integer from 1 to 1000", wl(replicas="3")),
    Bad("args a string", W, "args", "--serve", "list of strings", wl(args="--serve")),
    Bad("an arg a number", W, "args[0]", 8080, "string", wl(args=[8080])),
    Bad("env a list", W, "env", ["A=1"], "dict of variable names", wl(env=["A=1"])),
    Bad("env value a number", W, "env.PORT", 8080, 'quote numbers', wl(env={"PORT": 8080})),
    Bad("env name with a dash", W, "env", "MY-VAR", "letters, digits and '_'", wl(env={"MY-VAR": "x"})),
    Bad("resources a number", W, "resources", 2, "a dict with the keys cpu, memory", wl(resources=2)),
    Bad("cpu a string", W, "resources.cpu", "1", "number of vCPUs", wl(resources={"cpu": "1"})),
    Bad("domain a string", W, "domain", "api.example.com", "dict", wl(port=80, public=True, domain="api.example.com")),
    Bad("sources a string", W, "sources", "**/*", "only when 'image' is a local folder", wl(sources="**/*")),
    # ---- image references (Docker's and the kubelet's grammar, refused before any pull)
    Bad("image with capitals", W, "image", "Nginx:1.27", "lowercase letters and digits", wl(image="Nginx:1.27")),
    Bad("image with a space", W, "image", "nginx 1.27", "registry reference", wl(image="nginx 1.27")),
    Bad("image with an empty tag", W, "image", "nginx:", "optional ':tag'", wl(image="nginx:")),
    Bad("image tag of 129 characters", W, "image", f"nginx:{LONG_TAG}", "at most 128", wl(image=f"nginx:{LONG_TAG}")),
    Bad("image tag starting with '-'", W, "image", "nginx:-rc1", "not starting with '.' or '-'", wl(image="nginx:-rc1")),
    Bad("image given as a URL", W, "image", "https://ghcr.io/team/api:1", "host[:port]/",
        wl(image="https://ghcr.io/team/api:1")),
    Bad("image folder without './'", W, "image", "backend/", "starting with './' or '/'", wl(image="backend/")),
    Bad("image digest too short", W, "image", "nginx@sha256:abc", "64 hex digits", wl(image="nginx@sha256:abc")),
    Bad("image of 256 characters on ecs", W, "image", ECS_TOO_LONG, "at most 255 characters before any '@'",
        wl(image=ECS_TOO_LONG), ECS),
    Bad("image digest sha512 on ecs", W, "image", f"nginx@{SHA512}", "a digest only of sha256",
        wl(image=f"nginx@{SHA512}"), ECS),
    Bad("container image with capitals", CWL, "containers[0].image", "Redis:7", "lowercase letters and digits",
        cwl(container(image="Redis:7")), ECS),
    Bad("container image ending in ':'", CWL, "containers[0].image", "image:", "optional ':tag'",
        cwl(container(image="image:"))),
    Bad("container image with two tags", CWL, "containers[0].image", "redis:7:alpine", "registry reference",
        cwl(container(image="redis:7:alpine")), ECS),
    Bad("container image digest in capitals", CWL, "containers[0].image", f"nginx@{DIGEST.upper()}", "64 hex digits",
        cwl(container(image=f"nginx@{DIGEST.upper()}")), ECS),
    Bad("container image an absolute folder", CWL, "containers[0].image", "/srv/web", "use 'build'",
        cwl(container(image="/srv/web"))),
    # ---- Workload: limits
    Bad("port 0", W, "port", 0, "integer from 1 to 65535", wl(port=0)),
    Bad("port 65536", W, "port", 65536, "integer from 1 to 65535", wl(port=65536)),
    Bad("name longer than Helm allows", W, "name", LONG_NAME, "at most 53 characters", wl(name=LONG_NAME)),
    Bad("name with capitals", W, "name", "Web", "lowercase letters", wl(name="Web")),
    Bad("name ending in a dash", W, "name", "web-", "ending with a letter or digit", wl(name="web-")),
    Bad("resource name not a DNS label", W, "name (defaults to the resource name)", "My_App", "DNS-1123",
        lambda: Workload("My_App", {"image": "nginx:1.27"}), resource="My_App"),
    Bad("replicas 0", W, "replicas", 0, "integer from 1 to 1000", wl(replicas=0)),
    Bad("replicas 1001", W, "replicas", 1001, "integer from 1 to 1000", wl(replicas=1001)),
    Bad("cpu 0", W, "resources.cpu", 0, "greater than 0", wl(resources={"cpu": 0})),
    Bad("memory 5 MiB", W, "resources.memory", 5, "integer from 6", wl(resources={"memory": 5})),
    Bad("scaling min above max", W, "scaling.min_instances", 5, "at most max_instances (2)",
        wl(scaling={"min_instances": 5, "max_instances": 2})),
    Bad("scaling min 0", W, "scaling.min_instances", 0, "integer from 1", wl(scaling={"min_instances": 0})),
    Bad("cpu target 101", W, "scaling.scaling_policy.keep_avg_cpu_utilization_under", 101, "from 1 to 100",
        wl(scaling={"scaling_policy": {"keep_avg_cpu_utilization_under": 101}})),
    Bad("more memory than any Fargate task", W, "resources", {"cpu": None, "memory": 131072},
        "at most 16 vCPU and 122880 MiB", wl(resources={"memory": 131072}), ECS),
    Bad("resource name too long for its IAM roles on ecs", W, "name (the resource name)", "w" * 42, "at most 41",
        lambda: Workload("w" * 42, {"image": "nginx:1.27"}), ECS, resource="w" * 42),
    Bad("beyond the largest Fargate task", W, "resources", {"cpu": 32, "memory": None},
        "at most 16 vCPU", wl(resources={"cpu": 32}), ECS),
    # ---- Workload: conflicts
    Bad("public without a port", W, "public", True, "only together with 'port'", wl(public=True)),
    Bad("readiness without a port", W, "readiness", "/healthz", "only together with 'port'", wl(readiness="/healthz")),
    Bad("readiness not a path", W, "readiness", "healthz", "starting with '/'", wl(port=80, readiness="healthz")),
    Bad("domain on a private workload", W, "domain", {"host": "api.example.com"}, "public: true",
        wl(port=80, domain={"host": "api.example.com"})),
    Bad("domain certificate not an ARN", W, "domain.certificate_arn", "my-cert", "ACM certificate ARN",
        wl(port=80, public=True, domain={"host": "api.example.com", "certificate_arn": "my-cert"})),
    Bad("read-only root a string", W, "read_only_root_filesystem", "yes", "true or false",
        wl(read_only_root_filesystem="yes")),
    Bad("run as root", W, "run_as_user", 0, "an integer user id from 1 to 2147483647", wl(run_as_user=0)),
    Bad("run_as_user a string", W, "run_as_user", "1000", "an integer user id", wl(run_as_user="1000")),
    # ---- Workload: misspelt keys
    Bad("replica", W, "replica", 3, "did you mean `replicas`?", wl(replica=3)),
    Bad("imag", W, "imag", "nginx", "did you mean `image`?", lambda: Workload("bad", {"imag": "nginx"})),
    Bad("resources.cpus", W, "resources.cpus", 1, "did you mean `cpu`?", wl(resources={"cpus": 1})),
    Bad("run_as_uid", W, "run_as_uid", 1000, "did you mean `run_as_user`?", wl(run_as_uid=1000)),
    Bad("scaling.max_instance", W, "scaling.max_instance", 3, "did you mean `max_instances`?",
        wl(scaling={"max_instance": 3})),
    # ---- stack config
    Bad("unknown platform", W, "containers:platform (stack config)", "aws", "sim, eks, ecs", wl(),
        config={"containers:platform": "aws"}),
    Bad("misspelt platform key", W, "containers:plaform (stack config)", "eks",
        "did you mean `containers:platform`?", wl(), config={"containers:plaform": "eks"}),
    Bad("misspelt readiness timeout key", W, "containers:readinessTimeout (stack config)", "30",
        "did you mean `containers:readinessTimeoutSeconds`?", wl(), config={"containers:readinessTimeout": "30"}),
    Bad("readiness timeout not a number", W, "containers:readinessTimeoutSeconds (stack config)", "soon",
        "number from 1 to 3600", wl(), config={"containers:readinessTimeoutSeconds": "soon"}),
    Bad("readiness timeout 0", W, "containers:readinessTimeoutSeconds (stack config)", 0.0,
        "number from 1 to 3600", wl(), config={"containers:readinessTimeoutSeconds": "0"}),
    Bad("readiness timeout over an hour", W, "containers:readinessTimeoutSeconds (stack config)", 3601.0,
        "number from 1 to 3600", wl(), config={"containers:readinessTimeoutSeconds": "3601"}),
    Bad("ingress image with capitals", W, INGRESS_IMAGE, "HAProxy:3.2", "lowercase letters and digits", wl(),
        config={"containers:simIngressImage": "HAProxy:3.2"}),
    Bad("ingress image tag of 129 characters", W, INGRESS_IMAGE, f"haproxy:{LONG_TAG}", "at most 128", wl(),
        config={"containers:simIngressImage": f"haproxy:{LONG_TAG}"}),
    Bad("prober image with an empty tag", W, PROBER_IMAGE, "busybox:", "optional ':tag'", wl(),
        config={"containers:simProberImage": "busybox:"}),
    Bad("prober image with a space", W, PROBER_IMAGE, "busybox 1.36", "registry reference", wl(),
        config={"containers:simProberImage": "busybox 1.36"}),
    Bad("unknown probe origin", W, "containers:simProbeFrom (stack config)", "container", "auto, host, network",
        wl(), config={"containers:simProbeFrom": "container"}),
    Bad("eks cluster without endpoint", CL, "containers:eks (stack config).endpoint", None, "existing EKS cluster",
        cluster(), EKS, {"containers:eks": '{"clusterName": "prod", "certificate": "Y2E="}'}),
    Bad("eks endpoint over http", CL, "containers:eks (stack config).endpoint", "http://k8s.example.com",
        "https:// API endpoint", cluster(), EKS,
        {"containers:eks": '{"clusterName": "p", "endpoint": "http://k8s.example.com", "certificate": "Y2E="}'}),
    Bad("eks cluster key misspelt", CL, "containers:eks (stack config).cluster_name", "p",
        "did you mean `clusterName`?", cluster(), EKS,
        {"containers:eks": '{"cluster_name": "p", "endpoint": "https://k", "certificate": "Y2E="}'}),
    Bad("eks cluster a string", CL, "containers:eks (stack config)", "prod", "a dict with the keys clusterName",
        cluster(), EKS, {"containers:eks": '"prod"'}),
    # ---- Cluster
    Bad("cluster args a list", CL, "", ["vpc"], "a dict with the keys", lambda: Cluster("bad", ["vpc"])),
    Bad("vpc_cidrs", CL, "vpc_cidrs", "10.0.0.0/16", "did you mean `vpc_cidr`?", cluster(vpc_cidrs="10.0.0.0/16")),
    Bad("vpc_cidr a number", CL, "vpc_cidr", 10, "CIDR form", cluster(vpc_cidr=10), ECS),
    Bad("vpc_cidr not a CIDR", CL, "vpc_cidr", "10.0.0.300/16", "CIDR form", cluster(vpc_cidr="10.0.0.300/16"), ECS),
    Bad("vpc larger than AWS allows", CL, "vpc_cidr", "10.0.0.0/8", "from /16 to /24", cluster(vpc_cidr="10.0.0.0/8"), ECS),
    Bad("vpc too small for ecs subnets", CL, "vpc_cidr", "10.0.0.0/25", "from /16 to /24",
        cluster(vpc_cidr="10.0.0.0/25"), ECS),
    Bad("vpc too small for eks pods", CL, "vpc_cidr", "10.0.0.0/21", "from /16 to /20", cluster(vpc_cidr="10.0.0.0/21"), EKS),
    Bad("one availability zone", CL, "availability_zones", 1, "integer from 2 to 6", cluster(availability_zones=1), ECS),
    Bad("seven availability zones", CL, "availability_zones", 7, "integer from 2 to 6", cluster(availability_zones=7), ECS),
    Bad("unknown NAT strategy", CL, "nat_gateways", "Double", "None, Single, OnePerAz", cluster(nat_gateways="Double"), ECS),
    Bad("eks without NAT", CL, "nat_gateways", "None", "Single, OnePerAz", cluster(nat_gateways="None"), EKS),
    Bad("kubernetes version a number", CL, "kubernetes_version", 1.35, "non-empty string", cluster(kubernetes_version=1.35), EKS),
    Bad("kubernetes version a patch", CL, "kubernetes_version", "1.35.2", "minor version", cluster(kubernetes_version="1.35.2"), EKS),
    Bad("instance types a string", CL, "node_instance_types", "t3.medium", "list of EC2 instance type names",
        cluster(node_instance_types="t3.medium"), EKS),
    Bad("no instance types", CL, "node_instance_types", [], "non-empty list", cluster(node_instance_types=[]), EKS),
    Bad("beyond the node group quota", CL, "max_nodes", 451, "integer from 1 to 450", cluster(max_nodes=451), EKS),
    Bad("min nodes above max", CL, "min_nodes", 5, "integer from 0 to 3", cluster(min_nodes=5, max_nodes=3), EKS),
    Bad("desired nodes above max", CL, "desired_nodes", 9, "integer from 1 to 3", cluster(desired_nodes=9), EKS),
    Bad("nodes with fargate", CL, "desired_nodes", 2, "nothing when fargate is true", cluster(fargate=True, desired_nodes=2), EKS),
    Bad("fargate a string", CL, "fargate", "yes", "true or false", cluster(fargate="yes"), EKS),
    Bad("controller a dict", CL, "load_balancer_controller", {"enabled": True}, "true or false",
        cluster(load_balancer_controller={"enabled": True}), EKS),
    # ---- ApplicationLoadBalancer
    Bad("listener port 0", ALB, "listeners[0].port", 0, "integer from 1 to 65535",
        alb(listeners=[{"port": 0, "protocol": "HTTP"}]), ECS),
    Bad("listener port 65536", ALB, "listeners[0].port", 65536, "integer from 1 to 65535",
        alb(listeners=[{"port": 65536, "protocol": "HTTP"}]), ECS),
    Bad("listener port a string", ALB, "listeners[0].port", "80", "integer from 1 to 65535",
        alb(listeners=[{"port": "80", "protocol": "HTTP"}]), ECS),
    Bad("listeners a dict", ALB, "listeners", {"port": 80, "protocol": "HTTP"}, "non-empty list of listener dicts",
        alb(listeners={"port": 80, "protocol": "HTTP"}), ECS),
    Bad("no listeners", ALB, "listeners", [], "non-empty list", alb(listeners=[]), ECS),
    Bad("listener without protocol", ALB, "listeners[0].protocol", None, "'protocol' is required",
        alb(listeners=[{"port": 80}]), ECS),
    Bad("certificate on a plain HTTP listener", ALB, "listeners[0].certificate_arn", CERTIFICATE, "no certificate",
        alb(listeners=[{"port": 80, "protocol": "HTTP", "certificate_arn": CERTIFICATE}]), ECS),
    Bad("certificate of another service", ALB, "certificate_arn", "arn:aws:iam::123456789012:server-certificate/x",
        "ACM certificate ARN", alb(certificate_arn="arn:aws:iam::123456789012:server-certificate/x"), ECS),
    Bad("internal a string", ALB, "internal", "no", "true or false", alb(internal="no"), ECS),
    Bad("domain label over 63 characters", ALB, "domain.host", f"{TOO_BIG_FOR_A_LABEL}.example.com", "host name",
        alb(domain={"host": f"{TOO_BIG_FOR_A_LABEL}.example.com"}), ECS),
    Bad("listener misspelt", ALB, "listener", [], "did you mean `listeners`?", alb(listener=[]), ECS),
    Bad("two listeners on one port", ALB, "listeners[1].port", 80, "a port no other listener of this load balancer uses",
        alb(listeners=[{"port": 80, "protocol": "HTTP"}, {"port": 80, "protocol": "HTTP"}]), ECS),
    Bad("ALB speaking TCP", ALB, "listeners[0].protocol", "TCP", "HTTP, HTTPS",
        alb(listeners=[{"port": 80, "protocol": "TCP"}]), ECS),
    Bad("ALB on eks", ALB, "containers:platform (stack config)", "eks", "ecs or sim", alb(), EKS),
    Bad("HttpApiGateway on eks", GW, "containers:platform (stack config)", "eks", "ecs or sim", gateway(), EKS),
    # ---- NetworkLoadBalancer
    Bad("NLB without listeners", NLB, "listeners", None, "'listeners' is required", nlb(), ECS),
    Bad("NLB speaking HTTP", NLB, "listeners[0].protocol", "HTTP", "TCP, TLS",
        nlb(listeners=[{"port": 80, "protocol": "HTTP"}]), ECS),
    Bad("TLS without a certificate", NLB, "listeners[0].certificate_arn", None, "ACM certificate ARN for TLS",
        nlb(listeners=[{"port": 443, "protocol": "TLS"}]), ECS),
    Bad("NLB listener port 0", NLB, "listeners[0].port", 0, "integer from 1 to 65535",
        nlb(listeners=[{"port": 0, "protocol": "TCP"}]), ECS),
    Bad("NLB listener key misspelt", NLB, "listeners[0].proto", "TCP", "did you mean `protocol`?",
        nlb(listeners=[{"port": 80, "proto": "TCP"}]), ECS),
    # ---- HttpApiGateway
    Bad("gateway domain without certificate", GW, "certificate_arn", None, "API Gateway serves custom domains over TLS",
        gateway(domain={"host": "api.example.com"}), ECS),
    Bad("gateway certificate a number", GW, "certificate_arn", 5, "ACM certificate ARN", gateway(certificate_arn=5), ECS),
    Bad("gateway domain misspelt", GW, "domian", {"host": "api.example.com"}, "did you mean `domain`?",
        gateway(domian={"host": "api.example.com"}), ECS),
    Bad("gateway zone id a number", GW, "domain.zone_id", 5, "Route 53 hosted zone id",
        gateway(certificate_arn=CERTIFICATE, domain={"host": "api.example.com", "zone_id": 5}), ECS),
    # ---- ContainerWorkload
    Bad("Fargate: 1 vCPU with 512 MiB", CWL, "resources.memory", 512, "2048", cwl(resources={"cpu": 1, "memory": 512}), ECS),
    Bad("Fargate: 3 vCPU", CWL, "resources.cpu", 3, "0.25, 0.5, 1, 2, 4, 8, 16", cwl(resources={"cpu": 3, "memory": 8192}), ECS),
    Bad("duplicate container names", CWL, "containers[1].name", "web", "no other container",
        cwl(container(), container(image="api:1")), ECS),
    Bad("depends_on a container that does not exist", CWL, "containers[0].depends_on[0].container_name", "db",
        "another container of this workload: (none)", cwl(container(depends_on=[needs("db")])), ECS),
    Bad("depends_on itself", CWL, "containers[0].depends_on[0].container_name", "web", "another container",
        cwl(container(depends_on=[needs("web")])), ECS),
    Bad("depends_on in a cycle", CWL, "containers[0].depends_on", "web -> api -> web", "without a cycle",
        cwl(container(depends_on=[needs("api")]), container(name="api", image="api:1", depends_on=[needs("web")])), ECS),
    Bad("depends_on condition READY", CWL, "containers[0].depends_on[0].condition", "READY", "START, HEALTHY, COMPLETE, SUCCESS",
        cwl(container(depends_on=[{"container_name": "web", "condition": "READY"}])), ECS),
    Bad("unknown event type", CWL, "containers[0].events[0].type", "sqs", "application-load-balancer",
        cwl(container(events=[{"type": "sqs", "container_port": 80}])), ECS),
    Bad("ALB method FETCH", CWL, "containers[0].events[0].methods[0]", "FETCH", "GET, HEAD, POST",
        behind_alb(methods=["FETCH"]), ECS),
    Bad("ALB source ip without a prefix", CWL, "containers[0].events[0].source_ips[0]", "1.2.3.4", "a CIDR block",
        behind_alb(source_ips=["1.2.3.4"]), ECS),
    Bad("service-connect alias not a DNS label", CWL, "containers[0].events[0].alias", "Bad_Alias!", "lowercase letters",
        cwl(container(events=[{"type": "service-connect", "container_port": 80, "alias": "Bad_Alias!"}])), ECS),
    Bad("container run_as_user beyond 32 bits", CWL, "containers[0].run_as_user", 2**31, "an integer user id from 1 to 2147483647",
        cwl(container(run_as_user=2**31)), ECS),
    Bad("read-only root with remote sessions", CWL, "containers[0].read_only_root_filesystem", True,
        "false while enable_remote_sessions is true", cwl(container(read_only_root_filesystem=True), enable_remote_sessions=True), ECS),
    Bad("container name with a space", CWL, "containers[0].name", "my web", "letters",
        cwl(container(name="my web")), ECS),
    Bad("container name over 50 characters", CWL, "containers[0].name", "c" * 51, "at most 50 characters",
        cwl(container(name="c" * 51)), ECS),
    Bad("resource name with a space", CWL, "name (the resource name)", "my api", "letters, digits, '-' and '_'",
        lambda: ContainerWorkload("my api", cw()), ECS, resource="my api"),
    Bad("resource name too long for its IAM roles", CWL, "name (the resource name)", "c" * 42, "at most 41",
        lambda: ContainerWorkload("c" * 42, cw()), ECS, resource="c" * 42),
    Bad("ALB priority 0", CWL, "containers[0].events[0].priority", 0, "integer from 1 to 50000", behind_alb(priority=0), ECS),
    Bad("ALB priority 50001", CWL, "containers[0].events[0].priority", 50001, "integer from 1 to 50000",
        behind_alb(priority=50001), ECS),
    Bad("ALB priority another workload holds", CWL, "containers[0].events[0].priority", 5, "priority 5 on listener 80",
        priority_taken, ECS),
    Bad("route another workload holds (sim)", CWL, "containers[0].events[0].path", "GET /x", "GET /x is first's", route_taken),
    Bad("route another workload holds (ecs)", CWL, "containers[0].events[0].path", "GET /x", "GET /x is first's", route_taken, ECS),
    Bad("ALB priority twice in one workload", CWL, "containers[1].events[0].priority", 3, "already used by containers[0].events[0].priority",
        priority_taken_twice_in_one, ECS),
    Bad("listener the balancer does not have", CWL, "containers[0].events[0].listener_port", 8443, "listener port of edge: 80",
        behind_alb(listener_port=8443), ECS),
    Bad("container port 0", CWL, "containers[0].events[0].container_port", 0, "1 to 65535", behind_alb(container_port=0), ECS),
    Bad("ALB event on an NLB", CWL, "containers[0].events[0].load_balancer", AnyOf(NetworkLoadBalancer),
        "an ApplicationLoadBalancer", nlb_as_alb, ECS),
    Bad("connect_to a Kubernetes object", CWL, "connect_to[0]", AnyOf(k8s.core.v1.ConfigMap), "aws.s3.Bucket",
        connect_to_kubernetes, ECS),
    Bad("connect_to a Workload", CWL, "connect_to[0]", AnyOf(Workload), "a ContainerWorkload", connect_to_workload, ECS),
    Bad("health check interval 4 s", CWL, "containers[0].internal_health_check.interval_seconds", 4, "5 to 300",
        cwl(container(internal_health_check={"health_check_command": HEALTH, "interval_seconds": 4})), ECS),
    Bad("health check retries 11", CWL, "containers[0].internal_health_check.retries", 11, "1 to 10",
        cwl(container(internal_health_check={"health_check_command": HEALTH, "retries": 11})), ECS),
    Bad("health check command a string", CWL, "containers[0].internal_health_check.health_check_command",
        "curl localhost", "list", cwl(container(internal_health_check={"health_check_command": "curl localhost"})), ECS),
    Bad("target group interval 301 s", CWL, "containers[0].load_balancer_health_check.interval_seconds", 301,
        "5 to 300", behind_alb({"load_balancer_health_check": {"interval_seconds": 301}}), ECS),
    Bad("target group health check without a balancer", CWL, "containers[0].load_balancer_health_check",
        {"path": "/healthz"}, "event", cwl(container(load_balancer_health_check={"path": "/healthz"})), ECS),
    Bad("stop timeout 121 s", CWL, "containers[0].stop_timeout", 121, "2 to 120", cwl(container(stop_timeout=121)), ECS),
    Bad("log retention 4 days", CWL, "containers[0].logging.retention_days", 4, "1, 3, 5, 7",
        cwl(container(logging={"retention_days": 4})), ECS),
    Bad("environment misspelt", CWL, "containers[0].enviroment", {"A": "1"}, "did you mean `environment`?",
        cwl(container(enviroment={"A": "1"})), ECS),
    Bad("environment value a list", CWL, "containers[0].environment.PORTS", [80, 443], "a string, number, boolean",
        cwl(container(environment={"PORTS": [80, 443]})), ECS),
    Bad("essential a dict", CWL, "containers[0].essential", {"yes": True}, "true or false",
        cwl(container(essential={"yes": True})), ECS),
    Bad("ContainerWorkload scaling min above max", CWL, "scaling.min_instances", 4, "at most",
        cwl(scaling={"min_instances": 4, "max_instances": 2}), ECS),
    Bad("container image digest sha512 on ecs", CWL, "containers[0].image", f"nginx@{SHA512}", "only of sha256",
        cwl(container(image=f"nginx@{SHA512}")), ECS),
    Bad("ContainerWorkload on eks", CWL, "containers:platform (stack config)", "eks", "ecs or sim", cwl(), EKS),
    # ---- what sim cannot run: one clear error, never silence
    Bad("EFS volume on sim", CWL, "containers[0].volume_mounts", ["web-efs-0"], "EFS file systems exist only in AWS",
        cwl(container(volume_mounts=[{"type": "efs", "efs_filesystem": object(), "mount_path": "/data"}]))),
    Bad("connect_to a Workload on sim", CWL, "connect_to[0]", AnyOf(Workload), "AWS buckets, tables",
        connect_to_workload),
]
# fmt: on
BAD: list[Bad] = [*ACROSS, *BY_CONCERN]


@pytest.fixture(autouse=True)
def program_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each program runs in a Pulumi program folder with a build context at ./app."""
    write_program_folder(tmp_path)
    monkeypatch.chdir(tmp_path)


def run_refused(case: Bad) -> tuple[InvalidArgumentError, list[testing.Registration]]:
    mocks = testing.use_mocks(case.platform, case.config, project="containers", stack="unit")
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(case.program)
    return caught.value, mocks.registered()


def test_the_table_holds_at_least_80_distinct_mistakes() -> None:
    assert len({case.case for case in BAD}) == len(BAD)
    # the same field and value under another rule (warm pool on Fargate, or with two instance
    # types) is another mistake
    distinct = {
        (case.component, case.field, repr(case.value), repr(case.allowed), case.platform, str(case.config))
        for case in BAD
    }
    assert len(distinct) == len(BAD) >= 80
    assert {case.component for case in BAD} == {W, CL, CWL, ALB, NLB, GW}


@pytest.mark.parametrize("case", BAD, ids=[case.case for case in BAD])
def test_bad_input_is_refused_before_anything_registers(case: Bad) -> None:
    error, registered = run_refused(case)
    assert (error.component, error.resource, error.field) == (case.component, case.resource, case.field)
    assert case.value == error.value
    for fragment in (case.allowed,) if isinstance(case.allowed, str) else case.allowed:
        assert fragment in error.allowed
    # nothing of the refused component: no resource named after it, none under it
    assert [
        r.name for r in registered if r.name.startswith(error.resource) or r.parent == error.resource
    ] == []
    message = str(error)
    assert message == (
        f'{case.component} "{error.resource}": field "{case.field}" got '
        f"{message.split(' got ', 1)[1].rsplit('; allowed: ', 1)[0]}; allowed: {error.allowed}."
    )
    assert "\n" not in message and message.endswith(".")
    assert not re.search(r"[.;:!?] [A-Z][a-z]", message.split("; allowed: ", 1)[1]), "one sentence"
