"""`aws_provider.session`: the dynamic providers' AWS credentials are the stack's AWS provider's
(profile, static keys, the assumeRoles chain, region, an explicit provider), checked with botocore's
Stubber on STS and, for what the components pass, under mocks.
"""

import datetime
import json
from pathlib import Path
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from botocore.stub import Stubber

from aws_provider.session import CREDENTIAL_INPUTS, role_chain, session
from components import ApplicationLoadBalancer, ContainerWorkload
from tests.support.ecs_mocks import REGION, run_ecs

ROLE_1 = "arn:aws:iam::111111111111:role/deployer"
ROLE_2 = "arn:aws:iam::222222222222:role/app-admin"


@pytest.fixture
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    config = tmp_path / "config"
    config.write_text("[profile deploy]\nregion = eu-west-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[deploy]\naws_access_key_id = AKIDPROFILEDEPLOY1\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


def test_the_profile_gives_the_credentials(no_ambient_credentials: Path) -> None:
    made = session({"region": REGION, "profile": "deploy"})
    assert made.get_credentials().access_key == "AKIDPROFILEDEPLOY1"
    assert made.region_name == REGION  # the stack's aws:region wins over the profile's


def test_roles_are_assumed_in_order_each_with_the_credentials_before_it(
    no_ambient_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []
    stubbers: list[Stubber] = []
    answers = {ROLE_1: "ASIAROLEONE000001", ROLE_2: "ASIAROLETWO000002"}
    real_client = boto3.session.Session.client

    def client(self: boto3.session.Session, service: str, *args: Any, **kwargs: Any) -> Any:
        made = real_client(self, service, *args, **kwargs)
        asked.append((service, self.get_credentials().access_key))
        if service == "sts":
            role = ROLE_1 if len([s for s, _ in asked if s == "sts"]) == 1 else ROLE_2
            expected: dict[str, Any] = {"RoleArn": role, "RoleSessionName": "ci"}
            if role == ROLE_2:
                expected = {
                    "RoleArn": role,
                    "RoleSessionName": "pulumi-containers",
                    "ExternalId": "x-1",
                    "DurationSeconds": 900,
                }
            stubber = Stubber(made)
            stubber.add_response(
                "assume_role",
                {
                    "Credentials": {
                        "AccessKeyId": answers[role],
                        "SecretAccessKey": "secret",
                        "SessionToken": "token",
                        "Expiration": datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
                    }
                },
                expected,
            )
            stubber.activate()
            stubbers.append(stubber)
        return made

    monkeypatch.setattr(boto3.session.Session, "client", client)
    props = {
        "region": REGION,
        "access_key": "AKIDSTATICKEYS001",
        "secret_key": "s",
        "assume_roles": role_chain(
            [
                {"roleArn": ROLE_1, "sessionName": "ci"},
                {"roleArn": ROLE_2, "externalId": "x-1", "duration": "15m"},
            ]
        ),
    }
    session(props).client("ecs")
    assert asked == [("sts", "AKIDSTATICKEYS001"), ("sts", "ASIAROLEONE000001"), ("ecs", "ASIAROLETWO000002")]
    for stubber in stubbers:
        stubber.assert_no_pending_responses()


def test_durations_are_read_as_pulumi_aws_reads_them() -> None:
    chain = role_chain([{"roleArn": ROLE_1, "duration": "1h30m"}, {"roleArn": ROLE_2, "duration": "900s"}])
    assert [role["duration_seconds"] for role in chain] == [5400, 900]
    with pytest.raises(ValueError, match="duration"):
        role_chain([{"roleArn": ROLE_1, "duration": "an hour"}])


def blue_green(opts: pulumi.ResourceOptions | None = None) -> None:
    edge = ApplicationLoadBalancer("edge", opts=opts)
    ContainerWorkload(
        "shop",
        {
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "events": [
                        {
                            "type": "application-load-balancer",
                            "load_balancer": edge,
                            "container_port": 80,
                            "priority": 1,
                        }
                    ],
                }
            ],
            "resources": {"cpu": 0.5, "memory": 1024},
            "deployment": {"strategy": "AllAtOnce"},
        },
        opts=opts,
    )


def test_the_rollout_gets_the_stacks_profile_keys_and_assumed_roles() -> None:
    config = {
        "aws:profile": "deploy",
        "aws:accessKey": "AKIDSTATICKEYS001",
        "aws:secretKey": "s3cr3t",
        "aws:assumeRoles": json.dumps([{"roleArn": ROLE_1, "sessionName": "ci", "duration": "1h"}]),
    }
    rollout = run_ecs(blue_green, config)["shop-rollout"]
    assert {key: rollout.inputs.get(key) for key in CREDENTIAL_INPUTS} == {
        "region": REGION,
        "profile": "deploy",
        "access_key": "AKIDSTATICKEYS001",
        "secret_key": "s3cr3t",
        "token": None,
        "assume_roles": [{"role_arn": ROLE_1, "session_name": "ci", "duration_seconds": 3600}],
    }
    assert {"access_key", "secret_key"} <= set(rollout.secret_inputs)


def test_an_explicit_provider_gives_the_rollout_its_profile_and_region() -> None:
    def program() -> None:
        provider = aws.Provider("eu", region="eu-west-1", profile="eu-deployer")
        blue_green(pulumi.ResourceOptions(providers=[provider]))

    rollout = run_ecs(program, {"aws:profile": "default-profile"})["shop-rollout"]
    assert rollout.inputs["profile"] == "eu-deployer"
    assert rollout.inputs["region"] == "eu-west-1"
