"""A local image: a registry reference pulled only when absent, or a folder built and tagged by content."""

import contextlib
import re
from typing import Any

import docker.errors
import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult

from sim_provider.docker_ops import RESOURCE_LABEL, SimError, connect, ensure_image, find_image, remove_tag
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
    """Build `ref`; a build that fails keeps nothing: its step containers (`forcerm`) and the images
    its finished steps committed go, and the error carries the failing step's output."""
    try:
        # No `labels`: the builder would append a LABEL step whose layer goes with our tag at
        # destroy, so every build after a destroy or an edit commits one more layer (0.30 s against
        # 0.07 s from cache), and every container run from the image, also one a person starts by
        # hand, would carry our labels and pass for ours. The `<project>-<stack>-` repository
        # is what identifies our images.
        image, _ = client.images.build(
            path=props["context"],
            dockerfile=props["dockerfile"],
            tag=ref,
            rm=True,
            forcerm=True,
        )
    except docker.errors.APIError as error:
        if error.status_code != 400:
            raise
        # The builder refuses the Dockerfile before any step ("dockerfile parse error line 1: ...").
        raise SimError(
            f"Workload {_workload(props)!r}: the Dockerfile {props['dockerfile']} in {props['context']} "
            f"cannot be built: {error.explanation}. Fix it and run `pulumi up` again; nothing was built."
        ) from None
    except docker.errors.BuildError as error:
        log = "".join(str(entry.get("stream") or "") for entry in error.build_log).splitlines()
        _remove_committed(client, log)
        step, output = _failing_step(log)
        raise SimError(
            f"Workload {_workload(props)!r}: building {props['context']} failed at {step}: {error.msg}\n"
            f"Its output:\n{output}\n"
            "Fix the Dockerfile and run `pulumi up` again; nothing of the failed build was kept."
        ) from None
    return image


def _workload(props: dict[str, Any]) -> str:
    """The workload an image is built for, as its errors name it."""
    return str(props["labels"].get(RESOURCE_LABEL, props["repository"]))


# The classic builder's log: each step, and the image it committed (or took from the cache).
STEP = re.compile(r"^Step \d+/\d+ : (\S+)")
COMMITTED = re.compile(r"^ ---> ([0-9a-f]{12})$")


def _remove_committed(client: docker.DockerClient, log: list[str]) -> None:
    """Remove the images the steps of a failed build committed (nothing is tagged: they would stay
    dangling), newest first. A base image (FROM) and a step taken from the cache are not its own."""
    made: list[str] = []
    own = cached = False
    for line in log:
        if step := STEP.match(line):
            own, cached = step.group(1).upper() != "FROM", False
        elif line == " ---> Using cache":
            cached = True
        elif (committed := COMMITTED.match(line)) and own and not cached:
            made.append(committed.group(1))
    for image_id in reversed(made):
        image = find_image(client, image_id)
        if image is not None and not image.tags:
            # Not forced, not pruning: an image something else builds on (a child) stays.
            with contextlib.suppress(docker.errors.APIError):
                client.api.remove_image(image.id, noprune=True)


def _failing_step(log: list[str]) -> tuple[str, str]:
    """The last step the log shows (`step 3 (RUN ...)`) and what it printed."""
    starts = [index for index, line in enumerate(log) if STEP.match(line)]
    if not starts:
        return "its first step", "\n".join(log[-20:]) or "(no output)"
    header, *lines = log[starts[-1] :]
    number, _, instruction = header.removeprefix("Step ").partition(" : ")
    noise = (" ---> ", "The command '", "Removing intermediate container ")
    printed = [line for line in lines if not line.startswith(noise)]
    output = "\n".join(printed[-20:]).strip() or "(no output)"
    return f"step {number.partition('/')[0]} ({instruction})", output


class LocalImage(SimResource):
    """An image present in the local Docker engine; `image_ref` is what containers run."""

    image_ref: pulumi.Output[str]
    image_id: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ImageProvider(), name, {**props, "image_ref": None, "image_id": None}, opts)
