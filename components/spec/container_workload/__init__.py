"""The ContainerWorkload model (Stacktape's multi-container-workload): `args` (the typed args),
`containers`, `events`, `compute` (resources and scaling), `access` (`connect_to`, IAM statements)
and `workload`, which parses the whole and checks across containers and events."""

from components.spec.container_workload.args import ContainerWorkloadArgs
from components.spec.container_workload.workload import ContainerWorkloadSpec, parse_container_workload

__all__ = ["ContainerWorkloadArgs", "ContainerWorkloadSpec", "parse_container_workload"]
