"""Unit-test your own Pulumi programs that use these components, on every platform, without a cloud.

Pulumi's testing guide runs a program against mocks that answer for the engine. Stock mocks echo
each resource's inputs as its outputs, which is not enough for these components: their wiring goes
through outputs only a provider computes (ARNs, subnet ids, the Ingress a Helm chart created, the
URL of a sim container). `Mocks` makes those up, in the shape the real providers give them, so every
output of every component resolves to a value of the real shape::

    import pulumi
    from components import testing

    mocks = testing.use_mocks("eks")          # before the program's resources are created

    def test_backend_is_public() -> None:
        from components import Workload
        web = Workload("web", {"image": "nginx", "port": 80, "public": True})

        @pulumi.runtime.test
        def check() -> pulumi.Output[None]:
            return web.public_url.apply(lambda url: assert_url(url))

        check()
        assert [r.name for r in mocks.registered("kubernetes:helm.sh/v4:Chart")] == ["web-chart"]

`mocks.registered()` lists every registration so far (type, name, parent, inputs, outputs), and
`mocks.run(program)` runs a function the way `pulumi up` would and waits for its registrations.
Made-up values are derived from resource names, so a test can follow a value from one resource into
another (a target group's ARN into a listener rule, a subnet id into a service).
"""

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.proto import provider_pb2, resource_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

__all__ = [
    "ACCOUNT",
    "ALB_HOSTNAME",
    "EKS_CERTIFICATE",
    "EKS_ENDPOINT",
    "INGRESS_IP",
    "KUBECONFIG",
    "KUBERNETES_SERVER",
    "OIDC_ISSUER",
    "REGION",
    "Mocks",
    "Registration",
    "use_mocks",
]

REGION = "us-east-1"
"""The AWS region the mocks answer with (`aws:region` defaults to it)."""
ACCOUNT = "123456789012"
"""The AWS account id in every made-up ARN."""
EKS_ENDPOINT = "https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com"
"""The API endpoint of every mocked EKS cluster."""
EKS_CERTIFICATE = "TFMwdExTMUNSVWRKVGlCRFJWSlVTVVpKUTBGVVJTMHRMUzB0"
"""The certificate authority data of every mocked EKS cluster."""
OIDC_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF"
"""The OIDC issuer of every mocked EKS cluster."""
ALB_HOSTNAME = "k8s-web-0123456789-1234567890.us-east-1.elb.amazonaws.com"
"""The load balancer host name the AWS Load Balancer Controller gives every mocked Ingress."""
INGRESS_IP = "192.0.2.10"
"""The address any other ingress controller (kubernetes platform) gives every mocked Ingress
(from TEST-NET-1, a range reserved for documentation)."""
KUBERNETES_SERVER = "https://127.0.0.1:6443"
"""The API server of `KUBECONFIG`."""
KUBECONFIG = f"""\
apiVersion: v1
kind: Config
clusters:
  - name: test-cluster
    cluster:
      server: {KUBERNETES_SERVER}
      certificate-authority-data: {EKS_CERTIFICATE}
contexts:
  - name: test
    context: {{cluster: test-cluster, user: test-admin, namespace: default}}
current-context: test
users:
  - name: test-admin
    user: {{token: test-token}}
"""
"""The kubeconfig a kubernetes stack under `use_mocks` gets unless its config sets
`containers:kubeconfig`: tests then never read the machine's ~/.kube/config."""

INSTANCE_MEMORY_MIB = {
    "t3.micro": 1024,
    "t3.small": 2048,
    "t3.medium": 4096,
    "c5.large": 4096,
    "c5.xlarge": 8192,
    "c6g.large": 4096,
    "m5.large": 8192,
    "m6i.large": 8192,
}
"""Memory of the EC2 instance types `aws.ec2.get_instance_type` answers for (others: 8192 MiB)."""

GLOBAL_SERVICES = ("iam", "cloudfront", "route53")
"""AWS services whose ARNs name no region."""

DYNAMIC = "pulumi-python:dynamic:Resource"
SIM = "pulumi-python:dynamic/sim:"
"""The type of each sim resource is this and its kind (`sim_provider/resource_type.py`)."""
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
# sim's public entries take a port in this range, derived from their labels (sim_provider/ingress.py).
SIM_PORTS = range(20000, 30000)


@dataclass(frozen=True)
class Registration:
    """One resource a program registered."""

    type: str
    """Its type token, e.g. 'aws:ecs/service:Service'."""
    name: str
    """Its resource name."""
    parent: str | None
    """The name of its parent resource (None at the top of the stack)."""
    inputs: dict[str, Any]
    """What the program passed (after `transforms`), secrets unwrapped."""
    outputs: dict[str, Any]
    """What the mocks answered with."""
    urn: str
    custom: bool
    """False for components."""
    provider: str | None = None
    """The name of the explicit provider it was registered with, if any."""
    dependencies: list[str] = field(default_factory=list)
    """Names of the resources it was told to wait for (`depends_on`)."""
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    """Inputs whose change replaces the resource rather than updating it in place."""
    secret_inputs: list[str] = field(default_factory=list)
    """Names of the inputs that were secrets (their values in `inputs` are unwrapped)."""


def _short_hash(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _sim_port(*parts: str) -> int:
    """A host port in sim's range, stable for the same resource (and listener)."""
    return SIM_PORTS.start + int(_short_hash(*parts, length=8), 16) % len(SIM_PORTS)


def _plain(value: Any) -> Any:
    """Deserialized properties with secrets unwrapped, as tests compare values."""
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class Mocks(pulumi.runtime.Mocks):
    """Outputs of the real shape for every child resource the components create on sim, eks and ecs.

    - AWS resources: their inputs, plus `arn`, `id` and `name` made from the resource name, and what
      AWS computes for some types (a load balancer's `dnsName`, an API's `apiEndpoint`, a
      repository's `repositoryUrl`, a queue's `url`).
    - Remote components: the awsx VPC's `vpcId` and subnet ids; a pulumi-eks cluster's EKS cluster
      (name, endpoint, certificate), OIDC provider and kubeconfig.
    - `helm.v4.Chart`: `resources` with the Deployment and Service, and the Ingress with its load
      balancer host name (eks, `ALB_HOSTNAME`) or address (kubernetes, `INGRESS_IP`) when the chart's
      values enable one. A kubernetes stack gets `KUBECONFIG` unless its config names another.
    - docker-build images: a `ref` pinned by digest; sim's dynamic resources: image refs and ids,
      container names, and the public entry's `http://127.0.0.1:PORT`.
    - Calls: region, caller identity, partition, availability zones, ECR token, instance types, and
      ECR images (`ecr_images`; an absent one fails, as the data source does).
    """

    def __init__(self, region: str = REGION, account: str = ACCOUNT) -> None:
        self.region = region
        self.account = account
        self.monitor: RecordingMonitor | None = None
        """Set by `use_mocks`; where resources inside remote components are registered."""
        self.provider_regions: dict[str, str] = {}
        """Explicit `aws.Provider`s' regions by their ids: invokes through one answer its region."""
        self.ecr_images: dict[tuple[str, str], str] = {}
        """Digests of the images ECR holds, by (repository name, tag); `getImage` fails for others."""

    # ------------------------------------------------------------------ resources

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        made = self._computed(args)
        if args.typ == "pulumi:providers:aws" and isinstance(args.inputs.get("region"), str):
            self.provider_regions[f"{args.name}-id"] = args.inputs["region"]
        if not args.custom:
            # A component's outputs are not its inputs: echoing them breaks typed outputs (awsx's VPC).
            return f"{args.name}-id", made
        inputs = _plain(args.inputs)
        if args.typ.startswith("aws:"):
            service = args.typ.split(":")[1].split("/")[0]
            made = {
                "arn": self._arn(service, args.name),
                "name": f"{args.name}-name",
                "id": f"{args.name}-id",
                **made,
            }
            # What AWS computes never hides what the program set.
            made = {key: value for key, value in made.items() if key not in inputs}
        return f"{args.name}-id", {**inputs, **made}

    def _arn(self, service: str, name: str) -> str:
        region = "" if service in GLOBAL_SERVICES else self.region
        return f"arn:aws:{service}:{region}:{self.account}:{name}"

    def _computed(self, args: MockResourceArgs) -> dict[str, Any]:
        name, inputs = args.name, args.inputs
        region, account = self.region, self.account
        match args.typ:
            case "awsx:ec2:Vpc":
                return {
                    "vpcId": f"vpc-{name}",
                    "publicSubnetIds": [f"subnet-public-{name}-{i}" for i in (1, 2)],
                    "privateSubnetIds": [f"subnet-private-{name}-{i}" for i in (1, 2)],
                    "isolatedSubnetIds": [],
                }
            case "eks:index:Cluster":
                return self._eks_cluster(args)
            case "kubernetes:helm.sh/v4:Chart":
                return self._chart(args)
            case "aws:lb/loadBalancer:LoadBalancer":
                return {"dnsName": f"{name}.elb.amazonaws.com", "zoneId": "Z35SXDOTRQ7X7K"}
            case "aws:apigatewayv2/api:Api":
                return {
                    "apiEndpoint": f"https://{name}.execute-api.{region}.amazonaws.com",
                    "executionArn": f"arn:aws:execute-api:{region}:{account}:{name}",
                }
            case "aws:ecr/repository:Repository":
                return {"repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{name}"}
            case "aws:sqs/queue:Queue":
                return {"url": f"https://sqs.{region}.amazonaws.com/{account}/{name}"}
            case "aws:s3/bucket:Bucket" | "aws:s3/bucketV2:BucketV2":
                return {"bucket": f"{name}-bucket"}
            case "docker-build:index:Image":
                tags = inputs.get("tags") or [f"{account}.dkr.ecr.{region}.amazonaws.com/{name}"]
                return {"ref": f"{tags[0]}@sha256:{_short_hash(name, length=64)}"}
            case "pulumi-python:dynamic:Resource" if "target_group_arns" in inputs:
                # aws_provider.production_target_group before any deployment: the first (blue) group.
                return {"arn": inputs["target_group_arns"][0]}
            case sim_type if sim_type.startswith(SIM):
                return self._sim(args, sim_type.removeprefix(SIM))
        return {}

    def _sim(self, args: MockResourceArgs, kind: str) -> dict[str, Any]:
        """sim's dynamic resources (sim_provider/), by kind."""
        inputs, name = args.inputs, args.name
        if kind == "LocalImage":
            ref = inputs.get("reference") or f"{inputs['repository']}:{inputs['content_hash']}"
            return {"image_ref": ref, "image_id": f"sha256:{_short_hash(name, length=64)}"}
        if "name_prefix" in inputs:  # a container: Replica, Ingress, Task, BalancerProxy
            made: dict[str, Any] = {
                "container_name": f"{inputs['name_prefix']}-{_short_hash(name, length=6)}",
                "running": True,
            }
            if kind == "Ingress":  # the public entry
                port = _sim_port(name)
                made |= {"host_port": port, "url": f"http://127.0.0.1:{port}"}
            if kind == "BalancerProxy":  # a port per listener
                ports = {str(int(p)): _sim_port(name, str(int(p))) for p in inputs["listeners"]}
                made |= {"host_ports": ports, "urls": {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}}
            return made
        return {}

    def _eks_cluster(self, args: MockResourceArgs) -> dict[str, Any]:
        cluster_name = f"{args.name}-0a1b2c3"
        cluster = {
            "name": cluster_name,
            "arn": f"arn:aws:eks:{self.region}:{self.account}:cluster/{cluster_name}",
            "endpoint": EKS_ENDPOINT,
            "certificateAuthority": {"data": EKS_CERTIFICATE},
            "version": args.inputs.get("version", "1.35"),
        }
        kubeconfig = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": cluster_name,
                    "cluster": {"server": EKS_ENDPOINT, "certificate-authority-data": EKS_CERTIFICATE},
                }
            ],
            "contexts": [{"name": "aws", "context": {"cluster": cluster_name, "user": "aws"}}],
            "current-context": "aws",
            "users": [{"name": "aws", "user": {}}],
        }
        return {
            "eksCluster": self._inside(args, "aws:eks/cluster:Cluster", f"{args.name}-eksCluster", cluster),
            "oidcProviderArn": f"arn:aws:iam::{self.account}:oidc-provider/{OIDC_ISSUER}",
            "oidcProviderUrl": f"https://{OIDC_ISSUER}",
            "oidcIssuer": OIDC_ISSUER,
            "clusterSecurityGroupId": f"sg-{_short_hash(args.name)}",
            "kubeconfig": kubeconfig,
            "kubeconfigJson": pulumi.Output.json_dumps(kubeconfig),
        }

    def _chart(self, args: MockResourceArgs) -> dict[str, Any]:
        """The objects a chart made: a Deployment and a Service, and an Ingress when enabled."""
        values = _plain(args.inputs.get("values") or {})
        namespace = args.inputs.get("namespace") or "default"
        release = args.inputs.get("name") or args.name
        metadata = {"name": release, "namespace": namespace}
        objects: list[tuple[str, dict[str, Any]]] = [
            ("kubernetes:apps/v1:Deployment", {"metadata": metadata, "status": {"readyReplicas": 1}}),
            ("kubernetes:core/v1:Service", {"metadata": metadata, "spec": {"type": "ClusterIP"}}),
        ]
        ingress = values.get("ingress") if isinstance(values, dict) else None
        if isinstance(ingress, dict) and ingress.get("enabled"):
            # The AWS Load Balancer Controller publishes a host name; nginx and most others an IP.
            address = {"hostname": ALB_HOSTNAME} if ingress.get("className") == "alb" else {"ip": INGRESS_IP}
            lb = {"loadBalancer": {"ingress": [address]}}
            objects.append((INGRESS, {"metadata": metadata, "status": lb}))

        # Chart children are named `<chart>:<namespace>/<object>`; a kind suffix keeps them apart.
        def child(typ: str) -> str:
            suffix = "" if typ == INGRESS else f"-{typ.rsplit(':', 1)[-1].lower()}"
            return f"{args.name}:{namespace}/{release}{suffix}"

        return {"resources": [self._inside(args, typ, child(typ), state) for typ, state in objects]}

    def _inside(
        self, component: MockResourceArgs, typ: str, name: str, state: dict[str, Any]
    ) -> dict[str, Any]:
        """A reference to a resource made inside a remote component; the SDK resolves it by URN."""
        urn = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{component.typ}${typ}::{name}"
        if self.monitor is not None:
            self.monitor.resources[urn] = MockMonitor.ResourceRegistration(urn, name, state)
        return {rpc._special_sig_key: rpc._special_resource_sig, "urn": urn, "id": name}

    # ------------------------------------------------------------------ calls

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        if args.token == "aws:ecr/getImage:getImage" and self._absent_image(args):
            # A failed invoke, as the engine reports the data source's error to the program.
            return {}, [("imageTag", f"no matching ECR Image found: {args.args['imageTag']}")]
        return self.answer(args), []

    def _absent_image(self, args: MockCallArgs) -> bool:
        return (args.args["repositoryName"], args.args["imageTag"]) not in self.ecr_images

    def _region_of(self, provider: str | None) -> str:
        """The region of the provider a call went through ('urn::id'), else the stack's."""
        provider_id = (provider or "").rsplit("::", 1)[-1]
        return self.provider_regions.get(provider_id, self.region)

    def answer(self, args: MockCallArgs) -> dict[str, Any]:
        """The result of a provider function (invoke or resource method); {} for unknown ones."""
        region, account = self._region_of(args.provider), self.account
        match args.token:
            case "aws:index/getRegion:getRegion":
                return {"region": region, "name": region, "id": region}
            case "aws:index/getCallerIdentity:getCallerIdentity":
                arn = f"arn:aws:iam::{account}:user/test"
                return {"accountId": account, "arn": arn, "userId": "AIDATEST", "id": account}
            case "aws:index/getPartition:getPartition":
                return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                zones = [f"{region}{zone}" for zone in "abc"]
                return {"names": zones, "zoneIds": [f"use1-az{i}" for i in (1, 2, 3)], "id": region}
            case "aws:ec2/getInstanceType:getInstanceType":
                instance_type = args.args.get("instanceType", "")
                return {
                    "instanceType": instance_type,
                    "memorySize": INSTANCE_MEMORY_MIB.get(instance_type, 8192),
                }
            case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
                registry = f"https://{account}.dkr.ecr.{region}.amazonaws.com"
                return {"userName": "AWS", "password": "token", "proxyEndpoint": registry}
            case "aws:ecr/getImage:getImage":
                key = (args.args["repositoryName"], args.args["imageTag"])
                return {"imageDigest": self.ecr_images[key], "imageTag": key[1]}
        return {}

    # ------------------------------------------------------------------ what the program did

    def registered(self, type_token: str | None = None) -> list[Registration]:
        """Every registration so far, in order, optionally only those of one type token."""
        if self.monitor is None:
            return []
        found = self.monitor.registrations()
        return [r for r in found if type_token is None or r.type == type_token]

    def run(self, program: Callable[[], Any]) -> list[Registration]:
        """Run `program` as `pulumi up` would run it, wait for everything it registered, return that.

        An exception the program raises is re-raised after its registrations have been drained."""
        _sync_await(run_pulumi_func(program))
        return self.registered()


class RecordingMonitor(MockMonitor):
    """A mock monitor that keeps what tests assert (parents, providers, dependencies, inputs), runs
    `transforms` as the engine does (the resource's own, then its ancestors'), and answers resource
    method calls (`Call`), which the stock mock monitor lacks."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        mocks.monitor = self
        self._order: list[str] = []
        self._requests: dict[str, dict[str, Any]] = {}
        self._transforms: dict[str, list[Any]] = {}
        self._parents: dict[str, str] = {}
        self.callbacks = _offline_callbacks(self)

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type != "pulumi:pulumi:Stack":
            self._transform(urn, request)
            self._parents[urn] = request.parent
            inputs = rpc.deserialize_properties(request.object)
            self._requests[urn] = {
                "inputs": _plain(inputs),
                "secret_inputs": sorted(key for key, value in inputs.items() if rpc.is_rpc_secret(value)),
                "custom": bool(request.custom),
                "provider": request.provider.split("::")[-2] if request.provider else None,
                "dependencies": [dependency.split("::")[-1] for dependency in request.dependencies],
                "ignore_changes": list(request.ignoreChanges),
                "replace_on_changes": list(request.replaceOnChanges),
            }
            self._order.append(urn)
        return super().RegisterResource(request)

    def _transform(self, urn: str, request: Any) -> None:
        self._transforms[urn] = list(request.transforms)
        chain, ancestor = list(request.transforms), request.parent
        while ancestor:
            chain += self._transforms.get(ancestor, [])
            ancestor = self._parents.get(ancestor)
        for callback in chain:
            transform = resource_pb2.TransformRequest(
                type=request.type,
                name=request.name,
                custom=request.custom,
                parent=request.parent,
                properties=request.object,
            )
            function: Callable[[bytes], Awaitable[Any]] = self.callbacks._callbacks[callback.token]
            response = _sync_await(function(transform.SerializeToString()))
            request.object.CopyFrom(response.properties)

    def Call(self, request: Any) -> Any:
        args = rpc.deserialize_properties(request.args)
        result = self.mocks.call(MockCallArgs(token=request.tok, args=args, provider=request.provider))
        returned = result if isinstance(result, dict) else result[0]
        proto = _sync_await(rpc.serialize_properties(returned, {}))
        return provider_pb2.CallResponse(**{"return": proto})

    def registrations(self) -> list[Registration]:
        def name_of(urn: str) -> str | None:
            return urn.split("::")[-1] if urn in self._requests else None

        found = []
        for urn in self._order:
            registered = self.resources.get(urn)
            request = self._requests[urn]
            found.append(
                Registration(
                    type=urn.split("::")[2].split("$")[-1],
                    name=urn.split("::")[-1],
                    parent=name_of(self._parents.get(urn, "")),
                    inputs=request["inputs"],
                    outputs=_plain(dict(registered.state)) if registered else {},
                    urn=urn,
                    custom=request["custom"],
                    provider=request["provider"],
                    dependencies=request["dependencies"],
                    ignore_changes=request["ignore_changes"],
                    replace_on_changes=request["replace_on_changes"],
                    secret_inputs=request["secret_inputs"],
                )
            )
        return found


def _offline_callbacks(monitor: RecordingMonitor) -> Any:
    """The SDK's callback registry (where `transforms` are kept) without its gRPC server: the
    monitor calls the functions directly."""
    from pulumi.runtime._callbacks import _CallbackServicer

    servicer = object.__new__(_CallbackServicer)
    servicer._callbacks, servicer._transforms = {}, {}
    servicer._monitor, servicer._target = cast(Any, monitor), "in-process"
    return servicer


def use_mocks(
    platform: str = "sim",
    config: Mapping[str, str] | None = None,
    project: str = "test",
    stack: str = "test",
    mocks: Mocks | None = None,
) -> Mocks:
    """Point the Pulumi runtime at fresh `Mocks` for `platform` (`containers:platform`) and stack
    `config` (keys with their namespace, e.g. {"containers:readinessTimeoutSeconds": "5"}).

    Call it before the program creates resources (in a fixture, or at the top of a test module)."""
    _drop_previous_runs()
    mocks = mocks or Mocks(region=(config or {}).get("aws:region", REGION))
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    all_config = {"containers:platform": platform, **(config or {})}
    if platform in ("eks", "ecs"):
        all_config.setdefault("aws:region", mocks.region)
    if platform == "kubernetes":
        all_config.setdefault("containers:kubeconfig", KUBECONFIG)
    pulumi.runtime.set_all_config(all_config)
    settings.SETTINGS.callbacks = cast(Any, monitor.callbacks)
    return mocks


def _drop_previous_runs() -> None:
    """Forget the finished Outputs earlier programs left behind: the runtime keeps them in its settings
    across runs and awaits them at the end of the next one, where one that failed (a value a refused
    resource was still computing) would fail that run with the earlier run's error. Pending ones stay:
    a test may make Outputs (e.g. secrets) before it starts the mocks."""
    with settings.SETTINGS.lock:
        finished = {task for task in settings.SETTINGS.outputs if task.done()}
        settings.SETTINGS.outputs.difference_update(finished)
