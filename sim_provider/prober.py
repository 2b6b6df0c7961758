"""Readiness probes run from inside the stack's network, for engines whose container addresses the
host cannot reach (Docker Desktop runs the engine in a VM).

A short-lived busybox container on the network does the probing with `nc`, which every busybox build
has (the static Debian build's `wget` crashes), speaking plain HTTP/1.0 for path probes.
"""

import contextlib
import shlex
from collections.abc import Iterator

import docker
from docker.models.containers import Container

from sim_provider.docker_ops import (
    SECURITY_OPT,
    ensure_image,
    remove_container,
    remove_labelled_containers,
)
from sim_provider.readiness import Probe, Seen, http_seen


def host_reaches_containers(client: docker.DockerClient) -> bool:
    return "Docker Desktop" not in client.info().get("OperatingSystem", "")


@contextlib.contextmanager
def network_prober(
    client: docker.DockerClient, network: str, image: str, labels: dict[str, str]
) -> Iterator[Container]:
    remove_labelled_containers(client, labels)  # a leftover of a killed update
    ensure_image(client, image)
    prober = client.containers.run(
        image,
        ["sleep", "3600"],
        detach=True,
        network=network,
        labels=labels,
        init=True,
        security_opt=SECURITY_OPT,
    )
    try:
        yield prober
    finally:
        remove_container(client, prober.id, stop_timeout=0)


def _succeeds(prober: Container, script: str) -> bool:
    return prober.exec_run(["sh", "-c", script]).exit_code == 0


def network_http_probe(prober: Container, ip: str, port: int, path: str) -> Probe:
    request = shlex.quote(f"GET {path} HTTP/1.0\r\nHost: {ip}\r\n\r\n")
    script = f"printf %s {request} | nc -w 2 {ip} {port} | head -n 1"

    def check() -> Seen:
        # The status line, e.g. "HTTP/1.0 404 Not Found"; nothing when no server answers.
        status_line = prober.exec_run(["sh", "-c", script]).output.decode(errors="replace").strip()
        _, status, reason = [*status_line.split(" ", 2), "", ""][:3]
        if not status.isdigit():
            return Seen(False, "no answer")
        return http_seen(int(status), reason)

    what = f"GET http://{ip}:{port}{path} answering 2xx (probed from the network)"
    return Probe(check, what, path)


def network_tcp_probe(prober: Container, ip: str, port: int) -> Probe:
    script = f"nc -w 1 {ip} {port} </dev/null"
    what = f"{ip}:{port} accepting connections (probed from the network)"

    def check() -> Seen:
        accepted = _succeeds(prober, script)
        return Seen(accepted, "connection accepted" if accepted else "no connection")

    return Probe(check, what)
