"""A local image: a registry reference pulled only when absent, or a folder built and tagged by content."""

from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult

from sim_provider.docker_ops import SimError, connect, ensure_image, find_image, remove_tag
from sim_provider.engine import EngineBoundProvider
from sim_provider.resource_type import SimResource

# Inputs whose change means another image: a new tag, then the old one is removed.
IDENTITY = ("reference", "context", "dockerfile", "repository", "content_hash", "labels")


class ImageProvider(EngineBoundProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        if props.get("reference"):
            ref = props["reference"]
            image = ensure_image(client, ref)
        else:
            ref = f"{props['repository']}:{props['content_hash'][:16]}"
            # The tag is the content hash: when it exists, the build already happened.
            image = find_image(client, ref) or _build(client, props, ref)
        return CreateResult(ref, {**props, "image_ref": ref, "image_id": image.id})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        image = find_image(connect(), props["image_ref"])
        if image is None:
            return ReadResult(None, {})
        return ReadResult(id_, {**props, "image_id": image.id})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in IDENTITY if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Pulled images are the user's cache, shared with everything else: only our tags go (and
        # only the tag, where a container we did not start runs from it).
        if props.get("reference"):
            return
        remove_tag(connect(), props["image_ref"])


def _build(client: docker.DockerClient, props: dict[str, Any], ref: str) -> Any:
    try:
        image, _ = client.images.build(
            path=props["context"], dockerfile=props["dockerfile"], tag=ref, labels=props["labels"], rm=True
        )
    except docker.errors.BuildError as error:
        lines = [entry.get("stream") or entry.get("error") or "" for entry in error.build_log]
        tail = "".join(lines).strip().splitlines()[-20:]
        raise SimError(f"Building {props['context']} failed: {error.msg}\n" + "\n".join(tail)) from None
    return image


class LocalImage(SimResource):
    """An image present in the local Docker engine; `image_ref` is what containers run."""

    image_ref: pulumi.Output[str]
    image_id: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ImageProvider(), name, {**props, "image_ref": None, "image_id": None}, opts)
