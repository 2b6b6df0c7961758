"""Image references (`nginx:1.27`, `ghcr.io/team/api@sha256:...`), checked at preview.

A reference no platform can pull (an uppercase repository, a space, an empty or 129-character tag)
would otherwise fail only when the first container starts: Docker's pull on sim, the kubelet's
`InvalidImageName` on eks and kubernetes, the ECS agent's pull error on ecs. Docker and the kubelet
parse with the same function of github.com/distribution/reference (`ParseNormalizedNamed`), which
docker-image-py ports; ECS passes the string to the Docker daemon as is. So what that function
accepts is what every platform can run, and nothing it refuses runs anywhere.
"""

from typing import Any

from docker_image.digest import InvalidDigest
from docker_image.reference import InvalidReference, Reference

from components.spec.arg_reader import ArgReader

RULE = (
    "a registry reference as Docker parses it: an optional host[:port]/, then path components of "
    "lowercase letters and digits (joined inside by '.', '_' or '-') separated by '/', an optional "
    "':tag' (at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-') and an "
    "optional '@sha256:' digest of 64 hex digits, e.g. 'nginx:1.27' or "
    "'123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1'"
)


def parse_image_reference(reader: ArgReader, field: str, value: Any, rule: str = RULE) -> str:
    """`value` as given, if Docker and the kubelet would pull it; else one error saying what is allowed."""
    image = reader.text(field, value, rule)
    try:
        Reference.parse_normalized_named(image)
    except (InvalidReference, InvalidDigest):
        raise reader.error(field, image, rule) from None
    return image


# ECS's ContainerDefinition.image: "up to 255 characters" (for a digest reference, of what comes
# before the '@'), and "the only supported hash function is sha256". Docker also parses sha512.
ECS_IMAGE_MAX_LENGTH = 255
ECS_DIGEST_ALGORITHM = "sha256"
ECS_RULE = (
    f"on ecs, an image reference of at most {ECS_IMAGE_MAX_LENGTH} characters before any '@' digest, "
    f"and a digest only of {ECS_DIGEST_ALGORITHM} (what ECS's container definition accepts)"
)


def check_ecs_image_reference(reader: ArgReader, field: str, image: str) -> None:
    """Refuse a reference Docker parses but ECS's RegisterTaskDefinition refuses."""
    name, _, digest = image.partition("@")
    if len(name) > ECS_IMAGE_MAX_LENGTH or (digest and digest.partition(":")[0] != ECS_DIGEST_ALGORITHM):
        raise reader.error(field, image, ECS_RULE)
