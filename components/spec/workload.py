"""Parse and validate `WorkloadArgs` into a frozen `WorkloadSpec`, once, before any resource exists.

Every platform reads the spec and never re-validates. Fields that decide the shape of the resource
graph (image, port, public, replicas, ...) must be plain values; `args` and `env` values may be
Pulumi Outputs (e.g. another workload's `internal_url`, or a secret).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pulumi

from components.spec.arg_reader import ArgReader, unknown_key_rule
from components.spec.build_context import BuildContext, is_local_path, parse_build_context
from components.spec.hardening import FIELDS as HARDENING_FIELDS
from components.spec.hardening import Hardening, parse_hardening
from components.spec.image_reference import RULE as IMAGE_REFERENCE_RULE
from components.spec.image_reference import parse_image_reference

COMPONENT = "Workload"
NAME_PATTERN = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
NAME_MAX_LENGTH = 53  # Helm's limit for release names, the tightest of the platforms
NAME_RULE = (
    "lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, "
    f"at most {NAME_MAX_LENGTH} characters (a DNS-1123 label)"
)
# A folder is told from a reference by its leading '.' or '/' (`is_local_path`), so say so.
FOLDER_RULE = "or a path to a folder with a Dockerfile starting with './' or '/', e.g. './backend'"
DEFAULT_PUBLIC = False
DEFAULT_REPLICAS = 1
DEFAULT_MIN_INSTANCES = 1  # and max_instances defaults to min_instances
DEFAULT_CPU_UTILIZATION_TARGET = 80
FIELDS = (
    "image",
    "name",
    "port",
    "public",
    "readiness",
    "replicas",
    "sources",
    "args",
    "env",
    "resources",
    "scaling",
    "domain",
    "cluster",
    *HARDENING_FIELDS,
)


@dataclass(frozen=True)
class Resources:
    """Per-replica capacity: vCPU (e.g. 0.25) and memory in MiB, reserved and capped."""

    cpu: float | None
    memory: int | None


@dataclass(frozen=True)
class Scaling:
    """Autoscaling bounds and the average CPU utilization (percent) to keep under."""

    min_instances: int
    max_instances: int
    cpu_utilization_target: int


@dataclass(frozen=True)
class Domain:
    """A custom host name served over TLS with an ACM certificate (cloud platforms)."""

    host: str
    certificate_arn: str | None


@dataclass(frozen=True)
class WorkloadSpec:
    resource_name: str
    name: str
    image_reference: str | None
    build: BuildContext | None
    port: int | None
    public: bool
    readiness: str | None
    replicas: int
    args: tuple[pulumi.Input[str], ...]
    env: Mapping[str, pulumi.Input[str]]
    resources: Resources | None
    scaling: Scaling | None
    domain: Domain | None
    hardening: Hardening

    @property
    def secret_env_names(self) -> frozenset[str]:
        """Names of env values given as Outputs, which may be secret: platforms keep them apart."""
        return frozenset(k for k, v in self.env.items() if isinstance(v, pulumi.Output))

    @property
    def plain_env(self) -> dict[str, str]:
        """The env values known before deployment (not Outputs)."""
        return {k: v for k, v in self.env.items() if isinstance(v, str)}

    @property
    def args_known(self) -> bool:
        """Whether every arg is known before deployment (none is an Output)."""
        return all(isinstance(arg, str) for arg in self.args)


def parse_workload(resource_name: str, raw: Mapping[str, Any]) -> WorkloadSpec:
    """Validate `WorkloadArgs` for the Workload named `resource_name`."""
    fields = ArgReader(COMPONENT, resource_name)
    for key in raw:
        if key not in FIELDS:
            raise fields.error(str(key), raw[key], unknown_key_rule(str(key), FIELDS))

    name = _parse_name(fields, raw.get("name"))
    image = fields.text(
        "image",
        raw.get("image"),
        "a registry reference (e.g. 'nginx:1.27') or a path to a folder with a Dockerfile (e.g. './backend')",
    )
    build = _parse_build(fields, image, raw.get("sources"))
    if build is None:
        parse_image_reference(fields, "image", image, f"{IMAGE_REFERENCE_RULE}, {FOLDER_RULE}")

    port = None if raw.get("port") is None else fields.integer("port", raw["port"], 1, 65535)
    public = fields.boolean("public", raw.get("public", DEFAULT_PUBLIC))
    if public and port is None:
        raise fields.error("public", True, "true only together with 'port' (the port to expose)")

    readiness = raw.get("readiness")
    if readiness is not None:
        readiness = fields.text("readiness", readiness, "an HTTP path starting with '/', e.g. '/healthz'")
        if not readiness.startswith("/"):
            raise fields.error("readiness", readiness, "an HTTP path starting with '/', e.g. '/healthz'")
        if port is None:
            raise fields.error("readiness", readiness, "a path only together with 'port' (where to probe it)")

    domain = _parse_domain(fields, raw.get("domain"))
    if domain is not None and not public:
        raise fields.error("domain", raw["domain"], "a domain only for a workload with public: true")

    return WorkloadSpec(
        resource_name=resource_name,
        name=name,
        image_reference=None if build else image,
        build=build,
        port=port,
        public=public,
        readiness=readiness,
        replicas=fields.integer("replicas", raw.get("replicas", DEFAULT_REPLICAS), 1, 1000),
        args=_parse_args(fields, raw.get("args")),
        env=_parse_env(fields, raw.get("env")),
        resources=_parse_resources(fields, raw.get("resources")),
        scaling=_parse_scaling(fields, raw.get("scaling")),
        domain=domain,
        hardening=parse_hardening(fields, "", raw),
    )


def _parse_name(fields: ArgReader, value: Any) -> str:
    field = "name" if value is not None else "name (defaults to the resource name)"
    name = fields.plain(field, value if value is not None else fields.resource)
    if not isinstance(name, str) or len(name) > NAME_MAX_LENGTH or not NAME_PATTERN.match(name):
        raise fields.error(field, name, NAME_RULE)
    return name


def _parse_build(fields: ArgReader, image: str, sources: Any) -> BuildContext | None:
    if not is_local_path(image):
        if sources is not None:
            raise fields.error("sources", sources, "globs only when 'image' is a local folder to build")
        return None
    patterns = None if sources is None else _parse_globs(fields, sources)
    return parse_build_context(fields, "image", image, sources_field="sources", sources=patterns)


def _parse_globs(fields: ArgReader, value: Any) -> tuple[str, ...]:
    value = fields.plain("sources", value)
    if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) and v for v in value):
        raise fields.error("sources", value, "a non-empty list of glob strings relative to the image folder")
    return tuple(value)


def _parse_args(fields: ArgReader, value: Any) -> tuple[pulumi.Input[str], ...]:
    if value is None:
        return ()
    value = fields.plain("args", value)
    if not isinstance(value, list | tuple):
        raise fields.error("args", value, "a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str | pulumi.Output):
            raise fields.error(f"args[{index}]", item, "a string or an Output of a string")
    return tuple(value)


def _parse_env(fields: ArgReader, value: Any) -> Mapping[str, pulumi.Input[str]]:
    if value is None:
        return MappingProxyType({})
    value = fields.plain("env", value)
    if not isinstance(value, Mapping):
        raise fields.error("env", value, "a dict of variable names to strings")
    for key, item in value.items():
        if not isinstance(key, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise fields.error(
                "env", key, "variable names of letters, digits and '_', not starting with a digit"
            )
        if not isinstance(item, str | pulumi.Output):
            raise fields.error(
                f"env.{key}", item, 'a string or an Output of a string (quote numbers: "8080")'
            )
    return MappingProxyType(
        {key: item if isinstance(item, str) else _present(fields, key, item) for key, item in value.items()}
    )


def _present(fields: ArgReader, key: str, value: pulumi.Output[str | None]) -> pulumi.Output[str]:
    """`value`, failing the update clearly if it resolves to None (e.g. the `internal_url` of a
    workload without a port), instead of setting the variable to the text 'None'."""

    def check(resolved: str | None) -> str:
        if resolved is None:
            raise fields.error(f"env.{key}", None, "a value: the Output it was given resolved to None")
        return resolved

    return value.apply(check)


def _parse_resources(fields: ArgReader, value: Any) -> Resources | None:
    if value is None:
        return None
    value = fields.mapping("resources", value, ("cpu", "memory"))
    cpu = value.get("cpu")
    if cpu is not None:
        cpu = fields.plain("resources.cpu", cpu)
        if isinstance(cpu, bool) or not isinstance(cpu, int | float) or not 0 < cpu <= 192:
            raise fields.error("resources.cpu", cpu, "a number of vCPUs greater than 0, e.g. 0.25")
    memory = value.get("memory")
    if memory is not None:
        memory = fields.integer("resources.memory", memory, 6, 4_194_304)
    return Resources(cpu=None if cpu is None else float(cpu), memory=memory)


def _parse_scaling(fields: ArgReader, value: Any) -> Scaling | None:
    if value is None:
        return None
    value = fields.mapping("scaling", value, ("min_instances", "max_instances", "scaling_policy"))
    low = fields.integer("scaling.min_instances", value.get("min_instances", DEFAULT_MIN_INSTANCES), 1, 1000)
    high = fields.integer("scaling.max_instances", value.get("max_instances", low), 1, 1000)
    if low > high:
        raise fields.error("scaling.min_instances", low, f"at most max_instances ({high})")
    policy = fields.mapping(
        "scaling.scaling_policy", value.get("scaling_policy", {}), ("keep_avg_cpu_utilization_under",)
    )
    target = fields.integer(
        "scaling.scaling_policy.keep_avg_cpu_utilization_under",
        policy.get("keep_avg_cpu_utilization_under", DEFAULT_CPU_UTILIZATION_TARGET),
        1,
        100,
    )
    return Scaling(min_instances=low, max_instances=high, cpu_utilization_target=target)


def _parse_domain(fields: ArgReader, value: Any) -> Domain | None:
    if value is None:
        return None
    value = fields.mapping("domain", value, ("host", "certificate_arn"))
    host = fields.text(
        "domain.host", value.get("host"), "a fully qualified host name, e.g. 'api.example.com'"
    )
    arn = value.get("certificate_arn")
    if arn is not None:
        arn = fields.text("domain.certificate_arn", arn, "an ACM certificate ARN")
        if not arn.startswith("arn:"):
            raise fields.error("domain.certificate_arn", arn, "an ACM certificate ARN starting with 'arn:'")
    return Domain(host=host, certificate_arn=arn)
