"""The small set of Docker operations the sim providers need, with errors a user can act on."""

import contextlib
import io
import os
import tarfile
import time
from datetime import datetime
from typing import Any, overload

import docker
import docker.errors
from docker.models.containers import Container
from docker.models.images import Image
from docker.utils import parse_repository_tag

LABEL_PREFIX = "containers"
STACK_LABEL = f"{LABEL_PREFIX}.stack"
RESOURCE_LABEL = f"{LABEL_PREFIX}.resource"
ROLE_LABEL = f"{LABEL_PREFIX}.role"
SPEC_LABEL = f"{LABEL_PREFIX}.spec-hash"
CHECKOUT_LABEL = f"{LABEL_PREFIX}.checkout"

# Every container sim starts: setuid binaries and file capabilities cannot raise a process's
# privileges (what Kubernetes' allowPrivilegeEscalation: false does on eks).
SECURITY_OPT = ["no-new-privileges"]
# Every long-running container sim starts: Docker starts it again when it exits (as ECS and Kubernetes
# replace a failed task or pod), but not when someone stops it by hand. Refresh checks it is still so.
RESTART_POLICY = {"Name": "unless-stopped"}


class SimError(Exception):
    """A fault of the local environment (Docker down, image missing, container not ready)."""


def connect() -> docker.DockerClient:
    """A client for the engine named by DOCKER_HOST (or the default socket) that answers."""
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as error:
        raise SimError(unreachable(error)) from None
    return client


def unreachable(error: Exception) -> str:
    """Why the engine does not answer, and what to do: a socket this user may not open is not an
    engine that is down."""
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    if "Permission denied" in str(error) or "PermissionError" in str(error):
        socket_path = host.removeprefix("unix://")
        return (
            f"Permission denied on the Docker socket {socket_path}: this user may not use the Docker "
            "engine. Add the user to the `docker` group (`sudo usermod -aG docker $USER`, then log in "
            "again), or set DOCKER_HOST to an engine it may use; nothing was changed."
        )
    return (
        f"Cannot reach the Docker engine at {host}: {error}. Start Docker (or dockerd) and run the "
        "command again (`up`, `refresh` and `destroy` all need it); nothing was changed."
    )


def find_container(client: docker.DockerClient, container_id: str) -> Container | None:
    try:
        return client.containers.get(container_id)
    except docker.errors.NotFound:
        return None


def remove_container(client: docker.DockerClient, container_id: str, stop_timeout: int = 10) -> None:
    """Stop (giving the process time to exit cleanly) and remove; a missing container is fine."""
    container = find_container(client, container_id)
    if container is None:
        return
    with contextlib.suppress(docker.errors.NotFound):
        container.stop(timeout=stop_timeout)
    with contextlib.suppress(docker.errors.NotFound):
        container.remove(force=True)


def remove_labelled_containers(
    client: docker.DockerClient, labels: dict[str, str], network: str | None = None
) -> None:
    """Remove every container carrying all of `labels` (and on `network`, if given): only where no
    live container can carry them (short-lived probers; a workload's entry, which goes before its
    replacement), since the containers of a live replica and of its replacement carry the same labels."""
    filters: dict[str, Any] = {"label": [f"{key}={value}" for key, value in labels.items()]}
    if network is not None:
        filters["network"] = network
    for container in client.containers.list(all=True, filters=filters):
        remove_container(client, container.id, stop_timeout=2)


def last_exit_code(container: Container) -> int | None:
    """The exit code of the container's last process, even once the restart policy started another.

    A restarted container's state shows the running process (exit code 0); the engine's `die`
    events keep what each ended with.
    """
    state = container.attrs.get("State", {})
    if not container.attrs.get("RestartCount"):
        return state.get("ExitCode")
    # Docker reports nanoseconds, which datetime does not parse: the second is enough here.
    created = datetime.fromisoformat(container.attrs["Created"].split(".")[0].rstrip("Z") + "+00:00")
    events = container.client.api.events(
        since=int(created.timestamp()),
        until=int(time.time()) + 1,
        filters={"container": container.id, "event": "die"},
        decode=True,
    )
    codes = [event.get("Actor", {}).get("Attributes", {}).get("exitCode") for event in events]
    known = [int(code) for code in codes if code is not None]
    return known[-1] if known else state.get("ExitCode")


def last_log_lines(container: Container, lines: int = 20) -> str:
    try:
        return container.logs(tail=lines).decode(errors="replace").rstrip() or "(no output)"
    except docker.errors.NotFound:
        return "(container is gone)"


def copy_file_into(container: Container, directory: str, name: str, content: str) -> None:
    """Write one file into a created (not yet started) container."""
    data = content.encode()
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    container.put_archive(directory, archive.getvalue())


def container_ip(container: Container, network: str) -> str:
    container.reload()
    return container.attrs["NetworkSettings"]["Networks"][network]["IPAddress"]


@overload
def whole_number(value: float | int) -> int: ...
@overload
def whole_number(value: None) -> None: ...
def whole_number(value: float | int | None) -> int | None:
    """Pulumi sends every number as a float (3000 arrives as 3000.0): Docker wants ints."""
    return None if value is None else int(value)


def find_image(client: docker.DockerClient, ref: str) -> Image | None:
    try:
        return client.images.get(ref)
    except docker.errors.ImageNotFound:
        return None


def remove_tag(client: docker.DockerClient, ref: str) -> None:
    """Remove the tag `ref` that sim made, leaving alone any container that uses its image.

    A container sim did not start may run from the tag (`docker run -d <tag>` by hand). Removing a
    tag without force is then refused (409: "must force"); a forced removal of a tag reference only
    untags: Docker keeps an image that a running container uses (untagged, `<none>`, until
    `docker image prune` once the container is gone), and a stopped container keeps its layers
    and still starts. The container itself is never stopped or removed. A missing tag is fine.
    """
    try:
        client.api.remove_image(ref)
    except docker.errors.NotFound:
        return
    except docker.errors.APIError as error:
        if error.status_code != 409:
            raise
        with contextlib.suppress(docker.errors.NotFound):  # untagged by the first attempt already
            client.api.remove_image(ref, force=True)


def ensure_image(client: docker.DockerClient, ref: str) -> Image:
    """The image `ref`, pulled only when it is not present locally."""
    image = find_image(client, ref)
    if image is not None:
        return image
    repository, tag = parse_repository_tag(ref)
    try:
        return client.images.pull(repository, tag=tag or "latest")
    except docker.errors.APIError as error:
        raise SimError(
            f"Image {ref!r} is not on this machine and pulling it failed: {error.explanation}"
        ) from None
