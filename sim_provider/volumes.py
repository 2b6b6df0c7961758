"""The data of a workload's replicas (and of a ContainerWorkload's task containers): a named volume
for each `VOLUME` their image declares, per replica, kept across replacements and removed with the
workload (`destroy`).

Docker gives each new container an anonymous volume for every `VOLUME` of its image, so the data a
replica wrote was gone once a change replaced it (and the old volume stayed behind, nameless, after
`destroy`). Compose keeps a service container's volumes when it recreates it; so does sim: replica N
of a workload mounts the volumes named after it, whatever container holds that place now.

A replica (a task, for each of its containers) makes its volumes when it is created (only then is
its image known); `WorkloadVolumes`, on which the replicas depend, removes them when the workload
goes (after its replicas, so none is in use). A replica holding volumes is replaced stop-first, as
compose recreates a container: two processes never share one data folder (two databases on one data
directory corrupt it).
"""

import hashlib
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult

from sim_provider.docker_ops import ROLE_LABEL, STACK_LABEL, SimError, connect
from sim_provider.engine import EngineBoundProvider
from sim_provider.resource_type import SimResource

ROLE = "volume"


def replica_volumes(
    client: docker.DockerClient, image: str, name_prefix: str, labels: dict[str, str]
) -> dict[str, str]:
    """Path -> volume name for each `VOLUME` of the image, each volume made if it does not exist yet
    (labelled as the workload's, so `WorkloadVolumes` finds it)."""
    declared = client.images.get(image).attrs.get("Config", {}).get("Volumes") or {}
    mounts = {}
    for path in sorted(declared):
        name = f"{name_prefix}-{hashlib.sha256(path.encode()).hexdigest()[:8]}"
        # Creating a volume that exists returns it: a replacement finds its predecessor's data.
        client.volumes.create(name, labels={**labels, ROLE_LABEL: ROLE})
        mounts[path] = name
    return mounts


class WorkloadVolumesProvider(EngineBoundProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"{props['labels'][STACK_LABEL]}/{props['workload']}/volumes", {**props})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = connect()
        selector = [f"{key}={value}" for key, value in {**props["labels"], ROLE_LABEL: ROLE}.items()]
        for volume in client.volumes.list(filters={"label": selector}):
            try:
                volume.remove()
            except docker.errors.NotFound:
                continue
            except docker.errors.APIError as error:
                if error.status_code != 409:
                    raise
                users = [c.name for c in client.containers.list(all=True, filters={"volume": volume.name})]
                raise SimError(
                    f"The volume {volume.name!r} of workload {props['workload']!r} is used by containers "
                    f"this stack did not create ({', '.join(users)}): remove them, then run `pulumi "
                    "destroy` again."
                ) from None


class WorkloadVolumes(SimResource):
    """Owns the volumes of a workload's replicas: removes them when the workload goes."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(WorkloadVolumesProvider(), name, props, opts)
