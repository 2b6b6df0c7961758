"""One container of a ContainerWorkload: image, start command, environment, health, logs, storage.

Checks that need only this container live here; checks across containers (unique names, known
`depends_on` targets, shared ports, ...) live in `container_workload`.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pulumi

from components.spec.arg_reader import ArgReader
from components.spec.build_context import DEFAULT_DOCKERFILE, BuildContext, parse_build_context
from components.spec.container_workload.events import (
    ApplicationLoadBalancerEvent,
    ContainerEvent,
    NetworkLoadBalancerEvent,
    parse_event,
)
from components.spec.hardening import FIELDS as HARDENING_FIELDS
from components.spec.hardening import Hardening, parse_hardening
from components.spec.image_reference import RULE as IMAGE_REFERENCE_RULE
from components.spec.image_reference import parse_image_reference

CONTAINER_FIELDS = (
    "name",
    "image",
    "build",
    "command",
    "args",
    "environment",
    "events",
    "load_balancer_health_check",
    "essential",
    "logging",
    "depends_on",
    "internal_health_check",
    "stop_timeout",
    "volume_mounts",
    *HARDENING_FIELDS,
)
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,49}$")
NAME_RULE = "letters, digits, '-' and '_', starting with a letter, at most 50 characters"
ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEPENDENCY_CONDITIONS = ("START", "HEALTHY", "COMPLETE", "SUCCESS")
# ECS refuses these on an essential container (the task stops when it exits).
EXIT_CONDITIONS = ("COMPLETE", "SUCCESS")
HEALTH_CHECK_PREFIXES = ("CMD", "CMD-SHELL")
# CloudWatch Logs' accepted retention periods (PutRetentionPolicy); Stacktape's default is 90.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
DEFAULT_LOG_RETENTION_DAYS = 90
DEFAULT_STOP_TIMEOUT_SECONDS = 2  # Stacktape's: SIGTERM, then SIGKILL after this long
LB_HEALTH_CHECK_PROTOCOLS = ("HTTP", "TCP")
# Defaults of the container args (Stacktape's), written in the args' docstrings too.
DEFAULT_ESSENTIAL = True
DEFAULT_STOP_TIMEOUT_SECONDS = 2
DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS = 30
DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS = 5
DEFAULT_HEALTH_CHECK_RETRIES = 3
DEFAULT_LB_HEALTH_CHECK_PATH = "/"
DEFAULT_LB_HEALTH_CHECK_INTERVAL_SECONDS = 5
DEFAULT_LB_HEALTH_CHECK_TIMEOUT_SECONDS = 4
DEFAULT_LOGGING_DISABLED = False
DEFAULT_EFS_ROOT_DIRECTORY = "/"


@dataclass(frozen=True)
class DependencySpec:
    container_name: str
    condition: str


@dataclass(frozen=True)
class InternalHealthCheckSpec:
    """Docker-style health check run inside the container (ECS `healthCheck`)."""

    health_check_command: tuple[str, ...]
    interval_seconds: int = DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS
    timeout_seconds: int = DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS
    retries: int = DEFAULT_HEALTH_CHECK_RETRIES
    start_period_seconds: int | None = None


@dataclass(frozen=True)
class LoadBalancerHealthCheckSpec:
    """How the load balancers probe this container. `protocol`/`port` None: per balancer default."""

    path: str = DEFAULT_LB_HEALTH_CHECK_PATH
    interval_seconds: int = DEFAULT_LB_HEALTH_CHECK_INTERVAL_SECONDS
    timeout_seconds: int = DEFAULT_LB_HEALTH_CHECK_TIMEOUT_SECONDS
    protocol: str | None = None
    port: int | None = None


@dataclass(frozen=True)
class LoggingSpec:
    disabled: bool = DEFAULT_LOGGING_DISABLED
    retention_days: int = DEFAULT_LOG_RETENTION_DAYS


@dataclass(frozen=True)
class VolumeMountSpec:
    """An EFS file system (the user's object, passed through) mounted at `mount_path`."""

    volume_name: str
    efs_filesystem: object
    root_directory: str
    mount_path: str


@dataclass(frozen=True)
class ContainerSpec:
    """`command` replaces the image's ENTRYPOINT and `args` its CMD (Kubernetes' meaning).

    `args` items may be Outputs (e.g. another workload's URL), as `Workload.args` may be.
    """

    name: str
    image: str | None
    build: BuildContext | None
    command: tuple[str, ...]
    args: tuple[str | pulumi.Output[str], ...]
    environment: Mapping[str, str | pulumi.Output[str]]
    events: tuple[ContainerEvent, ...]
    load_balancer_health_check: LoadBalancerHealthCheckSpec | None
    essential: bool
    logging: LoggingSpec
    depends_on: tuple[DependencySpec, ...]
    internal_health_check: InternalHealthCheckSpec | None
    stop_timeout: int
    volume_mounts: tuple[VolumeMountSpec, ...]
    hardening: Hardening

    @property
    def secret_env_names(self) -> frozenset[str]:
        """Environment names whose value is an Output: ECS gets them as `secrets`, never as text."""
        return frozenset(k for k, v in self.environment.items() if isinstance(v, pulumi.Output))

    @property
    def container_ports(self) -> tuple[int, ...]:
        """Every port some event sends traffic to, sorted, each once."""
        return tuple(sorted({event.container_port for event in self.events}))


def parse_container(reader: ArgReader, field: str, raw: Any, resource_name: str) -> ContainerSpec:
    value = reader.mapping(field, raw, CONTAINER_FIELDS, ("name",))
    name = reader.plain(f"{field}.name", value["name"])
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise reader.error(f"{field}.name", name, NAME_RULE)

    image, build = _parse_image(reader, field, value)
    events = tuple(
        parse_event(reader, f"{field}.events[{i}]", item, resource_name, name)
        for i, item in enumerate(
            _optional_items(reader, f"{field}.events", value.get("events"), "event dicts")
        )
    )
    return ContainerSpec(
        name=name,
        image=image,
        build=build,
        command=_strings(reader, f"{field}.command", value.get("command")),
        args=_inputs(reader, f"{field}.args", value.get("args")),
        environment=_parse_environment(reader, f"{field}.environment", value.get("environment")),
        events=events,
        load_balancer_health_check=_parse_lb_health_check(
            reader, f"{field}.load_balancer_health_check", value.get("load_balancer_health_check"), events
        ),
        essential=reader.boolean(f"{field}.essential", value.get("essential", DEFAULT_ESSENTIAL)),
        logging=_parse_logging(reader, f"{field}.logging", value.get("logging")),
        depends_on=tuple(
            _parse_dependency(reader, f"{field}.depends_on[{i}]", item)
            for i, item in enumerate(
                _optional_items(
                    reader,
                    f"{field}.depends_on",
                    value.get("depends_on"),
                    "{'container_name': ..., 'condition': ...} dicts",
                )
            )
        ),
        internal_health_check=_parse_internal_health_check(
            reader, f"{field}.internal_health_check", value.get("internal_health_check")
        ),
        stop_timeout=reader.integer(
            f"{field}.stop_timeout", value.get("stop_timeout", DEFAULT_STOP_TIMEOUT_SECONDS), 2, 120
        ),
        volume_mounts=_parse_volume_mounts(
            reader, f"{field}.volume_mounts", value.get("volume_mounts"), name
        ),
        hardening=parse_hardening(reader, f"{field}.", value),
    )


def _optional_items(reader: ArgReader, field: str, value: Any, what: str) -> list[Any]:
    return [] if value is None else reader.items(field, value, what)


def _strings(reader: ArgReader, field: str, value: Any) -> tuple[str, ...]:
    return () if value is None else reader.strings(field, value, "strings", non_empty=True)


def _inputs(reader: ArgReader, field: str, value: Any) -> tuple[str | pulumi.Output[str], ...]:
    """Strings or Outputs of strings (known at deploy time)."""
    if value is None:
        return ()
    items = reader.items(field, value, "strings or Outputs of strings", non_empty=True)
    for index, item in enumerate(items):
        if not isinstance(item, pulumi.Output):
            reader.text(f"{field}[{index}]", item, "a non-empty string or an Output of a string")
    return tuple(items)


BUILD_HINT = " (to build a local folder use 'build': {'context': './web'})"
IMAGE_RULE = "exactly one of 'image' (a registry reference, e.g. 'nginx:1.27') or 'build' (a local folder)"


def _parse_image(
    reader: ArgReader, field: str, value: Mapping[str, Any]
) -> tuple[str | None, BuildContext | None]:
    image, build = value.get("image"), value.get("build")
    if (image is None) == (build is None):
        raise reader.error(
            f"{field}.image", image if build is None else {"image": image, "build": build}, IMAGE_RULE
        )
    if image is not None:
        # A folder ('./web', '/src/web') is no reference either: the rule points to 'build'.
        image = parse_image_reference(reader, f"{field}.image", image, IMAGE_REFERENCE_RULE + BUILD_HINT)
        return image, None
    return None, _parse_build(reader, f"{field}.build", build)


def _parse_build(reader: ArgReader, field: str, raw: Any) -> BuildContext:
    value = reader.mapping(field, raw, ("context", "dockerfile", "sources"), ("context",))
    context = reader.text(f"{field}.context", value["context"], "a path to a folder, e.g. './web'")
    dockerfile = reader.text(
        f"{field}.dockerfile",
        value.get("dockerfile", DEFAULT_DOCKERFILE),
        "a path relative to the context, e.g. 'Dockerfile'",
    )
    sources = value.get("sources")
    return parse_build_context(
        reader,
        f"{field}.context",
        context,
        sources_field=f"{field}.sources",
        sources=None
        if sources is None
        else reader.strings(f"{field}.sources", sources, "globs relative to the context", non_empty=True),
        dockerfile=dockerfile,
        dockerfile_field=f"{field}.dockerfile",
        name_each_source=True,
    )


def _parse_environment(reader: ArgReader, field: str, value: Any) -> Mapping[str, str | pulumi.Output[str]]:
    if value is None:
        return MappingProxyType({})
    value = reader.plain(field, value)
    if not isinstance(value, Mapping):
        raise reader.error(field, value, "a dict of variable names to values")
    environment: dict[str, str | pulumi.Output[str]] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not ENV_NAME_PATTERN.match(key):
            raise reader.error(
                field, key, "variable names of letters, digits and '_', not starting with a digit"
            )
        if isinstance(item, bool):  # before int: bool is an int subclass
            environment[key] = "true" if item else "false"
        elif isinstance(item, int | float):
            # Stacktape converts numbers to strings, so 'PORT': 3000 works as in its examples.
            environment[key] = str(item)
        elif isinstance(item, str | pulumi.Output):
            environment[key] = item
        else:
            raise reader.error(f"{field}.{key}", item, "a string, number, boolean or an Output of a string")
    return MappingProxyType(environment)


def _parse_dependency(reader: ArgReader, field: str, raw: Any) -> DependencySpec:
    value = reader.mapping(field, raw, ("container_name", "condition"), ("container_name", "condition"))
    return DependencySpec(
        container_name=reader.text(f"{field}.container_name", value["container_name"], "a container name"),
        condition=reader.choice(f"{field}.condition", value["condition"], DEPENDENCY_CONDITIONS),
    )


def _parse_internal_health_check(reader: ArgReader, field: str, raw: Any) -> InternalHealthCheckSpec | None:
    if raw is None:
        return None
    value = reader.mapping(
        field,
        raw,
        ("health_check_command", "interval_seconds", "timeout_seconds", "retries", "start_period_seconds"),
        ("health_check_command",),
    )
    command_rule = (
        "a list starting with 'CMD' or 'CMD-SHELL', e.g. ['CMD-SHELL', 'curl -f http://localhost/']"
    )
    command = reader.strings(
        f"{field}.health_check_command", value["health_check_command"], command_rule, non_empty=True
    )
    if command[0] not in HEALTH_CHECK_PREFIXES or len(command) < 2:
        raise reader.error(f"{field}.health_check_command", list(command), command_rule)
    start = value.get("start_period_seconds")
    return InternalHealthCheckSpec(
        health_check_command=command,
        interval_seconds=reader.integer(
            f"{field}.interval_seconds",
            value.get("interval_seconds", DEFAULT_HEALTH_CHECK_INTERVAL_SECONDS),
            5,
            300,
        ),
        timeout_seconds=reader.integer(
            f"{field}.timeout_seconds",
            value.get("timeout_seconds", DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS),
            2,
            60,
        ),
        retries=reader.integer(f"{field}.retries", value.get("retries", DEFAULT_HEALTH_CHECK_RETRIES), 1, 10),
        start_period_seconds=None
        if start is None
        else reader.integer(f"{field}.start_period_seconds", start, 0, 300),
    )


def _parse_lb_health_check(
    reader: ArgReader, field: str, raw: Any, events: tuple[ContainerEvent, ...]
) -> LoadBalancerHealthCheckSpec | None:
    if raw is None:
        return None
    value = reader.mapping(field, raw, ("path", "interval_seconds", "timeout_seconds", "protocol", "port"))
    if not any(isinstance(e, ApplicationLoadBalancerEvent | NetworkLoadBalancerEvent) for e in events):
        raise reader.error(
            field,
            raw,
            "a health check only on a container with an application-load-balancer "
            "or network-load-balancer event (nothing else probes it)",
        )
    protocol = value.get("protocol")
    if protocol is not None:
        protocol = reader.choice(f"{field}.protocol", protocol, LB_HEALTH_CHECK_PROTOCOLS)
        if protocol == "TCP" and any(isinstance(e, ApplicationLoadBalancerEvent) for e in events):
            raise reader.error(
                f"{field}.protocol",
                protocol,
                "HTTP for a container behind an Application Load "
                "Balancer (its target groups cannot probe over TCP)",
            )
    path = value.get("path")
    if path is not None:
        path = reader.text(f"{field}.path", path, "an HTTP path starting with '/', e.g. '/health'")
        if not path.startswith("/"):
            raise reader.error(f"{field}.path", path, "an HTTP path starting with '/', e.g. '/health'")
        if protocol == "TCP":
            raise reader.error(f"{field}.path", path, "no path with protocol TCP (a TCP check only connects)")
        if protocol is None and any(isinstance(e, NetworkLoadBalancerEvent) for e in events):
            # A Network Load Balancer probes over TCP unless told otherwise, which would ignore the path.
            raise reader.error(
                f"{field}.protocol",
                None,
                "'HTTP' to probe a path behind a Network Load Balancer (its default is TCP)",
            )
    interval = reader.integer(
        f"{field}.interval_seconds",
        value.get("interval_seconds", DEFAULT_LB_HEALTH_CHECK_INTERVAL_SECONDS),
        5,
        300,
    )
    timeout = reader.integer(
        f"{field}.timeout_seconds",
        value.get("timeout_seconds", DEFAULT_LB_HEALTH_CHECK_TIMEOUT_SECONDS),
        2,
        120,
    )
    if timeout >= interval:
        raise reader.error(f"{field}.timeout_seconds", timeout, f"less than interval_seconds ({interval})")
    port = value.get("port")
    return LoadBalancerHealthCheckSpec(
        path=path or DEFAULT_LB_HEALTH_CHECK_PATH,
        interval_seconds=interval,
        timeout_seconds=timeout,
        protocol=protocol,
        port=None if port is None else reader.port(f"{field}.port", port),
    )


def _parse_logging(reader: ArgReader, field: str, raw: Any) -> LoggingSpec:
    if raw is None:
        return LoggingSpec()
    value = reader.mapping(field, raw, ("disabled", "retention_days"))
    retention = reader.plain(
        f"{field}.retention_days", value.get("retention_days", DEFAULT_LOG_RETENTION_DAYS)
    )
    if isinstance(retention, bool) or retention not in LOG_RETENTION_DAYS:
        raise reader.error(
            f"{field}.retention_days",
            retention,
            "one of " + ", ".join(str(d) for d in LOG_RETENTION_DAYS) + " (CloudWatch Logs)",
        )
    return LoggingSpec(
        disabled=reader.boolean(f"{field}.disabled", value.get("disabled", DEFAULT_LOGGING_DISABLED)),
        retention_days=retention,
    )


def _parse_volume_mounts(
    reader: ArgReader, field: str, raw: Any, container: str
) -> tuple[VolumeMountSpec, ...]:
    mounts: list[VolumeMountSpec] = []
    for index, item in enumerate(_optional_items(reader, field, raw, "EFS mount dicts")):
        path = f"{field}[{index}]"
        value = reader.mapping(
            path,
            item,
            ("type", "efs_filesystem", "root_directory", "mount_path"),
            ("type", "efs_filesystem", "mount_path"),
        )
        reader.choice(f"{path}.type", value["type"], ("efs",))
        root = reader.text(
            f"{path}.root_directory",
            value.get("root_directory", DEFAULT_EFS_ROOT_DIRECTORY),
            "an absolute path inside the file system, e.g. '/'",
        )
        if not root.startswith("/"):
            raise reader.error(
                f"{path}.root_directory", root, "an absolute path inside the file system, e.g. '/'"
            )
        mount_path = reader.text(f"{path}.mount_path", value["mount_path"], "an absolute path, e.g. '/data'")
        if not mount_path.startswith("/") or mount_path == "/":
            raise reader.error(
                f"{path}.mount_path", mount_path, "an absolute path other than '/', e.g. '/data'"
            )
        if any(m.mount_path == mount_path for m in mounts):
            raise reader.error(
                f"{path}.mount_path", mount_path, "a path no other volume of this container uses"
            )
        mounts.append(
            VolumeMountSpec(
                volume_name=f"{container.lower()}-efs-{index}",
                efs_filesystem=reader.input_value(
                    f"{path}.efs_filesystem",
                    value["efs_filesystem"],
                    "the EFS file system (object or id) to mount",
                ),
                root_directory=root,
                mount_path=mount_path,
            )
        )
    return tuple(mounts)
