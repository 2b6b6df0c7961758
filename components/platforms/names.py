"""Names derived from project and stack that every platform can use (pure: no SDK imports)."""

import re

import pulumi


def dns_label(*parts: str) -> str:
    """Lowercase, '-'-joined, letters and digits only: valid as a Docker name and a DNS-1123 label."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def stack_label() -> str:
    """`<project>-<stack>` as a label, the prefix that keeps stacks apart on a shared engine or cluster."""
    return dns_label(pulumi.get_project(), pulumi.get_stack())


def env_name(*parts: object) -> str:
    """Stacktape's connection variables: 'STP_' and the parts in upper snake case,
    e.g. ('photosBucket', 'name') -> 'STP_PHOTOS_BUCKET_NAME'."""
    words = [re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(part)) for part in ("stp", *parts)]
    return re.sub(r"[^A-Za-z0-9]+", "_", "_".join(words)).strip("_").upper()
