"""What users check first on sim: readiness, replicas, rebuilds, drift, secrets and faults."""

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from pulumi import automation as auto

from tests.support.docker_state import NOTHING_LEFT, labelled
from tests.support.processes import descendants, still_running

pytestmark = pytest.mark.sim
APP = "containers-test/app"  # scripts/offline_images.py: busybox httpd with /healthz, /cgi-bin/*


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=5)


def containers_of(docker_client, project, workload: str) -> list:
    selector = {
        "label": [
            f"containers.stack={project.stack_label}",
            f"containers.resource={workload}",
            "containers.role=replica",
        ]
    }
    return docker_client.containers.list(all=True, filters=selector)


def test_update_waits_for_readiness(sim_project) -> None:
    project = sim_project("""
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                               "readiness": "/healthz", "env": {"READY_AFTER": "2"}})
        pulumi.export("url", web.public_url)
    """)
    project.up()
    # The app serves /healthz only two seconds after it starts: answering now proves `up` waited.
    assert get(project.outputs()["url"] + "/healthz").status_code == 200


def test_readiness_probed_from_inside_the_network(sim_project, docker_client) -> None:
    """The path Docker Desktop takes (its host cannot reach container addresses), forced here."""
    project = sim_project(
        """
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                               "readiness": "/healthz", "env": {"READY_AFTER": "2"}})
        worker = Workload("worker", {"image": "containers-test/app", "port": 8080})
        pulumi.export("url", web.public_url)
    """,
        config={"containers:simProbeFrom": "network"},
    )
    project.up()
    assert get(project.outputs()["url"] + "/healthz").status_code == 200  # `up` waited for it
    selector = {"label": [f"containers.stack={project.stack_label}", "containers.role=prober"]}
    assert docker_client.containers.list(all=True, filters=selector) == [], "each prober is removed"


@pytest.mark.parametrize("probe_from", ["host", "network"])
def test_never_ready_fails_with_the_last_log_lines_and_leaves_nothing(
    sim_project, docker_client, probe_from: str
) -> None:
    project = sim_project(
        """
        Workload("web", {"image": "containers-test/app", "port": 8080, "readiness": "/healthz",
                         "env": {"NEVER_READY": "1"}})
    """,
        config={"containers:readinessTimeoutSeconds": "3", "containers:simProbeFrom": probe_from},
    )
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    message = str(caught.value)
    assert "was not ready after 3s" in message
    assert "GET http://" in message and "/healthz answering 2xx" in message
    assert "; last: got 404 Not Found)" in message, "the status seen is in the error"
    assert "listening on 8080" in message, "the container's own last log line is in the error"
    assert ("probed from the network" in message) == (probe_from == "network")
    assert containers_of(docker_client, project, "web") == []


def test_crashing_container_fails_with_its_exit_code(sim_project) -> None:
    project = sim_project("""
        Workload("web", {"image": "containers-offline/busybox", "port": 8080,
                         "args": ["sh", "-c", "echo boom; exit 3"]})
    """)
    with pytest.raises(auto.CommandError, match=r"exited with code 3[\s\S]*boom"):
        project.up()


def test_replicas_are_spread_behind_both_urls(sim_project, docker_client) -> None:
    project = sim_project("""
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True, "replicas": 3})
        whoami = web.internal_url.apply(lambda url: url + "/cgi-bin/whoami")
        caller = Workload("caller", {"image": "containers-test/app", "port": 8080, "public": True,
                                     "env": {"TARGET_URL": whoami}})
        pulumi.export("url", web.public_url)
        pulumi.export("caller", caller.public_url)
    """)
    project.up()
    replicas = containers_of(docker_client, project, "web")
    assert len(replicas) == 3
    hostnames = {c.attrs["Config"]["Hostname"] for c in replicas}

    outputs = project.outputs()
    seen_public = {get(outputs["url"] + "/cgi-bin/whoami").text.strip() for _ in range(30)}
    assert seen_public == hostnames, "the public URL round-robins across every replica"
    seen_internal = {get(outputs["caller"] + "/cgi-bin/fetch").text.strip() for _ in range(40)}
    assert len(seen_internal) >= 2 and seen_internal <= hostnames, "the internal URL reaches several replicas"


def test_rebuild_only_when_sources_change(sim_project, docker_client) -> None:
    project = sim_project("""
        web = Workload("web", {"image": "./site", "port": 8080, "public": True,
                               "sources": ["*.html"]})
        pulumi.export("url", web.public_url)
        pulumi.export("image", web.image_ref)
    """)
    project.write(
        "site/Dockerfile",
        f"FROM {APP}\nCOPY index.html /srv/index.html\n"
        'ENTRYPOINT ["httpd", "-f", "-p", "8080", "-h", "/srv"]\n',
    )
    project.write("site/index.html", "v1\n")
    project.write("site/notes.txt", "not a source\n")
    project.up()
    first = project.outputs()
    assert get(first["url"]).text == "v1\n"

    project.write("site/notes.txt", "changed, but not a source\n")
    assert set(project.stack.preview().change_summary) == {"same"}

    project.write("site/index.html", "v2\n")
    assert project.stack.preview().change_summary.get("replace", 0) >= 1
    project.up()
    second = project.outputs()
    assert second["image"] != first["image"]
    assert get(second["url"]).text == "v2\n"
    assert second["url"] == first["url"], "the public URL survives a new image"
    tags = labelled(docker_client, project.stack_label)["images"]
    assert tags == [second["image"]], "the previous image tag is removed"


def test_refresh_notices_removed_and_stopped_containers_and_up_restores_them(
    sim_project, docker_client
) -> None:
    project = sim_project("""
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True})
        pulumi.export("url", web.public_url)
    """)
    project.up()
    url = project.outputs()["url"]

    [replica] = containers_of(docker_client, project, "web")
    replica.remove(force=True)
    project.stack.refresh()
    assert project.stack.preview().change_summary.get("create") == 1
    project.up()
    assert get(url).status_code == 200
    [restored] = containers_of(docker_client, project, "web")
    assert restored.id != replica.id

    restored.stop(timeout=1)
    project.stack.refresh()
    project.up()
    [running] = [c for c in containers_of(docker_client, project, "web") if c.status == "running"]
    assert get(url).status_code == 200
    assert running.id != restored.id


def test_secret_env_stays_secret_in_state_and_outputs(sim_project) -> None:
    project = sim_project("""
        token = pulumi.Output.secret("s3cret-value-42")
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                               "env": {"TOKEN": token, "PLAIN": "visible"}})
        pulumi.export("url", web.public_url)
        pulumi.export("token", token)
    """)
    result = project.up()
    assert result.outputs["token"].secret
    environment = get(result.outputs["url"].value + "/environment").text.splitlines()
    assert "TOKEN=s3cret-value-42" in environment
    assert "PLAIN=visible" in environment
    # (The Automation API's export_stack shows secrets: read what is stored instead.)
    state = project.state_file_text()
    assert '"PLAIN":"visible"' in state, "plain values stay readable"
    assert "s3cret-value-42" not in state
    assert "s3cret-value-42" not in result.stdout


def test_changed_args_replace_the_container_behind_the_same_url(sim_project, docker_client) -> None:
    program = """
        web = Workload("web", {"image": "hashicorp/http-echo", "port": 5678, "public": True,
                               "args": ["-text=%s"]})
        pulumi.export("url", web.public_url)
    """
    project = sim_project(program % "one")
    project.up()
    url = project.outputs()["url"]
    [before] = containers_of(docker_client, project, "web")
    project.set_program(program % "two")
    project.up()
    [after] = containers_of(docker_client, project, "web")
    assert after.id != before.id
    assert get(url).text == "two\n"


def test_docker_engine_down_is_one_clear_error(sim_project) -> None:
    """Item 11 of issue 11: each resource created in parallel (network, images) failed with the same
    message, behind gRPC's "Exception calling application:". The program now checks once."""
    project = sim_project("""
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True})
    """)
    down = "unix:///nonexistent/docker.sock"
    project.stack.workspace.env_vars["DOCKER_HOST"] = down
    with pytest.raises(auto.CommandError) as caught:
        project.up()
    output = str(caught.value)
    diagnostics = output.partition("Diagnostics:")[2]
    assert diagnostics.count(f"Cannot reach the Docker engine at {down}") == 1, output
    assert "Exception calling application" not in output
    assert "Traceback" not in output
    env = {**os.environ, **project.stack.workspace.env_vars}
    cli = subprocess.run(
        [sys.executable, "-m", "components", "up", "--stack", "test", "--dir", str(project.path)],
        env=env,
        capture_output=True,
        text=True,
    )
    printed = " ".join((cli.stdout + cli.stderr).split())  # the console wraps long lines
    assert cli.returncode == 1
    assert printed.count("Cannot reach the Docker engine") == 1, printed
    assert "Exception calling application" not in printed and "update failed" not in printed
    del project.stack.workspace.env_vars["DOCKER_HOST"]


def test_docker_down_at_refresh_and_destroy_is_one_clear_error_and_loses_nothing(
    sim_project, docker_client
) -> None:
    """Docker down after an `up`: the CLI's `refresh` and `destroy` each say so once; the plain
    engine says it per resource (each fails alone) but without gRPC's words; nothing is forgotten,
    and once Docker answers again `destroy` removes every container and network."""
    project = sim_project("""
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True, "replicas": 2})
    """)
    project.up()
    before = project.stack.export_stack().deployment["resources"]
    down = "unix:///nonexistent/docker.sock"
    project.stack.workspace.env_vars["DOCKER_HOST"] = down
    env = {**os.environ, **project.stack.workspace.env_vars}
    for command in ("refresh", "destroy"):
        cli = subprocess.run(
            [sys.executable, "-m", "components", command, "--stack", "test", "--dir", str(project.path)],
            env=env,
            capture_output=True,
            text=True,
        )
        printed = " ".join((cli.stdout + cli.stderr).split())
        assert cli.returncode == 1, printed
        assert printed.count(f"Cannot reach the Docker engine at {down}") == 1, printed
        assert "run the command again" in printed and "Traceback" not in printed
    with pytest.raises(auto.CommandError) as caught:
        project.stack.destroy()
    assert "Exception calling application" not in str(caught.value)
    del project.stack.workspace.env_vars["DOCKER_HOST"]

    after = project.stack.export_stack().deployment["resources"]
    containers_kept = {r["urn"] for r in before if r["type"].endswith((":Replica", ":Ingress"))}
    assert containers_kept <= {r["urn"] for r in after}, "a failed destroy forgets no container"
    project.stack.destroy()
    assert labelled(docker_client, project.stack_label) == NOTHING_LEFT


def test_bad_input_fails_preview_and_creates_nothing(sim_project) -> None:
    project = sim_project("""
        Workload("web", {"image": "containers-test/app", "public": True})
    """)
    with pytest.raises(auto.CommandError) as caught:
        project.stack.preview()
    assert 'Workload "web": field "public" got True' in str(caught.value)
    assert "Traceback" not in str(caught.value)
    with pytest.raises(auto.CommandError):
        project.up()
    resources = project.stack.export_stack().deployment.get("resources", [])
    assert [r["type"] for r in resources if r["type"] != "pulumi:pulumi:Stack"] == []


def test_interrupted_up_converges_on_the_next_one(sim_project, docker_client) -> None:
    project = sim_project("""
        web = Workload("web", {"image": "containers-test/app", "port": 8080, "public": True,
                               "readiness": "/healthz", "env": {"READY_AFTER": "3"}})
        pulumi.export("url", web.public_url)
    """)
    env = {**os.environ, **project.stack.workspace.env_vars}
    update = subprocess.Popen(
        ["pulumi", "up", "--yes", "--skip-preview", "--stack", "test"],
        cwd=project.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not containers_of(docker_client, project, "web"):
        assert time.monotonic() < deadline, "the replica never appeared"
        time.sleep(0.1)
    engine_processes = descendants(update.pid)
    assert any("pulumi.dynamic" in command for command in engine_processes.values())
    # As a closed terminal or the OOM killer would: the engine's group gets SIGKILL, mid-create. Pulumi
    # runs each plugin in a group of its own, so the language host and the provider outlive it...
    os.killpg(update.pid, signal.SIGKILL)
    update.wait()
    # ...until they notice, and the create in flight leaves nothing a state does not know.
    assert still_running(engine_processes, within_seconds=15) == {}
    assert containers_of(docker_client, project, "web") == []

    # The user's next `make up`: the same driver, which releases the dead update's lock.
    converge = subprocess.run(
        [sys.executable, "-m", "components", "up", "--stack", "test", "--dir", str(project.path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert converge.returncode == 0, converge.stdout + converge.stderr
    assert get(project.outputs()["url"] + "/healthz").status_code == 200
    assert len(containers_of(docker_client, project, "web")) == 1, "the interrupted create left no orphan"
