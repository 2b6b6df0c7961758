"""Workload argument validation: every mistake gets one message naming component, field, allowed values."""

from pathlib import Path

import pulumi
import pytest
from pulumi.runtime.sync_await import _sync_await

from components.spec.build_context import content_hash, matching_files
from components.spec.errors import InvalidArgumentError
from components.spec.workload import parse_workload


@pytest.fixture
def backend_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A build context at ./backend, relative to the working directory as in a Pulumi program."""
    folder = tmp_path / "backend"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM scratch\n")
    (folder / "index.js").write_text("console.log('hi')\n")
    monkeypatch.chdir(tmp_path)
    return folder


BAD_INPUTS = [
    # (args, field named in the message, a fragment of what is allowed)
    ({"port": 80}, "image", "registry reference"),
    ({"image": "", "port": 80}, "image", "registry reference"),
    ({"image": "nginx", "public": True}, "public", "together with 'port'"),
    ({"image": "nginx", "port": 0}, "port", "from 1 to 65535"),
    ({"image": "nginx", "port": 70000}, "port", "from 1 to 65535"),
    ({"image": "nginx", "port": "80"}, "port", "from 1 to 65535"),
    ({"image": "nginx", "port": True}, "port", "from 1 to 65535"),
    ({"image": "nginx", "replicas": 0}, "replicas", "from 1 to"),
    ({"image": "nginx", "port": 80, "readiness": "healthz"}, "readiness", "starting with '/'"),
    ({"image": "nginx", "readiness": "/healthz"}, "readiness", "together with 'port'"),
    ({"image": "nginx", "name": "My_App"}, "name", "DNS-1123"),
    ({"image": "nginx", "name": "9lives"}, "name", "starting with a letter"),
    ({"image": "nginx", "name": "a" * 54}, "name", "at most 53"),
    ({"image": "nginx", "env": {"PORT": 8080}}, "env.PORT", "a string"),
    ({"image": "nginx", "env": {"1BAD": "x"}}, "env", "variable names"),
    ({"image": "nginx", "args": ["-v", 3]}, "args[1]", "a string"),
    ({"image": "nginx", "sources": ["*.js"]}, "sources", "only when 'image' is a local folder"),
    ({"image": "nginx", "colour": "blue"}, "colour", "one of the keys image, name, port"),
    ({"image": "nginx", "public": "yes", "port": 80}, "public", "true or false"),
    (
        {"image": "nginx", "scaling": {"min_instances": 5, "max_instances": 2}},
        "scaling.min_instances",
        "at most max",
    ),
    (
        {"image": "nginx", "scaling": {"scaling_policy": {"keep_avg_cpu_utilization_under": 150}}},
        "scaling.scaling_policy.keep_avg_cpu_utilization_under",
        "from 1 to 100",
    ),
    ({"image": "nginx", "resources": {"cpu": 0}}, "resources.cpu", "greater than 0"),
    ({"image": "nginx", "resources": {"gpu": 1}}, "resources.gpu", "cpu, memory"),
    ({"image": "nginx", "port": 80, "domain": {"host": "a.example.com"}}, "domain", "public: true"),
    (
        {
            "image": "nginx",
            "port": 80,
            "public": True,
            "domain": {"host": "a.example.com", "certificate_arn": "x"},
        },
        "domain.certificate_arn",
        "starting with 'arn:'",
    ),
]


@pytest.mark.parametrize(("args", "field", "allowed"), BAD_INPUTS)
def test_bad_input_names_component_field_and_allowed_values(args: dict, field: str, allowed: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_workload("web", args)
    error = caught.value
    assert error.component == "Workload"
    assert error.resource == "web"
    assert error.field == field
    message = str(error)
    assert message.startswith('Workload "web": ')
    assert f'"{field}"' in message
    assert allowed in message


def test_output_where_a_plain_value_decides_the_graph_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match=r'"port".*not an Output'):
        parse_workload("web", {"image": "nginx", "port": pulumi.Output.from_input(80)})


def test_name_defaults_to_the_resource_name_and_is_checked_as_such() -> None:
    assert parse_workload("hello", {"image": "nginx"}).name == "hello"
    with pytest.raises(InvalidArgumentError, match="defaults to the resource name"):
        parse_workload("Hello_World", {"image": "nginx"})


def test_build_folder_must_exist_and_hold_a_dockerfile(backend_dir: Path) -> None:
    with pytest.raises(InvalidArgumentError, match=r'"image".*a folder that exists'):
        parse_workload("web", {"image": "./frontend"})
    (backend_dir / "Dockerfile").unlink()
    with pytest.raises(InvalidArgumentError, match=r'"image".*containing a Dockerfile'):
        parse_workload("web", {"image": "./backend"})


def test_sources_that_match_nothing_are_rejected_by_pattern(backend_dir: Path) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_workload("web", {"image": "./backend", "sources": ["*.js", "src/**/*.ts"]})
    assert caught.value.field == "sources"
    assert caught.value.value == "src/**/*.ts"


def test_registry_reference_and_build_folder_are_told_apart(backend_dir: Path) -> None:
    registry = parse_workload("hello", {"image": "hashicorp/http-echo", "port": 5678, "public": True})
    assert registry.image_reference == "hashicorp/http-echo"
    assert registry.build is None

    built = parse_workload("backend", {"image": "./backend", "port": 3000})
    assert built.image_reference is None
    assert built.build is not None
    assert built.build.path == backend_dir.resolve()


def test_content_hash_follows_the_sources_and_always_the_dockerfile(backend_dir: Path) -> None:
    def tag(**extra: object) -> str:
        build = parse_workload("web", {"image": "./backend", **extra}).build
        assert build is not None
        return build.content_hash

    (backend_dir / "README.md").write_text("docs\n")
    everything, only_js = tag(), tag(sources=["*.js"])

    (backend_dir / "README.md").write_text("docs changed\n")
    assert tag() != everything, "a change to any file counts by default"
    assert tag(sources=["*.js"]) == only_js, "a file outside `sources` does not trigger a rebuild"

    (backend_dir / "index.js").write_text("console.log('changed')\n")
    assert tag(sources=["*.js"]) != only_js

    changed_js = tag(sources=["*.js"])
    (backend_dir / "Dockerfile").write_text("FROM scratch\nENV A=1\n")
    assert tag(sources=["*.js"]) != changed_js, "the Dockerfile always counts"


def test_content_hash_depends_on_names_as_well_as_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("same")
    before = content_hash(tmp_path, matching_files(tmp_path, ["*"]))
    (tmp_path / "a").rename(tmp_path / "b")
    assert content_hash(tmp_path, matching_files(tmp_path, ["*"])) != before


def test_env_keeps_outputs_for_the_platform_to_resolve() -> None:
    secret = pulumi.Output.secret("s3cret")
    spec = parse_workload("web", {"image": "nginx", "env": {"PLAIN": "1", "TOKEN": secret}})
    assert spec.env["PLAIN"] == "1"
    token = spec.env["TOKEN"]
    assert isinstance(token, pulumi.Output)  # still unresolved: the platform resolves it
    assert _sync_await(token.future()) == "s3cret" and _sync_await(token.is_secret())
    assert spec.secret_env_names == {"TOKEN"}


def test_defaults() -> None:
    spec = parse_workload("web", {"image": "nginx"})
    assert (spec.port, spec.public, spec.readiness, spec.replicas, spec.args) == (None, False, None, 1, ())


def test_an_env_output_resolving_to_none_fails_the_update_naming_the_variable() -> None:
    from components import Workload
    from tests.support.pulumi_mocks import run_with_mocks

    def program() -> None:
        worker = Workload("worker", {"image": "busybox"})  # no port: no internal_url
        Workload("web", {"image": "busybox", "port": 80, "env": {"WORKER_URL": worker.internal_url}})

    with pytest.raises(InvalidArgumentError) as caught:
        run_with_mocks(program)
    assert (caught.value.resource, caught.value.field) == ("web", "env.WORKER_URL")
