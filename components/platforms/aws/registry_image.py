"""Images on the cloud platforms: a registry reference as is, or a folder built and pushed to ECR.

The tag is the same content hash the sim platform uses, and tags are immutable in the repository:
ECR refuses a second push of a tag (ImageTagAlreadyExistsException, even for the same digest). So
docker-build must see no change when the files have not changed, wherever the program runs: its
diff compares the context and Dockerfile locations as strings, so they are given relative to the
program's directory (the project folder Pulumi runs it in), never as absolute paths that differ
between two checkouts or CI runners.

That is not enough: docker-build hashes the whole context folder, so a file outside `sources` that
differs between checkouts, or `sources` reverted to a version pushed before, makes it push a tag ECR
already holds. So the tag is looked up in the repository first; when it is there, the image ECR
holds is run (by its digest) and nothing is built or pushed.
"""

import json
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

from components.platforms.aws.credentials import invoke_options
from components.platforms.names import dns_label
from components.spec.build_context import BuildContext

# Keep the last images a rollback may need; older ones are expired by ECR itself.
KEEP_IMAGES = 20
ECR_NAME_MAX_LENGTH = 256


def relative(path: Path) -> str:
    """`path` relative to the program's directory, in POSIX form ('backend', '../shared/api')."""
    return Path(os.path.relpath(path)).as_posix()


def registry_image(
    parent: pulumi.Resource,
    name: str,
    reference: str | None,
    build: BuildContext | None,
    platform: docker_build.Platform = docker_build.Platform.LINUX_AMD64,
) -> pulumi.Output[str]:
    """The image reference containers run: `reference`, or the pushed `build` (by digest)."""
    if build is None:
        assert reference is not None  # the spec gives a reference or a build
        return pulumi.Output.from_input(reference)
    child = pulumi.ResourceOptions(parent=parent)
    # ECR takes lowercase names only (botocore's RepositoryName pattern); the project and stack keep
    # stacks of one account apart, as the auto-name's random suffix did.
    label = dns_label(pulumi.get_project(), pulumi.get_stack(), name)
    repository_name = label[:ECR_NAME_MAX_LENGTH].rstrip("-")
    repository = aws.ecr.Repository(
        f"{name}-repository",
        name=repository_name,
        image_scanning_configuration={"scan_on_push": True},
        image_tag_mutability="IMMUTABLE",
        force_delete=True,
        opts=child,
    )
    aws.ecr.LifecyclePolicy(
        f"{name}-lifecycle",
        repository=repository.name,
        policy=json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "description": f"keep the last {KEEP_IMAGES} images",
                        "selection": {
                            "tagStatus": "any",
                            "countType": "imageCountMoreThan",
                            "countNumber": KEEP_IMAGES,
                        },
                        "action": {"type": "expire"},
                    }
                ]
            }
        ),
        opts=child,
    )
    digest = pushed_digest(parent, repository_name, build.tag)
    if digest is not None:
        # The reference docker-build gives a pushed image: the same string, so nothing that runs it
        # changes when the push is skipped.
        return repository.repository_url.apply(lambda url: f"{url}:{build.tag}@{digest}")
    credentials = aws.ecr.get_authorization_token_output(
        registry_id=repository.registry_id, opts=invoke_options(parent)
    )
    image = docker_build.Image(
        f"{name}-image",
        context={"location": relative(build.path)},
        dockerfile={"location": relative(build.path / build.dockerfile)},
        platforms=[platform],
        push=True,
        tags=[repository.repository_url.apply(lambda url: f"{url}:{build.tag}")],
        registries=[
            {
                "address": repository.repository_url,
                "username": credentials.user_name,
                "password": credentials.password,
            }
        ],
        opts=child,
    )
    return image.ref


def pushed_digest(parent: pulumi.Resource, repository_name: str, tag: str) -> str | None:
    """The digest of `tag` in the repository, or None when ECR does not hold it.

    A plain (not Output) invoke: whether the image is built must be known when the program registers
    resources. The ECR Image data source fails when the tag or the repository (first deployment) is
    absent; any other failure (credentials, network) fails the Repository and the push as well, with
    the provider's own message."""
    try:
        found = aws.ecr.get_image(
            repository_name=repository_name, image_tag=tag, opts=pulumi.InvokeOptions(parent=parent)
        )
    except Exception:  # the data source's only answer for "absent" is an error
        return None
    return found.image_digest
