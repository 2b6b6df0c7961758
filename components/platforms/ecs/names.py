"""Names on the ecs platform: AWS names with tight limits, DNS labels, parameter paths, environment
variable names. What every platform names the same way is in `components.platforms.names`."""

import hashlib
import re

import pulumi

from components.spec.aws_names import reserved_prefix

HASH_LENGTH = 8
# Put before a generated name that would begin with a prefix AWS reserves (as the CDK does for
# capacity providers), so the name stays readable.
SAFE_PREFIXES = {"aws": "cp-", "ecs": "cp-", "fargate": "cp-", "internal-": "lb-"}


def short_aws_name(
    readable: str, *unique: object, max_length: int = 32, reserved: tuple[str, ...] = ()
) -> str:
    """A name AWS accepts where it allows only `max_length` letters, digits and '-' (target groups and
    load balancers: 32), unique per stack: `readable` cut to fit, then a hash of the stack and `unique`.

    Pulumi's auto-naming adds 8 characters to the resource name and fails past the limit, so these
    resources get explicit names; `unique` must hold every input whose change replaces the resource,
    so that the replacement gets a new name and can exist beside the old one for a moment.
    A name beginning with one of the `reserved` prefixes (e.g. 'internal-' for load balancers) gets a
    short prefix of its own first.
    """
    key = "/".join(str(part) for part in (pulumi.get_project(), pulumi.get_stack(), readable, *unique))
    digest = hashlib.sha256(key.encode()).hexdigest()[:HASH_LENGTH]
    clean = re.sub(r"[^A-Za-z0-9]+", "-", readable).strip("-")
    clean = avoid_reserved_prefix(clean, reserved)
    prefix = clean[: max_length - HASH_LENGTH - 1].rstrip("-")
    return f"{prefix}-{digest}" if prefix else digest


def avoid_reserved_prefix(name: str, reserved: tuple[str, ...]) -> str:
    """`name`, or (when it begins with a prefix in `reserved`) `name` behind a safe prefix."""
    found = reserved_prefix(name, reserved)
    return name if found is None else SAFE_PREFIXES[found] + name


def parameter_path(*parts: str) -> str:
    """An SSM parameter name under the project and stack, e.g. '/shop/prod/api/web/DB_PASSWORD'."""
    clean = [
        re.sub(r"[^A-Za-z0-9_.-]+", "-", part) for part in (pulumi.get_project(), pulumi.get_stack(), *parts)
    ]
    return "/" + "/".join(clean)


def aws_dns_label(text: str) -> str:
    """`text` as one DNS label: lowercase letters, digits and '-', at most 63 characters.

    Unlike `components.platforms.names.dns_label` it keeps runs of '-': the names of the namespaces
    and HTTP APIs it names are fixed by deployed stacks, and a changed name replaces the resource.
    """
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63] or "x"
