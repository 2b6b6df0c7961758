"""What AWS accepts as the names Pulumi derives from a component's resource name on ecs.

Child resources are named `<resource name>-<role>` and Pulumi's auto-naming appends '-' and 7
random characters; the longest role suffix is '-execution-role' on an IAM role, whose names AWS caps
at 64 characters. ECS clusters and services allow only letters, digits, '-' and '_'.
"""

import re

from components.spec.arg_reader import ArgReader

IAM_ROLE_NAME_MAX_LENGTH = 64
LONGEST_ROLE_SUFFIX = "-execution-role"
AUTONAME_SUFFIX_LENGTH = 8  # '-' and 7 random characters
RESOURCE_NAME_MAX_LENGTH = IAM_ROLE_NAME_MAX_LENGTH - len(LONGEST_ROLE_SUFFIX) - AUTONAME_SUFFIX_LENGTH
RESOURCE_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
RESOURCE_NAME_RULE = (
    "a resource name of letters, digits, '-' and '_', starting with a letter, at most "
    f"{RESOURCE_NAME_MAX_LENGTH} characters (AWS names its IAM roles and ECS services after it)"
)
RESOURCE_NAME_FIELD = "name (the resource name)"


def check_aws_resource_name(reader: ArgReader) -> None:
    """Refuse a resource name whose derived AWS names AWS would refuse at `up`."""
    name = reader.resource
    if len(name) > RESOURCE_NAME_MAX_LENGTH or not RESOURCE_NAME_PATTERN.match(name):
        raise reader.error(RESOURCE_NAME_FIELD, name, RESOURCE_NAME_RULE)


# CreateCapacityProvider: "The name can't be prefixed with 'aws', 'ecs', or 'fargate'".
CAPACITY_PROVIDER_RESERVED_PREFIXES = ("aws", "ecs", "fargate")
# CreateLoadBalancer (elbv2): at most 32 letters, digits and '-', not beginning or ending with '-',
# "must not begin with 'internal-'". CreateTargetGroup: the same without the prefix rule.
LOAD_BALANCER_RESERVED_PREFIXES = ("internal-",)
ELB_NAME_MAX_LENGTH = 32
ELB_NAME_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")


def reserved_prefix(name: str, prefixes: tuple[str, ...]) -> str | None:
    """The reserved prefix `name` starts with (ignoring case, as AWS may), else None."""
    return next((prefix for prefix in prefixes if name.lower().startswith(prefix)), None)


def valid_elb_name(name: str, reserved: tuple[str, ...] = ()) -> bool:
    """Whether an Elastic Load Balancing v2 load balancer or target group may be called `name`."""
    return (
        len(name) <= ELB_NAME_MAX_LENGTH
        and ELB_NAME_PATTERN.match(name) is not None
        and reserved_prefix(name, reserved) is None
    )
