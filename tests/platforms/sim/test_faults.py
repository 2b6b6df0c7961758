"""Faults a user's own hands bring to sim, on real Docker with the real engine (issue 11, items 9-11):
things done beside the stack (a container run from a tag we built, a network taken, a failed build)
never make `up` or `destroy` fail with Docker's raw texts, and never cost the user what is theirs."""

import contextlib
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import docker.errors
import pytest
import requests
from pulumi import automation as auto

from tests.support import ROOT
from tests.support.docker_state import NOTHING_LEFT, labelled
from tests.support.interrupted_create import forget_created

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
        # The user's container, and the image it kept (untagged: `docker image prune` would remove
        # it as well), so the test leaves the engine as it found it.
        theirs.remove(force=True)
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(theirs.image.id)
    assert labelled(docker_client, project.stack_label)["images"] == []


def test_a_failed_build_leaves_nothing_and_the_fixed_build_deploys(sim_project, docker_client) -> None:
    """Item 10: a failing RUN step left its exited container and the images of the steps before it
    (dangling, untagged); the error now carries the step's output, and nothing of the build stays."""
    marker = uuid.uuid4().hex
    project = sim_project(BUILT)
    site(project, "v1\n", f"RUN echo {marker} > /kept\nRUN echo {marker}-says-no; exit 1\n")
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    message = str(caught.value)
    assert f"failed at step 3 (RUN echo {marker}-says-no; exit 1)" in message
    assert re.search(rf"Its output:\s+{marker}-says-no\s+Fix the Dockerfile", message), message
    assert "returned a non-zero code: 1" in message

    def mentions_marker(command: object) -> bool:
        return marker in " ".join(command or []) if isinstance(command, list) else marker in str(command)

    containers = [
        c for c in docker_client.containers.list(all=True) if mentions_marker(c.attrs["Config"]["Cmd"])
    ]
    assert containers == [], "no exited build container"
    images = [
        i.id
        for i in docker_client.images.list(all=True)
        if mentions_marker((i.attrs.get("ContainerConfig") or {}).get("Cmd"))
    ]
    assert images == [], "no image of a step of the failed build"

    site(project, "v2\n", f"RUN echo {marker} > /kept\n")
    project.up()
    assert requests.get(project.outputs()["url"] + "/page.html", timeout=5).text == "v2\n"


@pytest.mark.parametrize("probe_from", ["host", "network"])
def test_a_readiness_path_the_server_does_not_have_fails_fast_with_the_status_seen(
    sim_project, probe_from: str
) -> None:
    """Item 11: a readiness path answering 404 waited the whole readiness timeout (60 s) and said only
    "not ready", after gRPC's "Exception calling application:". A server answering 404 for 5 s is up
    and the path is wrong: it says so then, in its own words."""
    project = sim_project(
        """
        Workload("web", {"image": "containers-test/app", "port": 8080, "readiness": "/no-such-path"})
    """,
        config={"containers:simProbeFrom": probe_from},
    )
    started = time.monotonic()
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert "is up, but its readiness path '/no-such-path' is not there: got 404 Not Found" in message
    assert "The path is likely wrong" in message
    # The plain `pulumi up` output too carries the provider's words alone (no gRPC wrapping).
    assert "Exception calling application" not in message
    assert elapsed < 30, f"took {elapsed:.0f}s: the readiness timeout is 60 s"


def test_a_dockerfile_syntax_error_is_one_clear_message(sim_project) -> None:
    """Item 11: the builder's 400 reached the user raw ("400 Client Error for http+docker://...")."""
    project = sim_project(BUILT)
    project.write("site/Dockerfile", "FORM containers-test/app\n")
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    message = str(caught.value)
    assert "Workload 'web': the Dockerfile Dockerfile in " in message
    assert "cannot be built: dockerfile parse error line 1: unknown instruction: FORM" in message
    assert "Client Error" not in message and "http+docker" not in message


def test_a_network_name_taken_by_a_network_not_ours_is_refused_clearly(sim_project, docker_client) -> None:
    """Item 11: the network of our name that something else made is named with its cluster and what
    to do; once it is gone, `up` deploys."""
    project = sim_project('Workload("web", {"image": "containers-test/app", "port": 8080})\n')
    taken = docker_client.networks.create(f"{project.path.name}-test-app")
    try:
        with pytest.raises(auto.CommandError) as caught:
            project.up()
        message = str(caught.value)
        assert f"Cluster 'app': the Docker network '{taken.name}' already exists and is not this" in message
        assert f"something else created it. Remove it (`docker network rm {taken.name}`)" in message
        assert "Client Error" not in message
    finally:
        taken.remove()
    project.up()


def test_a_foreign_container_on_our_network_at_destroy_is_named(sim_project, docker_client) -> None:
    """Item 11: `destroy` failed with Docker's raw 403 ("network ... has active endpoints")."""
    project = sim_project('Workload("web", {"image": "containers-test/app", "port": 8080})\n')
    project.up()
    network = f"{project.path.name}-test-app"
    theirs = docker_client.containers.run(
        "containers-test/app", detach=True, network=network, name=f"theirs-{uuid.uuid4().hex[:6]}"
    )
    try:
        with pytest.raises(auto.CommandError) as caught:
            project.stack.destroy()
        message = str(caught.value)
        assert f"The Docker network '{network}' of cluster 'app' cannot be removed" in message
        assert f"containers this stack did not create are connected to it ({theirs.name})" in message
        assert f"`docker network disconnect {network} <container>`" in message
        assert "Client Error" not in message
        theirs.reload()
        assert theirs.status == "running", "the foreign container is left alone"
    finally:
        theirs.remove(force=True)
    project.stack.destroy()


def test_plain_destroy_removes_the_containers_of_creates_the_engine_never_heard_back_from(
    sim_project, docker_client
) -> None:
    """An engine killed between a create's end and its answer leaves a ready container no state
    records (tests/support/interrupted_create.py makes that checkpoint): a replica, and a whole task
    instance (its infra on the network, its members in the infra's namespace). Plain `pulumi
    destroy` failed at the network ("containers this stack did not create are connected"); the
    network's delete now removes this stack's own containers still on it, and leaves others'."""
    project = sim_project("""
        from components import ContainerWorkload
        Workload("web", {"image": "containers-test/app", "port": 8080, "replicas": 2})
        ContainerWorkload("shop", {
            "containers": [
                {"name": "main", "image": "containers-test/app"},
                {"name": "side", "image": "containers-test/app", "command": ["sleep", "3600"]},
            ],
            "resources": {"cpu": 0.25, "memory": 512},
        })
    """)
    project.up()
    forget_created(project, "web-replica-2", "shop-task-1")
    project.stack.destroy()
    assert labelled(docker_client, project.stack_label) == NOTHING_LEFT


def test_a_docker_socket_this_user_may_not_open_is_not_called_docker_down(docker_client) -> None:
    """Item 11: a permission error on the socket said "Start Docker". Connecting as a user outside
    the socket's group (root may open any socket) gets the real EACCES from the real socket."""
    # The system's interpreter (this one may live where that user cannot read), with our packages.
    python = Path("/usr/bin/python3")
    if not python.exists():
        pytest.skip("no system python3 to run as another user")
    site_packages = next(Path(sys.prefix, "lib").glob("python3*/site-packages"))
    probe = "from sim_provider.docker_ops import connect\ntry:\n    connect()\nexcept Exception as e:\n    print(e)"  # noqa: E501
    run = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(python), "-c", probe],
        capture_output=True,
        text=True,
        cwd="/",
        env={"DOCKER_HOST": "unix:///var/run/docker.sock", "PYTHONPATH": f"{ROOT}:{site_packages}"},
        check=True,
    )
    assert "Permission denied on the Docker socket /var/run/docker.sock" in run.stdout, (
        run.stdout + run.stderr
    )
    assert "docker` group" in run.stdout
    assert "Start Docker" not in run.stdout
