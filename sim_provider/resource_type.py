"""The base of every sim resource: a type name of its own in `pulumi stack` and the engine's output
(`pulumi-python:dynamic/sim:Replica`, `...:Ingress`, ...), where every one used to read
`pulumi-python:dynamic:Resource`, and an input naming the provider code that serves it.

A resource's type is part of its URN: without an alias, a stack deployed before would see each of its
resources deleted and a new one created (a network removed under its containers, a URL lost to a
port still held). The alias tells the engine that the resource of the former type is this one.

Pulumi's dynamic provider pickles the provider *by reference* (the state's `__provider` is
`<module>.<class>`, with no state of its own), so the state never changes when the provider's code
does, and `refresh` and `destroy` import whatever the path names today. Two consequences:

- A provider class never moves without a shim at its former path (a stack's state names it until
  its resource is next updated; tests/platforms/sim/test_drift_and_upgrades.py checks every path any
  commit defined).
- `provider_behaviour`, a hash of the provider's code, is an input of every resource, so a change of
  that code is a change the engine sees. Each provider decides what a new behaviour needs:
  a replica or a task instance is replaced (its container is shaped at create; the replacement is
  created and ready before the old one goes, so nothing is dropped); a container that holds host
  ports (an entry's or a balancer's HAProxy) is kept, since a replacement would take its URL down
  first: the resource that writes its configuration reloads it in place; an image (what its content
  makes it) and a network are kept.
"""

import ast
import functools
import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic

FORMER_TYPE = "pulumi-python:dynamic:Resource"
BEHAVIOUR_KEY = "provider_behaviour"
PACKAGE = __name__.partition(".")[0]


class SimResource(pulumi.dynamic.Resource):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(module="sim", name=cls.__name__, **kwargs)

    def __init__(
        self,
        provider: pulumi.dynamic.ResourceProvider,
        name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        former = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=FORMER_TYPE)])
        props = {**props, BEHAVIOUR_KEY: behaviour(type(provider).__module__)}
        super().__init__(provider, name, props, pulumi.ResourceOptions.merge(opts, former))


@functools.cache
def behaviour(module: str) -> str:
    """What the code of `module` and of every module of this package it imports (transitively) does:
    a hash of their syntax trees without comments, docstrings or layout, so a reworded comment rolls
    nothing out, and a change of the HAProxy configuration (ingress.py) replaces no replica."""
    trees: dict[str, str] = {}
    pending = [module]
    while pending:
        name = pending.pop()
        if name not in trees:
            trees[name], imports = _module_tree(name)
            pending += imports
    return hashlib.sha256(json.dumps(sorted(trees.items())).encode()).hexdigest()[:16]


@functools.cache
def _module_tree(name: str) -> tuple[str, list[str]]:
    """One module's normalized tree and the package modules it imports. Cached: every program computes
    the behaviour of each kind it uses, and the kinds share most of their modules (parsing each file
    once per kind cost a program about 0.2 s)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(name)
    tree = _without_docstrings(ast.parse(Path(spec.origin).read_text()))
    return ast.dump(tree), _package_imports(tree)


def _package_imports(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return [name for name in names if name == PACKAGE or name.startswith(f"{PACKAGE}.")]


def _without_docstrings(tree: ast.Module) -> ast.Module:
    """The tree without its bare string statements (docstrings, attribute docstrings): they do nothing."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            kept = [
                statement
                for statement in body
                if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
            ]
            node.body = kept or [ast.Pass()]  # type: ignore[attr-defined]
    return tree
