"""`aws_provider.efs_access` against botocore's Stubber on real boto3 EFS and EC2 clients: a workload's
tasks get NFS (TCP 2049) into every mount target's security group of the file system they mount,
and only the rules it added are revoked. The Stubber checks each request against botocore's models.
"""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from aws_provider import efs_access
from aws_provider.efs_access import NFS_PORT, EfsAccessError, EfsClientAccessProvider
from tests.support.ecs_mocks import REGION

FILE_SYSTEM = "fs-0123456789abcdef0"
TASKS = "sg-0aaaaaaaaaaaaaaaa"
PROPS = {
    "file_system_id": FILE_SYSTEM,
    "security_group_id": TASKS,
    "description": "NFS from the tasks of shop",
    "region": REGION,
}
MOUNT_TARGETS = {
    "fsmt-0123456781": ["sg-0a1b2c3d4e5f60001"],
    "fsmt-0123456782": ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60002"],
}


class Aws:
    def __init__(self) -> None:
        self.clients = {s: boto3.session.Session(region_name=REGION).client(s) for s in ("efs", "ec2")}
        self.stubbers = {s: Stubber(c) for s, c in self.clients.items()}

    def file_system_has(self, targets: dict[str, list[str]]) -> None:
        self.stubbers["efs"].add_response(
            "describe_mount_targets",
            {
                "MountTargets": [
                    {
                        "MountTargetId": target,
                        "FileSystemId": FILE_SYSTEM,
                        "SubnetId": f"subnet-0abcdef{index:08d}",
                        "LifeCycleState": "available",
                    }
                    for index, target in enumerate(targets)
                ]
            },
            {"FileSystemId": FILE_SYSTEM},
        )
        for target, groups in targets.items():
            self.stubbers["efs"].add_response(
                "describe_mount_target_security_groups",
                {"SecurityGroups": groups},
                {"MountTargetId": target},
            )

    def nfs_allowed(self, group: str, rule_id: str | None) -> None:
        expected = {
            "GroupId": group,
            "IpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": NFS_PORT,
                    "ToPort": NFS_PORT,
                    "UserIdGroupPairs": [{"GroupId": TASKS, "Description": PROPS["description"]}],
                }
            ],
        }
        if rule_id is None:
            self.stubbers["ec2"].add_client_error(
                "authorize_security_group_ingress",
                service_error_code="InvalidPermission.Duplicate",
                expected_params=expected,
            )
            return
        self.stubbers["ec2"].add_response(
            "authorize_security_group_ingress",
            {"Return": True, "SecurityGroupRules": [{"SecurityGroupRuleId": rule_id, "GroupId": group}]},
            expected,
        )


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for variable, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(variable, value)
    stubbed = Aws()

    class Session:
        def client(self, service: str) -> Any:
            return stubbed.clients[service]

    monkeypatch.setattr(efs_access, "session", lambda props: Session())
    for stubber in stubbed.stubbers.values():
        stubber.activate()
    yield stubbed
    for stubber in stubbed.stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def create(props: dict[str, Any]) -> dict[str, Any]:
    outs = EfsClientAccessProvider().create(props).outs
    assert outs is not None
    return outs


def test_every_mount_target_group_admits_the_tasks_on_nfs(aws: Aws) -> None:
    aws.file_system_has(MOUNT_TARGETS)
    aws.nfs_allowed("sg-0a1b2c3d4e5f60001", "sgr-1")
    aws.nfs_allowed("sg-0a1b2c3d4e5f60002", "sgr-2")
    outs = create(dict(PROPS))
    assert outs["mount_target_security_groups"] == ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60002"]
    assert outs["rules"] == {"sg-0a1b2c3d4e5f60001": ["sgr-1"], "sg-0a1b2c3d4e5f60002": ["sgr-2"]}


def test_a_rule_someone_added_is_kept_and_never_revoked(aws: Aws) -> None:
    aws.file_system_has({"fsmt-0123456781": ["sg-0a1b2c3d4e5f60001"]})
    aws.nfs_allowed("sg-0a1b2c3d4e5f60001", None)
    outs = create(dict(PROPS))
    assert outs["rules"] == {}
    EfsClientAccessProvider().delete("id", outs)  # nothing to revoke: no EC2 call stubbed


def test_delete_revokes_only_the_rules_it_added(aws: Aws) -> None:
    aws.stubbers["ec2"].add_response(
        "revoke_security_group_ingress",
        {"Return": True},
        {"GroupId": "sg-0a1b2c3d4e5f60001", "SecurityGroupRuleIds": ["sgr-1"]},
    )
    aws.stubbers["ec2"].add_client_error(
        "revoke_security_group_ingress",
        service_error_code="InvalidGroup.NotFound",
        expected_params={"GroupId": "sg-0gone", "SecurityGroupRuleIds": ["sgr-2"]},
    )
    EfsClientAccessProvider().delete(
        "id", {**PROPS, "rules": {"sg-0a1b2c3d4e5f60001": ["sgr-1"], "sg-0gone": ["sgr-2"]}}
    )


def test_a_file_system_without_mount_targets_is_reported(aws: Aws) -> None:
    aws.file_system_has({})
    with pytest.raises(EfsAccessError, match="has no mount targets"):
        create(dict(PROPS))


def test_another_file_system_or_task_group_replaces_the_rules() -> None:
    provider = EfsClientAccessProvider()
    olds = {**PROPS, "rules": {"sg-0a1b2c3d4e5f60001": ["sgr-1"]}}
    assert provider.diff("id", olds, {**PROPS, "file_system_id": "fs-0other"}).replaces == ["file_system_id"]
    assert provider.diff("id", olds, {**PROPS, "security_group_id": "sg-0new"}).replaces == [
        "security_group_id"
    ]
    assert provider.diff("id", olds, dict(PROPS)).changes is False
