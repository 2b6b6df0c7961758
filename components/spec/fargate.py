"""AWS Fargate's valid task sizes: which memory values (MiB) go with which vCPU count.

From the "Task CPU and memory" table of the ECS developer guide (Linux tasks). AWS rejects any other
pair at deploy time, so we reject it before anything is created.
"""

CPU_UNITS_PER_VCPU = 1024


def _steps(low: int, high: int, step: int) -> tuple[int, ...]:
    return tuple(range(low, high + 1, step))


FARGATE_MEMORY_BY_VCPU: dict[float, tuple[int, ...]] = {
    0.25: (512, 1024, 2048),
    0.5: _steps(1024, 4096, 1024),
    1.0: _steps(2048, 8192, 1024),
    2.0: _steps(4096, 16384, 1024),
    4.0: _steps(8192, 30720, 1024),
    8.0: _steps(16384, 61440, 4096),
    16.0: _steps(32768, 122880, 8192),
}

FARGATE_VCPUS: tuple[float, ...] = tuple(FARGATE_MEMORY_BY_VCPU)


def describe_vcpus(vcpus: tuple[float, ...] = FARGATE_VCPUS) -> str:
    return ", ".join(f"{v:g}" for v in vcpus)


def describe_memory(vcpu: float) -> str:
    """The valid memory values for `vcpu`, listed in full: users pick one from the message."""
    return ", ".join(str(m) for m in FARGATE_MEMORY_BY_VCPU[vcpu])


def cpu_units(vcpu: float) -> int:
    """vCPUs as ECS CPU units (1 vCPU = 1024 units), the number task definitions take."""
    return round(vcpu * CPU_UNITS_PER_VCPU)


def smallest_fitting_size(cpu: float | None, memory: int | None) -> tuple[float, int] | None:
    """The cheapest Fargate (vCPU, MiB) pair with at least `cpu` and `memory`; None if none is that big.

    For services sized freely (e.g. `Workload.resources`) that must land on one of Fargate's pairs.
    """
    for vcpu in FARGATE_VCPUS:
        if cpu is not None and vcpu < cpu:
            continue
        fitting = [m for m in FARGATE_MEMORY_BY_VCPU[vcpu] if memory is None or m >= memory]
        if fitting:
            return vcpu, fitting[0]
    return None
