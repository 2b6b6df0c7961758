"""The AWS credentials a dynamic provider uses: the same ones the stack's Pulumi AWS provider uses.

A dynamic provider runs in its own process and sees no stack config, so the component passes the
AWS provider's settings as inputs (`CREDENTIAL_INPUTS`): `region`, `profile`, static keys
(`access_key`, `secret_key`, `token`, secret in state) and `assume_roles`, the roles pulumi-aws
assumes in order (`aws:assumeRole` is one, `aws:assumeRoles` a chain), each a dict with
`role_arn` and optionally `session_name`, `external_id` and `duration_seconds`. Nothing given
falls back to boto3's own chain (environment, shared files, instance role), as pulumi-aws does.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

import boto3

CREDENTIAL_INPUTS = ("region", "profile", "access_key", "secret_key", "token", "assume_roles")
DEFAULT_SESSION_NAME = "pulumi-containers"
# Go's time.ParseDuration units, which pulumi-aws's `duration` takes.
DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")


def session(props: Mapping[str, Any]) -> boto3.session.Session:
    """A boto3 session with the resource's region, profile or keys, and its roles assumed in order."""
    current = boto3.session.Session(
        profile_name=props.get("profile") or None,
        region_name=props.get("region") or None,
        aws_access_key_id=props.get("access_key") or None,
        aws_secret_access_key=props.get("secret_key") or None,
        aws_session_token=props.get("token") or None,
    )
    for role in props.get("assume_roles") or []:
        current = assume(current, role, props.get("region") or None)
    return current


def assume(base: boto3.session.Session, role: Mapping[str, Any], region: str | None) -> boto3.session.Session:
    """A session holding `role`'s temporary credentials, assumed with `base`'s."""
    params: dict[str, Any] = {
        "RoleArn": role["role_arn"],
        "RoleSessionName": role.get("session_name") or DEFAULT_SESSION_NAME,
    }
    if role.get("external_id"):
        params["ExternalId"] = role["external_id"]
    if role.get("duration_seconds"):
        params["DurationSeconds"] = int(role["duration_seconds"])
    credentials = base.client("sts").assume_role(**params)["Credentials"]
    return boto3.session.Session(
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def role_chain(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """pulumi-aws's `assumeRole(s)` config entries (camelCase, `duration` as '1h'/'900s') as the
    `assume_roles` input."""
    return [
        {
            key: value
            for key, value in {
                "role_arn": entry.get("roleArn"),
                "session_name": entry.get("sessionName"),
                "external_id": entry.get("externalId"),
                "duration_seconds": _seconds(entry.get("duration")),
            }.items()
            if value
        }
        for entry in raw
        if entry.get("roleArn")
    ]


def _seconds(duration: Any) -> int | None:
    """A Go duration as pulumi-aws takes it ('1h', '15m', '900s', '1h30m') in whole seconds."""
    if not duration:
        return None
    text = str(duration)
    parts = DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"a duration such as '1h' or '900s', not {duration!r}")
    return int(sum(float(number) * DURATION_UNITS[unit] for number, unit in parts))
