"""Images on the cloud platforms: a registry reference as is, or a folder built and pushed to ECR
(components/platforms/pushed_image.py). Tags are immutable in the repository: ECR refuses a second
push of a tag (ImageTagAlreadyExistsException, even for the same digest), which is why pushed_image
gives docker-build locations that do not change between checkouts.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

from components.platforms.aws.credentials import invoke_options
from components.platforms.names import dns_label
from components.platforms.pushed_image import pushed_image
from components.spec.build_context import BuildContext

# Keep the last images a rollback may need; older ones are expired by ECR itself.
KEEP_IMAGES = 20
ECR_NAME_MAX_LENGTH = 256


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
    repository = aws.ecr.Repository(
        f"{name}-repository",
        # ECR takes lowercase names only (botocore's RepositoryName pattern); the project and stack
        # keep stacks of one account apart, as the auto-name's random suffix did.
        name=dns_label(pulumi.get_project(), pulumi.get_stack(), name)[:ECR_NAME_MAX_LENGTH].rstrip("-"),
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
    credentials = aws.ecr.get_authorization_token_output(
        registry_id=repository.registry_id, opts=invoke_options(parent)
    )
    return pushed_image(
        parent,
        name,
        build,
        repository.repository_url,
        registries=[
            docker_build.RegistryArgs(
                address=repository.repository_url,
                username=credentials.user_name,
                password=credentials.password,
            )
        ],
        platform=platform,
    )
