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
    """Globs (relative to `context`) whose content decides a rebuild. Default: every file."""


class LbHeaderConditionArgs(TypedDict):
    header_name: str
    values: list[str]


class LbQueryParamConditionArgs(TypedDict):
    param_name: str
    values: list[str]


class HttpApiAuthorizerArgs(TypedDict):
    type: str
    """'cognito' or 'lambda'."""
    user_pool: NotRequired[Any]
    """cognito: the app client (`aws.cognito.UserPoolClient`) whose users' JWTs are accepted; its
    pool issues them."""
    function: NotRequired[Any]
    """lambda: the authorizer function (object or ARN)."""
    iam_response: NotRequired[bool]
    """lambda: true if the function returns an IAM policy instead of a simple response."""
    identity_sources: NotRequired[list[str]]
    """Default: ['$request.header.Authorization']."""
    cache_result_seconds: NotRequired[int]
    """lambda: 0..3600. Default: 0 (no caching)."""


class ContainerWorkloadEventArgs(TypedDict):
    type: str
    """http-api-gateway, application-load-balancer, network-load-balancer, workload-internal or
    service-connect; which other keys apply depends on it."""
    container_port: int
    load_balancer: NotRequired[Any]
    """application-/network-load-balancer: the balancer component."""
    http_api_gateway: NotRequired[Any]
    """http-api-gateway: the gateway component."""
    priority: NotRequired[int]
    listener_port: NotRequired[int]
    paths: NotRequired[list[str]]
    methods: NotRequired[list[str]]
    hosts: NotRequired[list[str]]
    headers: NotRequired[list[LbHeaderConditionArgs]]
    query_params: NotRequired[list[LbQueryParamConditionArgs]]
    source_ips: NotRequired[list[str]]
    method: NotRequired[str]
    path: NotRequired[str]
    authorizer: NotRequired[HttpApiAuthorizerArgs]
    payload_format: NotRequired[str]
    alias: NotRequired[str]
    protocol: NotRequired[str]


class ContainerWorkloadLbHealthCheckArgs(TypedDict, total=False):
    path: str
    """Default: '/'."""
    interval_seconds: int
    """Default: 5."""
    timeout_seconds: int
    """Default: 4."""
    protocol: str
    """'HTTP' or 'TCP'. Default: HTTP behind an ALB, TCP behind an NLB."""
    port: int
    """Default: the port that receives the traffic."""


class ContainerLoggingArgs(TypedDict, total=False):
    disabled: bool
    retention_days: int
    """Default: 90."""


class ContainerDependencyArgs(TypedDict):
    container_name: str
    condition: str
    """START, HEALTHY, COMPLETE or SUCCESS."""


class ContainerHealthCheckArgs(TypedDict):
    health_check_command: list[str]
    """Starts with 'CMD' or 'CMD-SHELL'."""
    interval_seconds: NotRequired[int]
    timeout_seconds: NotRequired[int]
    retries: NotRequired[int]
    start_period_seconds: NotRequired[int]


class ContainerEfsMountArgs(TypedDict):
    type: str
    """'efs'."""
    efs_filesystem: Any
    mount_path: str
    root_directory: NotRequired[str]


class ContainerWorkloadContainerArgs(TypedDict):
    name: str
    image: NotRequired[str]
    build: NotRequired[ContainerBuildArgs]
    command: NotRequired[list[str]]
    """Replaces the image's ENTRYPOINT."""
    args: NotRequired[list[pulumi.Input[str]]]
    """Replaces the image's CMD; items may be Outputs."""
    environment: NotRequired[dict[str, pulumi.Input[str]]]
    events: NotRequired[list[ContainerWorkloadEventArgs]]
    load_balancer_health_check: NotRequired[ContainerWorkloadLbHealthCheckArgs]
    essential: NotRequired[bool]
    logging: NotRequired[ContainerLoggingArgs]
    depends_on: NotRequired[list[ContainerDependencyArgs]]
    internal_health_check: NotRequired[ContainerHealthCheckArgs]
    stop_timeout: NotRequired[int]
    volume_mounts: NotRequired[list[ContainerEfsMountArgs]]


class ContainerWorkloadResourcesArgs(TypedDict, total=False):
    cpu: float
    memory: int
    instance_types: list[str]
    enable_warm_pool: bool
    architecture: str


class ContainerWorkloadScalingPolicyArgs(TypedDict, total=False):
    keep_avg_cpu_utilization_under: float
    keep_avg_memory_utilization_under: float


class ContainerWorkloadScalingArgs(TypedDict, total=False):
    min_instances: int
    max_instances: int
    scaling_policy: ContainerWorkloadScalingPolicyArgs


class ContainerWorkloadDeploymentArgs(TypedDict):
    strategy: str
    before_allow_traffic_function: NotRequired[Any]
    after_traffic_shift_function: NotRequired[Any]
    test_listener_port: NotRequired[int]


class ContainerWorkloadIamStatementArgs(TypedDict):
    action: list[str]
    resource: list[pulumi.Input[str]]
    sid: NotRequired[str]
    effect: NotRequired[str]
    condition: NotRequired[dict[str, Any]]


class ContainerWorkloadArgs(TypedDict):
    containers: list[ContainerWorkloadContainerArgs]
    resources: ContainerWorkloadResourcesArgs
    scaling: NotRequired[ContainerWorkloadScalingArgs]
    deployment: NotRequired[ContainerWorkloadDeploymentArgs]
    connect_to: NotRequired[list[Any]]
    iam_role_statements: NotRequired[list[ContainerWorkloadIamStatementArgs]]
    enable_remote_sessions: NotRequired[bool]
    use_private_subnets_with_nat: NotRequired[bool]
    cluster: NotRequired[Any]
