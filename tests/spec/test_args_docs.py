"""The args docstrings, which become the schema other languages see: every field has one, and each
default a docstring states is the named constant the parser applies, so the two cannot drift apart.

TypedDict field docstrings are no runtime attributes: the args modules are read with `ast`, as
Pulumi's component analyzer reads them.
"""

import ast
from pathlib import Path

import pytest

from components.render.helm.chart import DEFAULT_RESOURCES
from components.spec.build_context import ALL_FILES, DEFAULT_DOCKERFILE
from components.spec.cluster import (
    DEFAULT_DESIRED_NODES,
    DEFAULT_FARGATE,
    DEFAULT_INSTANCE_TYPES,
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_LOAD_BALANCER_CONTROLLER,
    DEFAULT_MAX_NODES,
    DEFAULT_MIN_NODES,
    DEFAULT_NAT,
    DEFAULT_VPC_CIDR,
    DEFAULT_ZONES,
)
from components.spec.container_workload.access import DEFAULT_IAM_EFFECT
from components.spec.container_workload.compute import (
    DEFAULT_ARCHITECTURE,
    DEFAULT_ENABLE_WARM_POOL,
    DEFAULT_KEEP_AVG_CPU_UTILIZATION_UNDER,
    DEFAULT_KEEP_AVG_MEMORY_UTILIZATION_UNDER,
)
from components.spec.container_workload.compute import DEFAULT_MIN_INSTANCES as CW_DEFAULT_MIN_INSTANCES
from components.spec.container_workload.containers import (
    DEFAULT_EFS_ROOT_DIRECTORY,
    DEFAULT_ESSENTIAL,
    DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
    DEFAULT_HEALTH_CHECK_RETRIES,
    DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
    DEFAULT_LB_HEALTH_CHECK_INTERVAL_SECONDS,
    DEFAULT_LB_HEALTH_CHECK_PATH,
    DEFAULT_LB_HEALTH_CHECK_TIMEOUT_SECONDS,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_LOGGING_DISABLED,
    DEFAULT_STOP_TIMEOUT_SECONDS,
)
from components.spec.container_workload.events import (
    DEFAULT_CACHE_RESULT_SECONDS,
    DEFAULT_IAM_RESPONSE,
    DEFAULT_IDENTITY_SOURCES,
    DEFAULT_PAYLOAD_FORMAT,
)
from components.spec.container_workload.workload import (
    DEFAULT_ALB_HEALTH_CHECK_PROTOCOL,
    DEFAULT_ENABLE_REMOTE_SESSIONS,
    DEFAULT_NLB_HEALTH_CHECK_PROTOCOL,
    DEFAULT_USE_PRIVATE_SUBNETS_WITH_NAT,
)
from components.spec.hardening import DEFAULT_READ_ONLY_ROOT_FILESYSTEM
from components.spec.load_balancers import DEFAULT_INTERNAL, HTTP_PORT, HTTPS_PORT
from components.spec.platform import Platform
from components.spec.workload import (
    DEFAULT_CPU_UTILIZATION_TARGET,
    DEFAULT_PUBLIC,
    DEFAULT_REPLICAS,
)
from components.spec.workload import DEFAULT_MIN_INSTANCES as WORKLOAD_DEFAULT_MIN_INSTANCES

ROOT = Path(__file__).resolve().parents[2]
ARGS_MODULES = (
    "components/spec/container_workload/args.py",
    "components/workload.py",
    "components/cluster_args.py",
    "components/load_balancers.py",
    "components/http_api_gateway.py",
)
SPEC = ROOT / "components" / "spec"
# DEFAULT_* constants of the spec that are no args field's default.
NOT_FIELD_DEFAULTS = {
    ("components.spec.container_workload.workload", "DEFAULT_LISTENER_PORTS"),  # which ports are production
}
NOT_ARGS_MODULES = ("components.spec.stack_config",)  # stack config keys, not component args


def _typed_dict_fields(source: str) -> dict[tuple[str, str], str | None]:
    """(TypedDict, field) -> the docstring right under the field, None if it has none."""
    fields: dict[tuple[str, str], str | None] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(isinstance(base, ast.Name) and base.id == "TypedDict" for base in node.bases):
            continue
        for index, statement in enumerate(node.body):
            if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
                continue
            following = node.body[index + 1] if index + 1 < len(node.body) else None
            doc = None
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                doc = " ".join(following.value.value.split())
            fields[(node.name, statement.target.id)] = doc
    return fields


FIELDS: dict[tuple[str, str], str | None] = {
    key: doc
    for module in ARGS_MODULES
    for key, doc in _typed_dict_fields((ROOT / module).read_text()).items()
}


def styled(value: object) -> str:
    """A default as the docstrings write it: `true`, `none`, `'Dockerfile'`, `80`, `['**/*']`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(styled(item) for item in value) + "]"
    raise TypeError(f"no docstring style for {value!r}")


# (TypedDict, field) -> the constant its docstring must state as `Default: <styled constant>.`
DEFAULTS: dict[tuple[str, str], object] = {
    ("ContainerBuildArgs", "dockerfile"): DEFAULT_DOCKERFILE,
    ("ContainerBuildArgs", "sources"): ALL_FILES,
    ("HttpApiAuthorizerArgs", "iam_response"): DEFAULT_IAM_RESPONSE,
    ("HttpApiAuthorizerArgs", "identity_sources"): DEFAULT_IDENTITY_SOURCES,
    ("HttpApiAuthorizerArgs", "cache_result_seconds"): DEFAULT_CACHE_RESULT_SECONDS,
    ("ContainerWorkloadEventArgs", "payload_format"): DEFAULT_PAYLOAD_FORMAT,
    ("ContainerWorkloadLbHealthCheckArgs", "path"): DEFAULT_LB_HEALTH_CHECK_PATH,
    ("ContainerWorkloadLbHealthCheckArgs", "interval_seconds"): DEFAULT_LB_HEALTH_CHECK_INTERVAL_SECONDS,
    ("ContainerWorkloadLbHealthCheckArgs", "timeout_seconds"): DEFAULT_LB_HEALTH_CHECK_TIMEOUT_SECONDS,
    ("ContainerLoggingArgs", "disabled"): DEFAULT_LOGGING_DISABLED,
    ("ContainerLoggingArgs", "retention_days"): DEFAULT_LOG_RETENTION_DAYS,
    ("ContainerHealthCheckArgs", "interval_seconds"): DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS,
    ("ContainerHealthCheckArgs", "timeout_seconds"): DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
    ("ContainerHealthCheckArgs", "retries"): DEFAULT_HEALTH_CHECK_RETRIES,
    ("ContainerEfsMountArgs", "root_directory"): DEFAULT_EFS_ROOT_DIRECTORY,
    ("ContainerWorkloadContainerArgs", "essential"): DEFAULT_ESSENTIAL,
    ("ContainerWorkloadContainerArgs", "stop_timeout"): DEFAULT_STOP_TIMEOUT_SECONDS,
    ("ContainerWorkloadResourcesArgs", "enable_warm_pool"): DEFAULT_ENABLE_WARM_POOL,
    ("ContainerWorkloadScalingPolicyArgs", "keep_avg_cpu_utilization_under"): (
        DEFAULT_KEEP_AVG_CPU_UTILIZATION_UNDER
    ),
    ("ContainerWorkloadScalingPolicyArgs", "keep_avg_memory_utilization_under"): (
        DEFAULT_KEEP_AVG_MEMORY_UTILIZATION_UNDER
    ),
    ("ContainerWorkloadScalingArgs", "min_instances"): CW_DEFAULT_MIN_INSTANCES,
    ("ContainerWorkloadIamStatementArgs", "effect"): DEFAULT_IAM_EFFECT,
    ("ContainerWorkloadArgs", "enable_remote_sessions"): DEFAULT_ENABLE_REMOTE_SESSIONS,
    ("ContainerWorkloadArgs", "use_private_subnets_with_nat"): DEFAULT_USE_PRIVATE_SUBNETS_WITH_NAT,
    ("ContainerWorkloadContainerArgs", "read_only_root_filesystem"): DEFAULT_READ_ONLY_ROOT_FILESYSTEM,
    ("WorkloadArgs", "read_only_root_filesystem"): DEFAULT_READ_ONLY_ROOT_FILESYSTEM,
    ("WorkloadArgs", "public"): DEFAULT_PUBLIC,
    ("WorkloadArgs", "replicas"): DEFAULT_REPLICAS,
    ("WorkloadArgs", "sources"): ALL_FILES,
    ("ScalingArgs", "min_instances"): WORKLOAD_DEFAULT_MIN_INSTANCES,
    ("ScalingPolicyArgs", "keep_avg_cpu_utilization_under"): DEFAULT_CPU_UTILIZATION_TARGET,
    ("ClusterArgs", "availability_zones"): DEFAULT_ZONES,
    ("ClusterArgs", "vpc_cidr"): DEFAULT_VPC_CIDR,
    ("ClusterArgs", "kubernetes_version"): DEFAULT_KUBERNETES_VERSION,
    ("ClusterArgs", "node_instance_types"): DEFAULT_INSTANCE_TYPES,
    ("ClusterArgs", "desired_nodes"): DEFAULT_DESIRED_NODES,
    ("ClusterArgs", "min_nodes"): DEFAULT_MIN_NODES,
    ("ClusterArgs", "max_nodes"): DEFAULT_MAX_NODES,
    ("ClusterArgs", "fargate"): DEFAULT_FARGATE,
    ("ClusterArgs", "load_balancer_controller"): DEFAULT_LOAD_BALANCER_CONTROLLER,
    ("ApplicationLoadBalancerArgs", "internal"): DEFAULT_INTERNAL,
    ("NetworkLoadBalancerArgs", "internal"): DEFAULT_INTERNAL,
}

# Defaults that depend on the platform or on other fields: (TypedDict, field) -> the docstring's
# default, a template whose `{}` are the styled constants.
COMPOUND_DEFAULTS: dict[tuple[str, str], tuple[str, tuple[object, ...]]] = {
    ("ContainerWorkloadLbHealthCheckArgs", "protocol"): (
        "{} behind an ALB, {} behind an NLB",
        (DEFAULT_ALB_HEALTH_CHECK_PROTOCOL, DEFAULT_NLB_HEALTH_CHECK_PROTOCOL),
    ),
    ("ContainerWorkloadContainerArgs", "logging"): ("on, kept {} days", (DEFAULT_LOG_RETENTION_DAYS,)),
    ("ContainerWorkloadResourcesArgs", "architecture"): (
        "{} on Fargate, the instance types' on EC2",
        (DEFAULT_ARCHITECTURE,),
    ),
    ("ContainerWorkloadScalingArgs", "scaling_policy"): (
        "CPU under {}, memory under {} (percent)",
        (DEFAULT_KEEP_AVG_CPU_UTILIZATION_UNDER, DEFAULT_KEEP_AVG_MEMORY_UTILIZATION_UNDER),
    ),
    ("ContainerWorkloadArgs", "scaling"): ("{} instance, no autoscaling", (CW_DEFAULT_MIN_INSTANCES,)),
    ("ScalingArgs", "scaling_policy"): ("CPU under {} percent", (DEFAULT_CPU_UTILIZATION_TARGET,)),
    ("ResourcesArgs", "cpu"): (
        "{} on eks, the least Fargate size that fits `memory` on ecs, no limit on sim",
        (DEFAULT_RESOURCES.cpu,),
    ),
    ("ResourcesArgs", "memory"): (
        "{} on eks, the least Fargate size that fits `cpu` on ecs, no limit on sim",
        (DEFAULT_RESOURCES.memory,),
    ),
    ("ApplicationLoadBalancerArgs", "listeners"): (
        "HTTP on {}; with `certificate_arn`, HTTPS on {} and {} redirecting to it",
        (HTTP_PORT, HTTPS_PORT, HTTP_PORT),
    ),
    ("ClusterArgs", "nat_gateways"): (
        "{} on ecs, {} on eks",
        (DEFAULT_NAT[Platform.ECS], DEFAULT_NAT[Platform.EKS]),
    ),
}


def test_the_args_modules_declare_the_typed_dicts() -> None:
    # Guards the walk below: a renamed module or a TypedDict spelled differently would empty it.
    names = {name for name, _ in FIELDS}
    assert {"ContainerWorkloadArgs", "WorkloadArgs", "ClusterArgs", "HttpApiGatewayArgs"} <= names
    assert {"ApplicationLoadBalancerArgs", "NetworkLoadBalancerArgs"} <= names
    assert len(FIELDS) > 100


@pytest.mark.parametrize("key", sorted(FIELDS), ids=".".join)
def test_every_field_has_a_docstring(key: tuple[str, str]) -> None:
    doc = FIELDS[key]
    assert doc, f"{key[0]}.{key[1]} has no docstring directly under it"


@pytest.mark.parametrize(
    "key", sorted(k for k, doc in FIELDS.items() if doc and "Default:" in doc), ids=".".join
)
def test_a_stated_default_is_the_last_sentence(key: tuple[str, str]) -> None:
    doc = FIELDS[key]
    assert doc is not None
    assert doc.count("Default:") == 1, doc
    assert doc.endswith("."), doc


@pytest.mark.parametrize("key", sorted(DEFAULTS), ids=".".join)
def test_the_docstring_states_the_default_constant(key: tuple[str, str]) -> None:
    assert key in FIELDS, f"{key[0]}.{key[1]} is no args field"
    assert f"Default: {styled(DEFAULTS[key])}." in (FIELDS[key] or "")


@pytest.mark.parametrize("key", sorted(COMPOUND_DEFAULTS), ids=".".join)
def test_the_docstring_states_the_compound_default(key: tuple[str, str]) -> None:
    template, constants = COMPOUND_DEFAULTS[key]
    assert key in FIELDS, f"{key[0]}.{key[1]} is no args field"
    expected = template.format(*(styled(constant) for constant in constants))
    assert f"Default: {expected}." in (FIELDS[key] or "")


def _spec_default_constants() -> set[tuple[str, str]]:
    """(module, name) of every module-level DEFAULT_* constant under components/spec."""
    found = set()
    for path in SPEC.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Name) and target.id.startswith("DEFAULT_"):
                    found.add((module, target.id))
    return found


def _imported_here() -> set[tuple[str, str]]:
    tree = ast.parse(Path(__file__).read_text())
    return {
        (node.module, alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def test_every_spec_default_constant_is_checked_against_a_docstring() -> None:
    # Imported here means used in a table above (ruff refuses unused imports).
    wanted = {
        (module, name)
        for module, name in _spec_default_constants() - NOT_FIELD_DEFAULTS
        if module not in NOT_ARGS_MODULES
    }
    assert wanted, "no DEFAULT_* constants found under components/spec"
    assert sorted(wanted - _imported_here()) == []
