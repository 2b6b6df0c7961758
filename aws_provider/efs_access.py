"""Let a workload's tasks reach an EFS file system: NFS (TCP 2049) into its mount targets' groups.

A task mounts EFS through the mount target in its zone, which admits only what its security groups
allow; a file system the user made has mount targets and groups the workload does not know, and
pulumi-aws has no data source listing a file system's mount targets. `EfsClientAccess` finds them
when created (DescribeMountTargets, DescribeMountTargetSecurityGroups) and adds one ingress rule per
group from the workload's task security group on port 2049 (AuthorizeSecurityGroupIngress); delete
revokes exactly those rules, and a new file system or task group replaces them. A rule someone
already added is left alone and not revoked later (InvalidPermission.Duplicate).

Credentials and region are the stack's AWS provider's (`aws_provider.session`); clients are made in
each call, never kept on the pickled provider.
"""

from collections.abc import Mapping
from typing import Any

import pulumi
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider

from aws_provider.session import CREDENTIAL_INPUTS, session

PROVIDER_VERSION = 1
NFS_PORT = 2049
DUPLICATE = "InvalidPermission.Duplicate"
# EC2's error codes for a group or rule that no longer exists: InvalidGroup.NotFound,
# InvalidSecurityGroupRuleId.NotFound (EC2 lists its codes in
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
NOT_FOUND = ".NotFound"
REPLACING = ("file_system_id", "security_group_id")


class EfsAccessError(Exception):
    """The file system cannot be reached as asked; the message says why."""


def mount_target_groups(efs: Any, file_system_id: str) -> list[str]:
    """The security groups of every mount target of the file system, sorted, without duplicates."""
    targets = [
        target["MountTargetId"]
        for page in efs.get_paginator("describe_mount_targets").paginate(FileSystemId=file_system_id)
        for target in page.get("MountTargets", [])
    ]
    if not targets:
        raise EfsAccessError(
            f"EFS file system {file_system_id} has no mount targets: create one in each zone of the"
            " cluster's VPC (aws.efs.MountTarget) before the workload mounts it"
        )
    groups = {
        group
        for target in targets
        for group in efs.describe_mount_target_security_groups(MountTargetId=target)["SecurityGroups"]
    }
    return sorted(groups)


def allow_nfs(props: Mapping[str, Any]) -> dict[str, Any]:
    """Add the NFS rules; return the mount targets' groups and, by group, the ids of the rules added."""
    current = session(props)
    groups = mount_target_groups(current.client("efs"), props["file_system_id"])
    ec2 = current.client("ec2")
    added: dict[str, list[str]] = {}
    for group in groups:
        try:
            response = ec2.authorize_security_group_ingress(
                GroupId=group,
                IpPermissions=[
                    {
                        "IpProtocol": "tcp",
                        "FromPort": NFS_PORT,
                        "ToPort": NFS_PORT,
                        "UserIdGroupPairs": [
                            {"GroupId": props["security_group_id"], "Description": props["description"]}
                        ],
                    }
                ],
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == DUPLICATE:
                continue  # someone admitted these tasks already: theirs to keep
            raise
        added[group] = [rule["SecurityGroupRuleId"] for rule in response.get("SecurityGroupRules", [])]
    return {"mount_target_security_groups": groups, "rules": added}


def revoke(props: Mapping[str, Any]) -> None:
    """Remove the rules `allow_nfs` added; a group or rule deleted meanwhile is no error."""
    ec2 = session(props).client("ec2")
    for group, rule_ids in (props.get("rules") or {}).items():
        try:
            ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=rule_ids)
        except ClientError as error:
            if not error.response.get("Error", {}).get("Code", "").endswith(NOT_FOUND):
                raise


class EfsClientAccessProvider(ResourceProvider):
    """create adds the rules, delete revokes them; another file system or task group replaces."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        access_id = f"{props['file_system_id']}/{props['security_group_id']}"
        return CreateResult(access_id, {**props, **allow_nfs(props)})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [key for key in REPLACING if olds.get(key) != news.get(key)]
        changed = replaces or [key for key in CREDENTIAL_INPUTS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        # Only credentials changed: the rules stay as they are.
        kept = {key: olds.get(key) for key in ("mount_target_security_groups", "rules")}
        return pulumi.dynamic.UpdateResult({**news, **kept})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        revoke(props)


class EfsClientAccess(pulumi.dynamic.Resource):
    """NFS from `security_group_id` (a workload's tasks) into every mount target of a file system."""

    mount_target_security_groups: pulumi.Output[list[str]]
    rules: pulumi.Output[dict[str, list[str]]]
    """Mount target group -> the ids of the rules this resource added to it."""

    def __init__(
        self,
        name: str,
        *,
        file_system_id: pulumi.Input[str],
        security_group_id: pulumi.Input[str],
        description: str,
        credentials: Mapping[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`description`: the rule's (e.g. which workload's tasks mount the file system)."""
        props = {
            "file_system_id": file_system_id,
            "security_group_id": security_group_id,
            "description": description,
            **{key: credentials.get(key) for key in CREDENTIAL_INPUTS},
            "provider_version": PROVIDER_VERSION,
            "mount_target_security_groups": None,
            "rules": None,
        }
        super().__init__(EfsClientAccessProvider(), name, props, opts)
