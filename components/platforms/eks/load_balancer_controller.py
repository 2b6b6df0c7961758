"""The AWS Load Balancer Controller, which turns a public workload's Ingress into an ALB.

Installed from AWS's own chart as a Helm release in kube-system. It calls the EC2 and ELB APIs as
an IAM role it assumes through the cluster's OIDC provider (IRSA): the role trusts only the
controller's service account, and carries the policy AWS publishes for this controller version
(load_balancer_controller_iam_policy.json, AWS's iam_policy.json).
"""

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from components.spec.cluster import CONTROLLER_POLICY_SUFFIX, CONTROLLER_ROLE_SUFFIX

CHART = "aws-load-balancer-controller"
CHART_REPOSITORY = "https://aws.github.io/eks-charts"
# Chart 1.17.1 installs controller v2.17.1; the policy file is that version's iam_policy.json.
CHART_VERSION = "1.17.1"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"
POLICY_FILE = Path(__file__).with_name("load_balancer_controller_iam_policy.json")


def irsa_trust_policy(oidc_provider_arn: str, oidc_issuer: str, namespace: str, service_account: str) -> str:
    """A trust policy that lets only `service_account` in `namespace` assume the role (through OIDC)."""
    issuer = oidc_issuer.removeprefix("https://")
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": oidc_provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                            f"{issuer}:aud": "sts.amazonaws.com",
                        }
                    },
                }
            ],
        }
    )


def install_load_balancer_controller(
    parent: pulumi.Resource,
    name: str,
    cluster: eks.Cluster,
    vpc: awsx.ec2.Vpc,
    region: pulumi.Input[str],
    provider: k8s.Provider,
    capacity: pulumi.Resource,
) -> k8s.helm.v3.Release:
    """The controller's release; `capacity` (nodes or the Fargate-enabled cluster) must exist first."""
    child = pulumi.ResourceOptions(parent=parent)
    policy = aws.iam.Policy(
        f"{name}{CONTROLLER_POLICY_SUFFIX}",
        description="AWS Load Balancer Controller (AWS's iam_policy.json)",
        policy=POLICY_FILE.read_text(encoding="utf-8"),
        opts=child,
    )
    role = aws.iam.Role(
        f"{name}{CONTROLLER_ROLE_SUFFIX}",
        assume_role_policy=pulumi.Output.all(cluster.oidc_provider_arn, cluster.oidc_issuer).apply(
            lambda oidc: irsa_trust_policy(oidc[0], oidc[1], NAMESPACE, SERVICE_ACCOUNT)
        ),
        opts=child,
    )
    attachment = aws.iam.RolePolicyAttachment(
        f"{name}-lb-controller-permissions", role=role.name, policy_arn=policy.arn, opts=child
    )
    return k8s.helm.v3.Release(
        f"{name}-lb-controller",
        name=CHART,
        chart=CHART,
        version=CHART_VERSION,
        repository_opts={"repo": CHART_REPOSITORY},
        namespace=NAMESPACE,
        values={
            "clusterName": cluster.eks_cluster.name,
            # Given rather than read from instance metadata, which Fargate pods do not have.
            "region": region,
            "vpcId": vpc.vpc_id,
            "serviceAccount": {
                "create": True,
                "name": SERVICE_ACCOUNT,
                "annotations": {"eks.amazonaws.com/role-arn": role.arn},
            },
        },
        # The release waits for the controller to be ready: its webhook must answer before any
        # workload's Service or Ingress can be created.
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=[attachment, capacity]),
    )
