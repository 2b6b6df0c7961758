"""`ContainerWorkloadArgs`: the typed shape of the args, Stacktape's multi-container-workload in snake_case.

One TypedDict per nested object, without unions, so Pulumi's component analyzer can derive a schema
from them. Where Stacktape nests an event's or mount's settings under `properties`, these flatten
them next to `type`. References Stacktape makes by name (load balancers, gateways, functions, user
pools, file systems) are objects here: `ApplicationLoadBalancer`, `NetworkLoadBalancer` and
`HttpApiGateway` components, Lambda functions, ... typed `Any` so this module imports no component.
"""

from typing import Any, NotRequired, TypedDict

import pulumi


class ContainerBuildArgs(TypedDict):
    context: str
    """A folder with a Dockerfile, relative to the Pulumi program."""
    dockerfile: NotRequired[str]
    """Path of the Dockerfile inside `context`. Default: 'Dockerfile'."""
    sources: NotRequired[list[str]]
    """Globs (relative to `context`) whose files decide a rebuild, with the Dockerfile. Default: ['**/*']."""


class LbHeaderConditionArgs(TypedDict):
    header_name: str
    """The HTTP header to match, e.g. 'User-Agent'."""
    values: list[str]
    """Header values that match (any one of them); '*' and '?' are wildcards."""


class LbQueryParamConditionArgs(TypedDict):
    param_name: str
    """The query string parameter to match, e.g. 'version'."""
    values: list[str]
    """Parameter values that match (any one of them); '*' and '?' are wildcards."""


class HttpApiAuthorizerArgs(TypedDict):
    type: str
    """'cognito' (JWTs of a user pool are accepted) or 'lambda' (a function decides)."""
    user_pool: NotRequired[Any]
    """cognito: the app client (`aws.cognito.UserPoolClient`) whose users' JWTs are accepted; its
    pool issues them."""
    function: NotRequired[Any]
    """lambda: the authorizer function (object or ARN)."""
    iam_response: NotRequired[bool]
    """lambda: true if the function returns an IAM policy instead of a simple response. Default: false."""
    identity_sources: NotRequired[list[str]]
    """Where the caller's identity is read, each starting with '$request.', '$context.' or
    '$stageVariables.'. Default: ['$request.header.Authorization']."""
    cache_result_seconds: NotRequired[int]
    """lambda: how long API Gateway caches the function's answer, 0..3600 (0: no caching). Default: 0."""


class ContainerWorkloadEventArgs(TypedDict):
    type: str
    """http-api-gateway, application-load-balancer, network-load-balancer, workload-internal or
    service-connect; which other keys apply depends on it."""
    container_port: int
    """The container port the traffic goes to; one container of the workload owns each port."""
    load_balancer: NotRequired[Any]
    """application-/network-load-balancer: the balancer component."""
    http_api_gateway: NotRequired[Any]
    """http-api-gateway: the gateway component."""
    priority: NotRequired[int]
    """application-load-balancer (required): the rule's priority on its listeners, 1..50000, lowest first."""
    listener_port: NotRequired[int]
    """application-load-balancer: the listener the rule goes on; network-load-balancer (required): the
    listener to forward. Default: every listener of the balancer that forwards (not one that redirects)."""
    paths: NotRequired[list[str]]
    """application-load-balancer: URL path patterns to match, e.g. '/api/*'. Default: any path."""
    methods: NotRequired[list[str]]
    """application-load-balancer: HTTP methods to match, e.g. 'GET'. Default: any method."""
    hosts: NotRequired[list[str]]
    """application-load-balancer: host name patterns to match, e.g. '*.example.com'. Default: any host."""
    headers: NotRequired[list[LbHeaderConditionArgs]]
    """application-load-balancer: header conditions, all of which must match. Default: none."""
    query_params: NotRequired[list[LbQueryParamConditionArgs]]
    """application-load-balancer: query string conditions, all of which must match. Default: none."""
    source_ips: NotRequired[list[str]]
    """application-load-balancer: client CIDR blocks to match, e.g. '203.0.113.0/24'. Default: any address."""
    method: NotRequired[str]
    """http-api-gateway (required): the route's HTTP method, e.g. 'GET', or '*' for any."""
    path: NotRequired[str]
    """http-api-gateway (required): the route's path, e.g. '/users/{id}' or '/{proxy+}', or '*' for any."""
    authorizer: NotRequired[HttpApiAuthorizerArgs]
    """http-api-gateway: who may call the route; without one, anyone may. Default: none."""
    payload_format: NotRequired[str]
    """http-api-gateway: the request format; only '1.0' reaches a container (HTTP proxy). Default: '1.0'."""
    alias: NotRequired[str]
    """service-connect: the host name other workloads reach the port by. Default: '<resource>-<container>',
    kebab-cased."""
    protocol: NotRequired[str]
    """service-connect: 'http', 'http2' or 'grpc' (a grpc:// URL); without one, TCP. Default: none."""


class ContainerWorkloadLbHealthCheckArgs(TypedDict, total=False):
    path: str
    """The HTTP path the load balancers probe, e.g. '/health'; 200..399 means healthy. Default: '/'."""
    interval_seconds: int
    """Seconds between probes, 5..300. Default: 5."""
    timeout_seconds: int
    """Seconds a probe may take, 2..120 and less than interval_seconds. Default: 4."""
    protocol: str
    """'HTTP' or 'TCP' (TCP only behind a Network Load Balancer). Default: 'HTTP' behind an ALB, 'TCP'
    behind an NLB."""
    port: int
    """The port probed. Default: the port that receives the traffic."""


class ContainerLoggingArgs(TypedDict, total=False):
    disabled: bool
    """True to keep the container's stdout and stderr nowhere (no CloudWatch log group). Default: false."""
    retention_days: int
    """Days CloudWatch Logs keeps the output: 1, 3, 5, 7, 14, 30, 60, 90, 120, ... or 3653. Default: 90."""


class ContainerDependencyArgs(TypedDict):
    container_name: str
    """Another container of this workload, to wait for before this one starts."""
    condition: str
    """START (it started), HEALTHY (its internal_health_check passes), COMPLETE (it exited) or SUCCESS
    (it exited with 0)."""


class ContainerHealthCheckArgs(TypedDict):
    health_check_command: list[str]
    """Starts with 'CMD' or 'CMD-SHELL', e.g. ['CMD-SHELL', 'curl -f http://localhost/ || exit 1']."""
    interval_seconds: NotRequired[int]
    """Seconds between checks, 5..300. Default: 30."""
    timeout_seconds: NotRequired[int]
    """Seconds a check may take before it counts as failed, 2..60. Default: 5."""
    retries: NotRequired[int]
    """Failed checks in a row that make the container unhealthy, 1..10. Default: 3."""
    start_period_seconds: NotRequired[int]
    """Seconds after start during which failed checks do not count, 0..300. Default: none."""


class ContainerEfsMountArgs(TypedDict):
    type: str
    """'efs', the only kind of volume."""
    efs_filesystem: Any
    """The EFS file system to mount (an `aws.efs.FileSystem` or its id)."""
    mount_path: str
    """Where it appears in the container: an absolute path other than '/', e.g. '/data'."""
    root_directory: NotRequired[str]
    """The folder of the file system to mount, an absolute path. Default: '/'."""


class ContainerWorkloadContainerArgs(TypedDict):
    name: str
    """Unique in the workload (ignoring case): letters, digits, '-' and '_', from a letter, at most 50."""
    image: NotRequired[str]
    """A registry reference, e.g. 'nginx:1.27'; give exactly one of `image` and `build`."""
    build: NotRequired[ContainerBuildArgs]
    """A local folder to build the image from; give exactly one of `image` and `build`."""
    command: NotRequired[list[str]]
    """Replaces the image's ENTRYPOINT. Default: the image's ENTRYPOINT."""
    args: NotRequired[list[pulumi.Input[str]]]
    """Replaces the image's CMD; items may be Outputs. Default: the image's CMD."""
    environment: NotRequired[dict[str, pulumi.Input[str]]]
    """Variables: strings, numbers, booleans or Outputs (which ECS gets as secrets). Default: none."""
    events: NotRequired[list[ContainerWorkloadEventArgs]]
    """Where traffic comes from: load balancers, a gateway, other containers or workloads. Default: none."""
    load_balancer_health_check: NotRequired[ContainerWorkloadLbHealthCheckArgs]
    """How load balancers probe this container (needs a load balancer event). Default: each field's."""
    essential: NotRequired[bool]
    """Whether the workload instance stops when this container stops; one must be. Default: true."""
    logging: NotRequired[ContainerLoggingArgs]
    """stdout and stderr in a CloudWatch log group. Default: on, kept 90 days."""
    depends_on: NotRequired[list[ContainerDependencyArgs]]
    """Containers of this workload to wait for before this one starts. Default: none."""
    internal_health_check: NotRequired[ContainerHealthCheckArgs]
    """A check run inside the container; an unhealthy essential container replaces the instance.
    Default: none."""
    stop_timeout: NotRequired[int]
    """Seconds between SIGTERM and SIGKILL when the container stops, 2..120. Default: 2."""
    volume_mounts: NotRequired[list[ContainerEfsMountArgs]]
    """EFS file systems to mount. Default: none."""
    read_only_root_filesystem: NotRequired[bool]
    """Run with the image's filesystem read-only (writes fail outside volumes); not with
    enable_remote_sessions. Default: false."""
    run_as_user: NotRequired[int]
    """Run as this non-root user id (1..2147483647), not the image's USER. Default: the image's USER."""


class ContainerWorkloadResourcesArgs(TypedDict, total=False):
    cpu: float
    """vCPUs per instance, shared by its containers: 0.25, 0.5, 1, 2, 4, 8 or 16 (required on Fargate).
    Default: on EC2, none (the containers share the instance's CPU)."""
    memory: int
    """MiB per instance, shared by its containers; on Fargate (required) a size AWS pairs with `cpu`.
    Default: on EC2, the smallest instance type's memory less some headroom."""
    instance_types: list[str]
    """EC2 instance types, preferred first, all of one architecture. Default: none (Fargate)."""
    enable_warm_pool: bool
    """EC2 with one instance type: keep stopped, initialized instances for faster scaling. Default: false."""
    architecture: str
    """'x86_64' or 'arm64'; on EC2 it must match the instance types. Default: 'x86_64' on Fargate, the
    instance types' on EC2."""


class ContainerWorkloadScalingPolicyArgs(TypedDict, total=False):
    keep_avg_cpu_utilization_under: float
    """Average CPU utilization in percent (1..100) that autoscaling keeps under. Default: 80."""
    keep_avg_memory_utilization_under: float
    """Average memory utilization in percent (1..100) that autoscaling keeps under. Default: 80."""


class ContainerWorkloadScalingArgs(TypedDict, total=False):
    min_instances: int
    """Fewest workload instances (copies of the task), 1..5000. Default: 1."""
    max_instances: int
    """Most workload instances, 1..5000; autoscaling needs it above min_instances. Default: min_instances."""
    scaling_policy: ContainerWorkloadScalingPolicyArgs
    """What autoscaling keeps the averages under. Default: CPU under 80, memory under 80 (percent)."""


class ContainerWorkloadDeploymentArgs(TypedDict):
    strategy: str
    """How traffic moves to a new version: Canary10Percent5Minutes, Canary10Percent15Minutes,
    Linear10PercentEvery1Minutes, Linear10PercentEvery3Minutes or AllAtOnce."""
    before_allow_traffic_function: NotRequired[Any]
    """A Lambda function (object or ARN) run before production traffic shifts. Default: none."""
    after_traffic_shift_function: NotRequired[Any]
    """A Lambda function (object or ARN) run after production traffic has shifted. Default: none."""
    test_listener_port: NotRequired[int]
    """A listener port of the balancer where the new version takes test traffic first. Default: none."""


class ContainerWorkloadIamStatementArgs(TypedDict):
    action: list[str]
    """IAM actions, e.g. 'sns:Publish' or 's3:Get*'."""
    resource: list[pulumi.Input[str]]
    """ARNs the actions apply to (strings or Outputs), or '*'."""
    sid: NotRequired[str]
    """A statement id of letters and digits. Default: none."""
    effect: NotRequired[str]
    """'Allow' or 'Deny'. Default: 'Allow'."""
    condition: NotRequired[dict[str, Any]]
    """IAM condition operators, e.g. {'StringEquals': {'aws:RequestedRegion': 'eu-west-1'}}. Default: none."""


class ContainerWorkloadArgs(TypedDict):
    containers: list[ContainerWorkloadContainerArgs]
    """The containers of each workload instance; they share its network (localhost), CPU and memory."""
    resources: ContainerWorkloadResourcesArgs
    """CPU and memory on Fargate, or `instance_types` to run on EC2."""
    scaling: NotRequired[ContainerWorkloadScalingArgs]
    """How many instances run, and what autoscaling keeps under. Default: 1 instance, no autoscaling."""
    deployment: NotRequired[ContainerWorkloadDeploymentArgs]
    """Blue/green traffic shifting through the workload's Application Load Balancer. Default: none
    (rolling updates)."""
    connect_to: NotRequired[list[Any]]
    """Components the containers may use (buckets, tables, queues, topics, workloads) or 'aws:ses';
    each grants access and sets STP_* variables. Default: none."""
    iam_role_statements: NotRequired[list[ContainerWorkloadIamStatementArgs]]
    """More IAM statements for the containers' role. Default: none."""
    enable_remote_sessions: NotRequired[bool]
    """Allow shell sessions into the running containers (ECS Exec). Default: false."""
    use_private_subnets_with_nat: NotRequired[bool]
    """Run in private subnets, out through the cluster's NAT (nat_gateways not 'None'). Default: false."""
    cluster: NotRequired[Any]
    """The Cluster to run on. Default: the program's default cluster."""
