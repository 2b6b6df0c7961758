"""Faults a user's own hands bring to sim, on real Docker with the real engine (issue 11, items 9-11):
things done beside the stack (a container run from a tag we built, a network taken, a failed build)
never make `up` or `destroy` fail with Docker's raw texts, and never cost the user what is theirs."""

import contextlib

import docker.errors
import pytest
import requests

from tests.support.docker_state import labelled

pytestmark = pytest.mark.sim

BUILT = """
web = Workload("web", {"image": "./site", "port": 8080, "public": True, "readiness": "/healthz"})
pulumi.export("url", web.public_url)
pulumi.export("image", web.image_ref)
"""


def site(project, page: str, steps: str = "") -> None:
    """The build context ./site: the test app serving `page` at /page.html, after `steps`."""
    project.write("site/Dockerfile", f"FROM containers-test/app\n{steps}COPY page.html /www/page.html\n")
    project.write("site/page.html", page)


def tags(docker_client) -> set[str]:
    return {tag for image in docker_client.images.list() for tag in image.tags}


@pytest.mark.parametrize("state", ["running", "exited"])
def test_a_container_run_by_hand_from_a_built_tag_blocks_neither_up_nor_destroy(
    sim_project, docker_client, state: str
) -> None:
    """Item 9: removing the old tag failed with Docker's 409 ("must force"), so `up` after a rebuild
    and `destroy` failed. Now only our tag goes; the user's container is left as it was."""
    project = sim_project(BUILT)
    site(project, "v1\n")
    project.up()
    first = project.outputs()
    # As `docker run -d <tag>` by hand: a container of the user's, which Pulumi knows nothing of.
    entrypoint = None if state == "running" else ["true"]
    theirs = docker_client.containers.run(first["image"], entrypoint=entrypoint, detach=True)
    try:
        if state == "exited":
            theirs.wait(timeout=10)
        site(project, "v2\n")
        project.up()
        second = project.outputs()
        assert second["image"] != first["image"]
        assert requests.get(second["url"] + "/page.html", timeout=5).text == "v2\n"
        assert first["image"] not in tags(docker_client), "the previous tag is removed"

        project.stack.destroy()
        assert second["image"] not in tags(docker_client)
        theirs.reload()
        assert theirs.status == state, "the user's container is left as it was"
        if state == "exited":
            theirs.start()  # it still has its image's layers
            theirs.wait(timeout=10)
    finally:
        # It inherited the image's labels: remove it before the fixture looks for leftovers, and
        # the image it kept (untagged: `docker image prune` would remove it as well).
        theirs.remove(force=True)
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(theirs.image.id)
    assert labelled(docker_client, project.stack_label)["images"] == []
