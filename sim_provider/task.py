"""One instance of a multi-container workload, run as ECS runs a task.

An infra container holds the instance's network namespace (and its aliases on the stack's network);
every container of the task joins it (`network_mode=container:<infra>`), so siblings reach each
other on localhost, as in an awsvpc task or a Kubernetes pod. Containers start in `depends_on`
order, each waiting for its dependencies' condition (START, HEALTHY, COMPLETE, SUCCESS); an
`internal_health_check` is the container's Docker health check.

An essential container that exits is started again by Docker at once (restart policy
`unless-stopped`), in the same namespace, as close as Docker comes to ECS replacing the task; its
siblings keep running (on ECS the whole task stops). `pulumi refresh` records the restarts, and the
next `up` replaces the instance with a fresh one, every container new, as ECS's replacement task is.
A non-essential container may exit and is not restarted. A container stopped by hand (`docker stop`)
stays stopped: refresh notices it and the next `up` replaces the instance.
"""

import hashlib
import json
import secrets
import time
from typing import Any

import docker
import docker.errors
import pulumi
from docker.models.containers import Container
from pulumi.dynamic import CreateResult

from sim_provider.container_provider import ContainerProvider, restart_policy_changed
from sim_provider.docker_ops import (
    RESTART_POLICY,
    SECURITY_OPT,
    SimError,
    connect,
    container_ip,
    find_container,
    last_log_lines,
    remove_container,
    whole_number,
)
from sim_provider.engine import ensure_engine_running
from sim_provider.pending_create import pending_create
from sim_provider.readiness import POLL_SECONDS, SETTLE_SECONDS
from sim_provider.resource_type import SimResource
from sim_provider.volumes import replica_volumes

CONTAINER_LABEL = "containers.container"
INFRA = "infra"  # the CONTAINER_LABEL value of the container that holds the namespace
NANOSECONDS = 1_000_000_000
# Inputs that shape the instance; any change replaces it (the new one runs before the old goes).
IDENTITY = (
    "network",
    "aliases",
    "infra_image",
    "containers",
    "environment",
    "labels",
    "name_prefix",
)


def spec_hash(props: dict[str, Any]) -> str:
    """Identifies what an instance was created from; environment values are left out (secrets)."""
    shape = {key: props.get(key) for key in IDENTITY if key != "environment"}
    shape["environment"] = {name: sorted(env) for name, env in (props.get("environment") or {}).items()}
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def start_order(containers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The containers, each after the ones it depends on (the spec refuses cycles)."""
    by_name = {container["name"]: container for container in containers}
    ordered: list[dict[str, Any]] = []

    def visit(container: dict[str, Any]) -> None:
        if container in ordered:
            return
        for dependency in container.get("depends_on") or []:
            visit(by_name[dependency["container_name"]])
        ordered.append(container)

    for container in containers:
        visit(container)
    return ordered


def docker_health_check(check: dict[str, Any] | None) -> dict[str, Any] | None:
    """ECS `healthCheck` (seconds) as Docker's (nanoseconds): the same command, interval, timeout,
    retries and start period."""
    if not check:
        return None
    rendered = {
        "test": list(check["command"]),
        "interval": int(check["interval_seconds"] * NANOSECONDS),
        "timeout": int(check["timeout_seconds"] * NANOSECONDS),
        "retries": whole_number(check["retries"]),
    }
    if check.get("start_period_seconds") is not None:
        rendered["start_period"] = int(check["start_period_seconds"] * NANOSECONDS)
    return rendered


class TaskProvider(ContainerProvider):
    IDENTITY = IDENTITY
    NETWORK_ALIASES = "aliases"  # held by the infra container, the namespace every member joins

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connect()
        labels = {**props["labels"], "containers.spec-hash": spec_hash(props)}
        prefix = f"{props['name_prefix']}-{secrets.token_hex(3)}"
        with pending_create(client, props) as create:
            infra = create.track(self._create_infra(client, props, labels, create.name(INFRA)))
            infra.start()
            names = {INFRA: f"{prefix}-{INFRA}"}
            started: dict[str, Container] = {}
            mounts: dict[str, dict[str, str]] = {}  # member -> path -> volume, for members that have any
            for spec in start_order(props["containers"]):
                for dependency in spec.get("depends_on") or []:
                    _wait_for(started[dependency["container_name"]], dependency, props, spec["name"])
                volumes = replica_volumes(
                    client, spec["image_id"], f"{props['name_prefix']}-{spec['name']}", props["labels"]
                )
                if volumes:
                    mounts[spec["name"]] = volumes
                member = _create_member(
                    client, props, labels, create.name(spec["name"]), infra, spec, volumes
                )
                started[spec["name"]] = container = create.track(member)
                container.start()
                names[spec["name"]] = f"{prefix}-{spec['name']}"
            _wait_running(props, started)
            ip = container_ip(infra, props["network"])
            renames = [(infra, names[INFRA])] + [(c, names[member]) for member, c in started.items()]
            create.commit(renames, f"an instance of {props['workload']!r}")
        infra_name = names.pop(INFRA)
        outputs = {
            **props,
            "infra_name": infra_name,
            "container_names": names,
            "ip": ip,
            "mounts": mounts,
            "running": True,
            "stopped": [],
            "restarts": {},
        }
        return CreateResult(infra.id, outputs)

    @staticmethod
    def _create_infra(
        client: docker.DockerClient, props: dict[str, Any], labels: dict[str, str], name: str
    ) -> str:
        api = client.api
        created = api.create_container(
            image=props["infra_image"],
            command=["sleep", "2147483647"],
            name=name,
            labels={**labels, CONTAINER_LABEL: INFRA},
            detach=True,
            host_config=api.create_host_config(
                init=True, restart_policy=RESTART_POLICY, security_opt=SECURITY_OPT
            ),
            networking_config=api.create_networking_config(
                {props["network"]: api.create_endpoint_config(aliases=list(props.get("aliases") or []))}
            ),
        )
        return created["Id"]

    def observed(
        self, client: docker.DockerClient, infra: Container, props: dict[str, Any]
    ) -> dict[str, Any]:
        essential = {name: _member(client, props, name) for name in _essential_names(props)}
        stopped = [name for name, container in essential.items() if not _running(container)]
        restarts = {
            name: container.attrs.get("RestartCount", 0)
            for name, container in essential.items()
            if container is not None and container.attrs.get("RestartCount", 0)
        }
        return {"running": _running(infra) and not stopped, "stopped": stopped, "restarts": restarts}

    def drift(self, client: docker.DockerClient, infra: Container, props: dict[str, Any]) -> dict[str, Any]:
        drift = super().drift(client, infra, props)
        # Docker restarts the essential members too (a non-essential one may stay exited).
        members = (_member(client, props, name) for name in _essential_names(props))
        if changed := sorted(c.name for c in members if c is not None and restart_policy_changed(c)):
            drift["member_restart_policy"] = changed
        return drift

    def replaced(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        # An essential container Docker restarted (seen by refresh): a fresh instance, as ECS's new task.
        return super().replaced(olds, news) + (["restarts"] if olds.get("restarts") else [])

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = connect()
        # Dependents first, as ECS stops a task: each gets SIGTERM, then SIGKILL after its stop_timeout.
        names = props.get("container_names") or {}
        for spec in reversed(start_order(props["containers"])):
            name = names.get(spec["name"])
            if name:
                remove_container(client, name, stop_timeout=whole_number(spec["stop_timeout"]) or 0)
        remove_container(client, id_, stop_timeout=1)


def _member(client: docker.DockerClient, props: dict[str, Any], name: str) -> Container | None:
    container_name = (props.get("container_names") or {}).get(name)
    return find_container(client, container_name) if container_name else None


def _essential_names(props: dict[str, Any]) -> list[str]:
    return [spec["name"] for spec in props["containers"] if spec.get("essential", True)]


def _running(container: Container | None) -> bool:
    return container is not None and container.status == "running"


def _create_member(
    client: docker.DockerClient,
    props: dict[str, Any],
    labels: dict[str, str],
    name: str,
    infra: Container,
    spec: dict[str, Any],
    volumes: dict[str, str],
) -> str:
    api = client.api
    created = api.create_container(
        image=spec["image_ref"],
        entrypoint=list(spec["command"]) or None,
        command=list(spec["args"]) or None,
        name=name,
        environment=(props.get("environment") or {}).get(spec["name"]) or {},
        user=spec.get("user"),
        labels={**labels, CONTAINER_LABEL: spec["name"]},
        detach=True,
        healthcheck=docker_health_check(spec.get("health_check")),
        stop_timeout=whole_number(spec["stop_timeout"]),
        # An init process as PID 1 forwards SIGTERM to images that installed no handler.
        host_config=api.create_host_config(
            init=True,
            network_mode=f"container:{infra.id}",
            security_opt=SECURITY_OPT,
            read_only=bool(spec.get("read_only_root_filesystem")),
            restart_policy=RESTART_POLICY if spec.get("essential", True) else None,
            binds={volume: {"bind": path, "mode": "rw"} for path, volume in volumes.items()},
        ),
    )
    return created["Id"]


def _wait_for(
    dependency: Container, condition: dict[str, Any], props: dict[str, Any], dependent: str
) -> None:
    """Block until `dependency` meets `condition` (ECS `dependsOn`), or fail with its last log lines."""
    wanted = condition["condition"]
    deadline = time.monotonic() + props["timeout_seconds"]
    what = f"Container {condition['container_name']!r}, which {dependent!r} depends on ({wanted}),"
    while True:
        ensure_engine_running(what)
        dependency.reload()
        state = dependency.attrs["State"]
        exited = dependency.status in ("exited", "dead")
        health = (state.get("Health") or {}).get("Status")
        if wanted == "START" or (wanted == "HEALTHY" and health == "healthy"):
            return
        if wanted in ("COMPLETE", "SUCCESS") and exited:
            if wanted == "COMPLETE" or state.get("ExitCode") == 0:
                return
            raise _failure(dependency, f"{what} exited with code {state.get('ExitCode')} instead of 0")
        restarted = bool(dependency.attrs.get("RestartCount"))  # an essential one exited, Docker restarted it
        if wanted == "HEALTHY" and (exited or restarted or health == "unhealthy"):
            raise _failure(dependency, f"{what} became {'unhealthy' if health == 'unhealthy' else 'exited'}")
        if time.monotonic() > deadline:
            raise _failure(dependency, f"{what} did not get there in {props['timeout_seconds']:g}s")
        time.sleep(POLL_SECONDS)


def _wait_running(props: dict[str, Any], started: dict[str, Container]) -> None:
    """Ready when every essential container runs (and is healthy, if it has a health check) and
    stays up for a moment; a non-essential container may exit."""
    essential = [started[name] for name in _essential_names(props)]
    checked = {spec["name"] for spec in props["containers"] if spec.get("health_check")}
    deadline = time.monotonic() + props["timeout_seconds"]
    up_since: float | None = None
    while True:
        ensure_engine_running(f"an instance of {props['workload']!r}")
        ready = True
        for container in essential:
            container.reload()
            label = container.labels[CONTAINER_LABEL]
            health = (container.attrs["State"].get("Health") or {}).get("Status")
            # Docker restarts an essential container that exits: a restart during `up` is an exit.
            if container.status in ("exited", "dead", "restarting") or container.attrs.get("RestartCount"):
                code = container.attrs["State"].get("ExitCode")
                raise _failure(container, f"Essential container {label!r} exited with code {code}")
            if health == "unhealthy":
                raise _failure(container, f"Essential container {label!r} became unhealthy")
            ready = ready and container.status == "running" and (label not in checked or health == "healthy")
        now = time.monotonic()
        up_since = (up_since or now) if ready else None
        if up_since is not None and now - up_since >= SETTLE_SECONDS:
            return
        if now > deadline:
            raise SimError(
                f"An instance of {props['workload']!r} was not ready after {props['timeout_seconds']:g}s "
                "(essential containers running, health checks healthy)."
            )
        time.sleep(POLL_SECONDS)


def _failure(container: Container, what: str) -> SimError:
    return SimError(f"{what}. Its last log lines:\n{last_log_lines(container)}")


class Task(SimResource):
    """One instance of a ContainerWorkload: its containers sharing one network namespace."""

    infra_name: pulumi.Output[str]
    container_names: pulumi.Output[dict[str, str]]
    running: pulumi.Output[bool]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        outputs = dict.fromkeys(
            ("infra_name", "container_names", "ip", "mounts", "running", "stopped", "restarts")
        )
        # Environment values may be secrets: they stay secret in state whether or not they were marked.
        secret = pulumi.ResourceOptions(additional_secret_outputs=["environment"])
        super().__init__(
            TaskProvider(), name, {**props, **outputs}, pulumi.ResourceOptions.merge(opts, secret)
        )
