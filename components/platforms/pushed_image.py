"""An image built from a Workload's folder with docker-build and pushed to a registry, tagged by
the folder's content hash (the one the sim platform uses): an unchanged folder is never rebuilt or
pushed again. Shared by the cloud platforms (ECR) and kubernetes (any registry the cluster pulls from).

docker-build must see no change when the files have not changed, wherever the program runs: its
diff compares the context and Dockerfile locations as strings, so they are given relative to the
program's directory (the project folder Pulumi runs it in), never as absolute paths that differ
between two checkouts or CI runners.
"""

import os
from collections.abc import Sequence
from pathlib import Path

import pulumi
import pulumi_docker_build as docker_build

from components.spec.build_context import BuildContext


def pushed_image(
    parent: pulumi.Resource,
    name: str,
    build: BuildContext,
    repository: pulumi.Input[str],
    registries: Sequence[docker_build.RegistryArgs] | None = None,
    platform: docker_build.Platform | None = None,
) -> pulumi.Output[str]:
    """The pushed image's reference, by digest. `repository`: where to push (e.g.
    'localhost:5001/api'); `registries`: credentials, when docker's own login is not enough;
    `platform`: None builds for the Docker host's own platform."""
    image = docker_build.Image(
        f"{name}-image",
        context={"location": relative(build.path)},
        dockerfile={"location": relative(build.path / build.dockerfile)},
        platforms=[platform] if platform else None,
        push=True,
        tags=[pulumi.Output.from_input(repository).apply(lambda url: f"{url}:{build.tag}")],
        registries=registries,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return image.ref


def relative(path: Path) -> str:
    """`path` relative to the program's directory, in POSIX form ('backend', '../shared/api')."""
    return Path(os.path.relpath(path)).as_posix()
