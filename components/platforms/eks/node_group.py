"""The EKS managed node group that runs pods when the cluster does not use Fargate.

A plain `aws.eks.NodeGroup` rather than pulumi-eks' `ManagedNodeGroup`: the cluster authenticates
through access entries (mode API), for which EKS itself registers a managed node group's role, so
the wrapper's aws-auth mapping is not needed.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.spec.cluster import NODE_GROUP_SUFFIX, NODE_ROLE_SUFFIX, NodeGroupSpec

# Amazon Linux 2023, x86_64: the architecture images are built for (registry_image: linux/amd64).
# EKS offers no Amazon Linux 2 nodes from Kubernetes 1.33 on.
AMI_TYPE = "AL2023_x86_64_STANDARD"
# What a node needs: join the cluster, give pods VPC addresses, pull images from ECR.
NODE_POLICIES = {
    "worker": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "cni": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "ecr": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
}


def create_node_group(
    parent: pulumi.Resource,
    name: str,
    cluster_name: pulumi.Input[str],
    version: pulumi.Input[str],
    vpc: awsx.ec2.Vpc,
    options: NodeGroupSpec,
) -> aws.eks.NodeGroup:
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}{NODE_ROLE_SUFFIX}",
        assume_role_policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
        opts=child,
    )
    attachments = [
        aws.iam.RolePolicyAttachment(f"{name}-node-{purpose}", role=role.name, policy_arn=arn, opts=child)
        for purpose, arn in NODE_POLICIES.items()
    ]
    return aws.eks.NodeGroup(
        f"{name}{NODE_GROUP_SUFFIX}",
        cluster_name=cluster_name,
        node_role_arn=role.arn,
        # Without it EKS picks the version at creation only; a later control plane upgrade would
        # leave the nodes behind (node kubelets may lag the control plane by few minor versions).
        version=version,
        subnet_ids=vpc.private_subnet_ids,
        ami_type=AMI_TYPE,
        instance_types=list(options.instance_types),
        scaling_config={
            "desired_size": options.desired,
            "min_size": options.minimum,
            "max_size": options.maximum,
        },
        # Replace one node at a time on upgrades, so pods always have somewhere to go.
        update_config={"max_unavailable": 1},
        # Nodes that join without their policies never become Ready.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=attachments),
    )
