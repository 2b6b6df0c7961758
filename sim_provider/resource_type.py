"""The base of every sim resource: a type name of its own in `pulumi stack` and the engine's output
(`pulumi-python:dynamic/sim:Replica`, `...:Ingress`, ...), where every one used to read
`pulumi-python:dynamic:Resource`.

A resource's type is part of its URN: without an alias, a stack deployed before would see each of its
resources deleted and a new one created (a network removed under its containers, a URL lost to a
port still held). The alias tells the engine that the resource of the former type is this one.
"""

from typing import Any

import pulumi
import pulumi.dynamic

FORMER_TYPE = "pulumi-python:dynamic:Resource"


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
        super().__init__(provider, name, props, pulumi.ResourceOptions.merge(opts, former))
