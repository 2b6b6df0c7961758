"""Wing's examples, deployed by the real Pulumi engine on the local Docker engine."""

from pathlib import Path

import pytest
import requests

from tests.support import ROOT
from tests.support.docker_state import NOTHING_LEFT, labelled

pytestmark = pytest.mark.sim
EXAMPLES = ROOT / "examples"


def body(url: str, path: str = "/") -> str:
    response = requests.get(url + path, timeout=5)
    response.raise_for_status()
    return response.text


def test_hello_answers_publicly_on_loopback_only(sim_project, docker_client) -> None:
    project = sim_project(source=EXAMPLES / "hello")
    project.up()
    url = project.outputs()["url"]
    assert url.startswith("http://127.0.0.1:")
    assert body(url) == "hello, wingnuts!\n"

    published = [
        binding
        for name in labelled(docker_client, project.stack_label)["containers"]
        for bindings in docker_client.containers.get(name).ports.values()
        for binding in bindings or []
    ]
    assert published, "the public workload publishes a port"
    assert {b["HostIp"] for b in published} == {"127.0.0.1"}


def test_repeated_up_changes_nothing(sim_project) -> None:
    project = sim_project(source=EXAMPLES / "hello")
    project.up()
    preview = project.stack.preview()
    assert set(preview.change_summary) == {"same"}
    again = project.up()
    assert set(again.summary.resource_changes) == {"same"}


def test_backend_is_built_from_its_folder(sim_project, docker_client) -> None:
    project = sim_project(source=EXAMPLES / "backend")
    project.up()
    assert body(project.outputs()["url"]) == "Hello, Wingnuts!"
    images = labelled(docker_client, project.stack_label)["images"]
    assert len(images) == 1 and images[0].startswith(f"{project.path.name}-test-backend:")


def test_microservices_backend_reaches_private_echo_by_name(sim_project, docker_client) -> None:
    project = sim_project(source=EXAMPLES / "microservices")
    project.up()
    outputs = project.outputs()
    assert outputs["echo_internal_url"] == "http://echo:5678"
    assert body(outputs["url"]) == "hello, wingnuts!\n"

    echo = [
        docker_client.containers.get(name)
        for name in labelled(docker_client, project.stack_label)["containers"]
        if "-echo-" in name
    ]
    # Its replica, and its entry that holds the name `echo` on the network.
    assert sorted(container.labels["containers.role"] for container in echo) == ["replica", "service"]
    assert not any(any(container.ports.values()) for container in echo), (
        "a private workload publishes nothing"
    )


def test_destroy_leaves_nothing_it_created(sim_project, docker_client) -> None:
    project = sim_project(source=EXAMPLES / "microservices")
    project.up()
    before = labelled(docker_client, project.stack_label)
    assert len(before["containers"]) == 4  # echo and its entry, backend and its public entry
    assert len(before["networks"]) == 1
    assert len(before["images"]) == 1  # the built backend; pulled images are the user's cache

    project.stack.destroy()
    assert labelled(docker_client, project.stack_label) == NOTHING_LEFT
    assert docker_client.images.get("hashicorp/http-echo"), "a pulled image stays"


def test_examples_use_the_public_images_a_user_would(docker_client) -> None:
    """The stand-ins exist only on offline machines; the examples name the real images."""
    assert '"hashicorp/http-echo"' in (EXAMPLES / "hello" / "__main__.py").read_text()
    dockerfile = Path(EXAMPLES / "backend" / "backend" / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM node:")


def test_ecs_api_deploys_unchanged_on_its_sim_stack(sim_project, docker_client) -> None:
    """`examples/ecs_api` as a user has it: its Pulumi.yaml says ecs, its Pulumi.sim.yaml says sim."""
    project = sim_project(source=EXAMPLES / "ecs_api", as_is=True)
    project.up()
    url = project.outputs()["url"]
    assert url.startswith("http://127.0.0.1:")
    assert body(url) == "hello from ECS\n"  # the "/" rule of priority 1, through the ALB's proxy
    missed = requests.get(url + "/elsewhere", timeout=5)
    assert (missed.status_code, missed.text) == (404, "no route")  # the ALB's default, no rule matched

    containers = {
        docker_client.containers.get(name).labels.get("containers.container"): docker_client.containers.get(
            name
        )
        for name in labelled(docker_client, project.stack_label)["containers"]
    }
    assert {"api", "cache", "infra"} <= set(containers)
    # The API reaches its cache on localhost: one network namespace per task, as awsvpc gives.
    namespace = f"container:{containers['infra'].id}"
    assert {containers[name].attrs["HostConfig"]["NetworkMode"] for name in ("api", "cache")} == {namespace}
    ping = containers["cache"].exec_run(["redis-cli", "-h", "localhost", "ping"])
    assert ping.output.decode().strip() == "PONG"
