"""What the stack's AWS provider is: its region and credentials, for invokes and dynamic providers.

Invokes get the component as `parent`, so an explicit `aws.Provider` passed to the component (or its
parents) answers them, not the default provider. A dynamic provider sees no stack config, so it gets
the same settings as inputs (`aws_provider.session.CREDENTIAL_INPUTS`): the explicit provider's
`profile`, keys and region when there is one, else the stack's `aws:` config (`profile`, `accessKey`,
`secretKey`, `token`, `assumeRole`, `assumeRoles`); keys are secret in state.
"""

from typing import Any

import pulumi
import pulumi_aws as aws

from aws_provider.session import role_chain

AWS_MODULE = "aws:index:Provider"


def invoke_options(parent: pulumi.Resource) -> pulumi.InvokeOutputOptions:
    """Invoke options that resolve the provider through `parent`, as its resources do."""
    return pulumi.InvokeOutputOptions(parent=parent)


def region_of(parent: pulumi.Resource) -> pulumi.Output[str]:
    """The region `parent`'s AWS provider deploys to."""
    return aws.get_region_output(opts=invoke_options(parent)).region


def explicit_provider(parent: pulumi.Resource) -> aws.Provider | None:
    provider = parent.get_provider(AWS_MODULE)
    return provider if isinstance(provider, aws.Provider) else None


def credentials(parent: pulumi.Resource) -> dict[str, pulumi.Input[Any]]:
    """`aws_provider.session.CREDENTIAL_INPUTS` for a dynamic provider under `parent`."""
    region = region_of(parent)
    provider = explicit_provider(parent)
    if provider is not None:
        return {
            "region": region,
            "profile": provider.profile,
            "access_key": pulumi.Output.secret(provider.access_key),
            "secret_key": pulumi.Output.secret(provider.secret_key),
            "token": pulumi.Output.secret(provider.token),
            "assume_roles": [],
        }
    config = pulumi.Config("aws")
    single = config.get_object("assumeRole")
    roles = [single] if isinstance(single, dict) else list(config.get_object("assumeRoles") or [])
    return {
        "region": region,
        "profile": config.get("profile"),
        "access_key": config.get_secret("accessKey"),
        "secret_key": config.get_secret("secretKey"),
        "token": config.get_secret("token"),
        "assume_roles": role_chain(roles),
    }
