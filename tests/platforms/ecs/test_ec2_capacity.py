"""EC2 capacity for a ContainerWorkload with `instance_types`, under mocks: its own ECS cluster, an Auto
Scaling group of ECS-optimized instances, a capacity provider with managed scaling, binpacking, a warm
pool and the architecture's image. The task definition is checked against botocore's model.
"""

import base64
from typing import Any

from components import ContainerWorkload
from tests.support.aws_models import strict
from tests.support.ecs_mocks import ec2_network, only, register_task_definition_params, run_ecs

GROUP = "aws:autoscaling/group:Group"


def on_ec2(**resources: Any) -> dict[str, Any]:
    def program() -> None:
        batch = ContainerWorkload(
            "batch",
            {
                "containers": [{"name": "worker", "image": "ghcr.io/shop/worker:1"}],
                "resources": resources,
                "scaling": {"min_instances": 1, "max_instances": 4},
                **ec2_network(),
            },
        )
        assert batch.auto_scaling_group is not None and batch.capacity_provider is not None
        assert batch.auto_scaling_group.pulumi_resource_name == "batch-host-group"
        assert batch.capacity_provider.pulumi_resource_name == "batch-capacity-provider"

    return run_ecs(program)


def test_an_ec2_workload_gets_its_own_cluster_with_a_managed_capacity_provider() -> None:
    resources = on_ec2(instance_types=["c5.large"])
    cluster = resources["batch-ecs"].inputs
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert cluster["serviceConnectDefaults"] == {"namespace": resources["app-namespace"].inputs["arn"]}
    provider = resources["batch-capacity-provider"].inputs["autoScalingGroupProvider"]
    assert provider["autoScalingGroupArn"] == resources["batch-host-group"].inputs["arn"]
    assert provider["managedScaling"] == {"status": "ENABLED", "targetCapacity": 100}
    association = resources["batch-capacity-providers"].inputs
    assert association["clusterName"] == "batch-ecs-name"
    assert association["capacityProviders"] == ["batch-capacity-provider-name"]

    service = only(resources, "aws:ecs/service:Service")
    assert service.inputs["cluster"] == cluster["arn"]
    assert "launchType" not in service.inputs
    assert service.inputs["capacityProviderStrategies"] == [
        {"capacityProvider": "batch-capacity-provider-name", "weight": 1}
    ]
    assert service.inputs["orderedPlacementStrategies"] == [{"type": "binpack", "field": "memory"}]
    assert service.inputs["networkConfiguration"]["assignPublicIp"] is False  # ECS refuses it on EC2
    assert "batch-capacity-providers" in service.depends_on
    assert resources["batch-scaling"].inputs["resourceId"] == "service/batch-ecs-name/batch-service-name"


def test_instances_boot_the_ecs_optimized_image_join_the_cluster_and_are_refreshed_weekly() -> None:
    resources = on_ec2(instance_types=["c5.large"])
    template = resources["batch-host-template"].inputs
    assert (
        template["imageId"]
        == "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    )
    assert template["instanceType"] == "c5.large"
    assert template["iamInstanceProfile"] == {"arn": resources["batch-host-profile"].inputs["arn"]}
    assert template["metadataOptions"]["httpTokens"] == "required"
    user_data = base64.b64decode(template["userData"]).decode()
    assert "ECS_CLUSTER=batch-ecs-name" in user_data and "ECS_WARM_POOLS_CHECK" not in user_data
    group = resources["batch-host-group"]
    # max_instances 4, one task per instance at worst, and room for a second set during a deployment.
    assert (group.inputs["minSize"], group.inputs["maxSize"]) == (0, 8)
    assert group.inputs["maxInstanceLifetime"] == 7 * 24 * 3600
    assert group.inputs["launchTemplate"] == {"id": "batch-host-template-id", "version": "$Latest"}
    # Hosts and tasks in the private subnets: the NAT gateway is their way out.
    assert group.inputs["vpcZoneIdentifiers"] == ["subnet-private-app-vpc-1", "subnet-private-app-vpc-2"]
    assert group.ignore_changes == ["desiredCapacity"]  # managed scaling sets it
    assert "warmPool" not in group.inputs
    policies = {resources[f"batch-host-policy-{i}"].inputs["policyArn"] for i in (0, 1)}
    assert "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" in policies


def test_a_task_without_memory_takes_the_smallest_instance_less_headroom() -> None:
    resources = on_ec2(instance_types=["c5.xlarge", "m5.large"])
    params = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))
    strict("ecs", "RegisterTaskDefinition", params)
    assert params["requiresCompatibilities"] == ["EC2"]
    assert "cpu" not in params  # containers share the instance's CPU
    assert params["memory"] == str(8192 - 820)  # both have 8 GiB; ECS keeps some for itself
    # Several types: tried in the order given.
    policy = resources["batch-host-group"].inputs["mixedInstancesPolicy"]
    assert [o["instanceType"] for o in policy["launchTemplate"]["overrides"]] == ["c5.xlarge", "m5.large"]
    assert policy["instancesDistribution"] == {"onDemandAllocationStrategy": "prioritized"}


def test_a_warm_pool_on_graviton() -> None:
    resources = on_ec2(instance_types=["c6g.large"], enable_warm_pool=True, cpu=1, memory=2048)
    template = resources["batch-host-template"].inputs
    assert template["imageId"].endswith("/amazon-linux-2023/arm64/recommended/image_id")
    assert "ECS_WARM_POOLS_CHECK=true" in base64.b64decode(template["userData"]).decode()
    assert resources["batch-host-group"].inputs["warmPool"] == {"poolState": "Stopped"}
    params = register_task_definition_params(only(resources, "aws:ecs/taskDefinition:TaskDefinition"))
    assert (params["cpu"], params["memory"]) == ("1024", "2048")
    assert params["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    assert resources["batch-worker-logs"].type == "aws:cloudwatch/logGroup:LogGroup"
