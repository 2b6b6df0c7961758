"""The component provider: the components served to YAML, TypeScript, Go and C# programs.

`PulumiPlugin.yaml` at the repository root (`runtime: python`) makes the repository a Pulumi plugin;
its `__main__.py` calls `serve()`. Pulumi's Python component provider host infers the schema from
the type annotations: each `<Component>Args` TypedDict becomes the inputs (a docstring under each
field its description), the annotated `pulumi.Output` attributes the outputs.

Two things the host does not do by itself, done here:
- A component that takes another of ours (a `Cluster`, a load balancer, a gateway) is a reference
  to a resource of this same package. The host writes such a reference as one to an external
  package; `schema()` turns it into a local `#/resources/...` reference.
- A reference arrives at `construct` as a URN. Every component constructed by this process is kept
  by type and name, so the reference is resolved to the very object the earlier `construct` made,
  with the child resources the platform code reads (`cluster.resources["network"]`, ...).
"""

import json
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pulumi
from pulumi.provider import main
from pulumi.provider.experimental.component import ComponentProvider

import components
from components.cluster_args import ClusterArgs
from components.http_api_gateway import HttpApiGatewayArgs
from components.load_balancers import ApplicationLoadBalancerArgs

PACKAGE = "containers"


def package_version() -> str:
    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return "0.1.0"


# The host reads each component's constructor: `args` must be a plain TypedDict there. Python
# callers may omit the args of these three; other languages always pass an object (maybe empty).
class Cluster(components.Cluster):
    """A place to run workloads, shared by every workload that names it with `cluster`."""

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)


class ApplicationLoadBalancer(components.ApplicationLoadBalancer):
    """An internet-facing (or internal) Application Load Balancer; events add listener rules to it."""

    def __init__(
        self, name: str, args: ApplicationLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)


class HttpApiGateway(components.HttpApiGateway):
    """An HTTP API whose routes (added by workload events) reach containers through a VPC link."""

    def __init__(
        self, name: str, args: HttpApiGatewayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)


SERVED: list[type[pulumi.ComponentResource]] = [
    components.Workload,
    Cluster,
    components.ContainerWorkload,
    ApplicationLoadBalancer,
    components.NetworkLoadBalancer,
    HttpApiGateway,
]


def localize_references(schema: dict[str, Any], package_version_: str) -> dict[str, Any]:
    """Make references to this package's own resources local (`#/resources/<token>`) and drop the
    dependency of the package on itself."""
    external = f"/{PACKAGE}/v{package_version_}/schema.json#/resources/"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (value.replace(external, "#/resources/") if key == "$ref" else walk(value))
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    localized: dict[str, Any] = walk(schema)
    dependencies = [d for d in localized.get("dependencies", []) if d.get("name") != PACKAGE]
    if dependencies:
        localized["dependencies"] = dependencies
    else:
        localized.pop("dependencies", None)
    return localized


def with_go_input_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Ask Pulumi's Go SDK generator for every object type's input struct. Without it (pkg v3.259.0)
    it omits the one of a type used only as the item of a required plain list
    (`ContainerWorkload.containers`: `ContainerWorkloadContainerArgsArgs`) while still using it, so
    the Go SDK that `pulumi package add` generates does not compile."""
    go = schema.setdefault("language", {}).setdefault("go", {})
    go["generateExtraInputTypes"] = True
    return schema


def whole_numbers(value: Any) -> Any:
    """Numbers cross the wire as doubles: give integral ones back as the ints the specs expect
    (a port of 5678.0 is 5678; a cpu of 0.25 stays 0.25)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value


class ContainersProvider(ComponentProvider):
    """Pulumi's component provider, with local references and references resolved in-process."""

    def __init__(self, version_: str) -> None:
        super().__init__(SERVED, PACKAGE, None, version_)
        schema = localize_references(json.loads(self.schema or "{}"), version_)
        self.schema = json.dumps(with_go_input_types(schema))
        self.constructed: dict[tuple[str, str], pulumi.ComponentResource] = {}
        self._components = {name: self._kept(cls) for name, cls in self._components.items()}  # type: ignore[misc]  # the host reads this private map; we wrap each class
        pulumi.runtime.register_resource_module(PACKAGE, "index", _ReferenceModule(self))

    def _kept(self, cls: type[pulumi.ComponentResource]) -> Callable[..., pulumi.ComponentResource]:
        token = getattr(cls, "pulumi_type", f"{PACKAGE}:index:{cls.__name__}")

        def construct(name: str, args: Any, opts: pulumi.ResourceOptions | None) -> pulumi.ComponentResource:
            make: Callable[..., pulumi.ComponentResource] = cls  # (name, args, opts), as each of ours
            instance = make(name, whole_numbers(args), opts)
            self.constructed[(token, name)] = instance
            return instance

        return construct


class _ReferenceModule(pulumi.runtime.ResourceModule):
    """Resolves a reference to one of our components to the object this process constructed."""

    def __init__(self, provider: ContainersProvider) -> None:
        self.provider = provider

    def version(self) -> None:
        return None

    def construct(self, name: str, typ: str, urn: str) -> pulumi.Resource:
        found = self.provider.constructed.get((typ, name))
        if found is None:
            raise ValueError(
                f"{typ} '{name}' ({urn}) was not constructed by this program's containers provider: "
                "pass a component created in the same program"
            )
        return found


def serve() -> None:
    """Run the provider (the engine starts `python -u <repository> <engine address> ...`)."""
    import sys

    main(ContainersProvider(package_version()), sys.argv[1:])
