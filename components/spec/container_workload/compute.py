"""What a ContainerWorkload runs on (Fargate or EC2 instance types) and how many copies of it run."""

import re
from dataclasses import dataclass, field
from typing import Any

from components.spec.arg_reader import ArgReader
from components.spec.fargate import (
    FARGATE_MEMORY_BY_VCPU,
    FARGATE_VCPUS,
    cpu_units,
    describe_memory,
    describe_vcpus,
)

ARCHITECTURES = ("x86_64", "arm64")
RESOURCE_FIELDS = ("cpu", "memory", "instance_types", "enable_warm_pool", "architecture")
INSTANCE_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
# Graviton families carry a 'g' right after the generation digit (c6g, m7gd, t4g, im4gn, ...).
GRAVITON_FAMILY = re.compile(r"^([a-z]+\d+g[a-z]*|a1)$")
MAX_INSTANCES = 5000  # ECS's quota of tasks per service
EC2_MIN_MEMORY = 128
DEFAULT_ARCHITECTURE = "x86_64"  # Fargate's; on EC2 the instance types decide
DEFAULT_ENABLE_WARM_POOL = False
DEFAULT_MIN_INSTANCES = 1  # and max_instances defaults to min_instances
DEFAULT_KEEP_AVG_CPU_UTILIZATION_UNDER = 80.0
DEFAULT_KEEP_AVG_MEMORY_UTILIZATION_UNDER = 80.0


@dataclass(frozen=True)
class FargateResources:
    """A Fargate task size: `cpu` in vCPUs, `memory` in MiB, a pair from AWS's table."""

    cpu: float
    memory: int
    architecture: str = DEFAULT_ARCHITECTURE

    @property
    def cpu_units(self) -> int:
        return cpu_units(self.cpu)


@dataclass(frozen=True)
class Ec2Resources:
    """EC2 capacity: preferred instance types first. cpu/memory None: size to the smallest type."""

    instance_types: tuple[str, ...]
    cpu: float | None
    memory: int | None
    enable_warm_pool: bool
    architecture: str

    @property
    def cpu_units(self) -> int | None:
        return None if self.cpu is None else cpu_units(self.cpu)


@dataclass(frozen=True)
class ScalingPolicySpec:
    """Average utilization (percent) to keep under; target tracking adds or removes instances."""

    keep_avg_cpu_utilization_under: float = DEFAULT_KEEP_AVG_CPU_UTILIZATION_UNDER
    keep_avg_memory_utilization_under: float = DEFAULT_KEEP_AVG_MEMORY_UTILIZATION_UNDER


@dataclass(frozen=True)
class ScalingSpec:
    min_instances: int = DEFAULT_MIN_INSTANCES
    max_instances: int = DEFAULT_MIN_INSTANCES
    scaling_policy: ScalingPolicySpec = field(default_factory=ScalingPolicySpec)

    @property
    def autoscaled(self) -> bool:
        """Whether there is room to scale at all (otherwise no policy is worth creating)."""
        return self.max_instances > self.min_instances


def instance_architecture(instance_type: str) -> str:
    return "arm64" if GRAVITON_FAMILY.match(instance_type.split(".")[0]) else "x86_64"


def parse_resources(reader: ArgReader, raw: Any) -> FargateResources | Ec2Resources:
    value = reader.mapping("resources", raw, RESOURCE_FIELDS)
    if value.get("instance_types") is None:
        return _fargate(reader, value)
    return _ec2(reader, value)


def _architecture(reader: ArgReader, value: Any) -> str | None:
    return None if value is None else reader.choice("resources.architecture", value, ARCHITECTURES)


def _fargate(reader: ArgReader, value: Any) -> FargateResources:
    if value.get("enable_warm_pool") is not None:
        raise reader.error(
            "resources.enable_warm_pool",
            value["enable_warm_pool"],
            "a warm pool only with 'instance_types' (Fargate has no instances to keep warm)",
        )
    cpu = reader.plain("resources.cpu", value.get("cpu"))
    if isinstance(cpu, bool) or cpu not in FARGATE_VCPUS:
        raise reader.error(
            "resources.cpu",
            cpu,
            f"one of {describe_vcpus()} vCPUs for Fargate, or 'instance_types' to run on EC2",
        )
    memory = reader.plain("resources.memory", value.get("memory"))
    cpu = float(cpu)
    if isinstance(memory, bool) or memory not in FARGATE_MEMORY_BY_VCPU[cpu]:
        raise reader.error(
            "resources.memory", memory, f"for {cpu:g} vCPU on Fargate, one of {describe_memory(cpu)} (MiB)"
        )
    return FargateResources(
        cpu=cpu,
        memory=int(memory),
        architecture=_architecture(reader, value.get("architecture")) or DEFAULT_ARCHITECTURE,
    )


def _ec2(reader: ArgReader, value: Any) -> Ec2Resources:
    types = reader.strings(
        "resources.instance_types",
        value["instance_types"],
        "EC2 instance types, e.g. 'c5.large'",
        non_empty=True,
    )
    for index, instance_type in enumerate(types):
        if not INSTANCE_TYPE_PATTERN.match(instance_type):
            raise reader.error(
                f"resources.instance_types[{index}]",
                instance_type,
                "an EC2 instance type, e.g. 'c5.large' or 'm7g.xlarge'",
            )
        if instance_type in types[:index]:
            raise reader.error(f"resources.instance_types[{index}]", instance_type, "each instance type once")
    warm_pool = reader.boolean(
        "resources.enable_warm_pool", value.get("enable_warm_pool", DEFAULT_ENABLE_WARM_POOL)
    )
    if warm_pool and len(types) != 1:
        raise reader.error(
            "resources.enable_warm_pool",
            True,
            "true only with exactly one instance type (an EC2 warm pool holds one type)",
        )

    # One Auto Scaling group boots one machine image, so all its types must share an architecture.
    found = {instance_architecture(t) for t in types}
    if len(found) > 1:
        raise reader.error(
            "resources.instance_types",
            list(types),
            "instance types of one architecture (all Graviton/arm64 or all x86_64)",
        )
    inferred = found.pop()
    architecture = _architecture(reader, value.get("architecture"))
    if architecture is not None and architecture != inferred:
        raise reader.error(
            "resources.architecture",
            architecture,
            f"'{inferred}' (the architecture of {', '.join(types)}), or leave it out",
        )

    cpu = value.get("cpu")
    if cpu is not None:
        cpu = reader.plain("resources.cpu", cpu)
        if isinstance(cpu, bool) or cpu not in FARGATE_VCPUS:
            raise reader.error("resources.cpu", cpu, f"one of {describe_vcpus()} vCPUs")
    memory = value.get("memory")
    return Ec2Resources(
        instance_types=types,
        cpu=None if cpu is None else float(cpu),
        memory=None
        if memory is None
        else reader.integer("resources.memory", memory, EC2_MIN_MEMORY, 4_194_304),
        enable_warm_pool=warm_pool,
        architecture=inferred,
    )


def parse_scaling(reader: ArgReader, raw: Any) -> ScalingSpec:
    if raw is None:
        return ScalingSpec()
    value = reader.mapping("scaling", raw, ("min_instances", "max_instances", "scaling_policy"))
    low = reader.integer(
        "scaling.min_instances", value.get("min_instances", DEFAULT_MIN_INSTANCES), 1, MAX_INSTANCES
    )
    # Stacktape's default max is 1; a larger min alone means "this many, fixed", not an error.
    high = reader.integer("scaling.max_instances", value.get("max_instances", low), 1, MAX_INSTANCES)
    if low > high:
        raise reader.error("scaling.min_instances", low, f"at most max_instances ({high})")
    policy = ScalingPolicySpec()
    if value.get("scaling_policy") is not None:
        raw_policy = reader.mapping(
            "scaling.scaling_policy",
            value["scaling_policy"],
            ("keep_avg_cpu_utilization_under", "keep_avg_memory_utilization_under"),
        )
        policy = ScalingPolicySpec(
            **{
                key: reader.number(f"scaling.scaling_policy.{key}", raw_policy[key], 1, 100)
                for key in raw_policy
            }
        )
    return ScalingSpec(min_instances=low, max_instances=high, scaling_policy=policy)
