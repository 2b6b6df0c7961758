"""The ecs platform: ContainerWorkloads (and Workloads, as one-container ContainerWorkloads) as ECS
services on Fargate or EC2, in a Cluster's VPC.

Modules: `cluster` (VPC, ECS cluster, service connect namespace), `workload` (a Workload as a
ContainerWorkload), `container_workload` (the ECS service and what it is made of: `task`,
`service_network`, `iam`, `scaling`, `ec2_capacity`, `blue_green`), traffic (`load_balancers` and
`http_api_gateway` are the shared balancers and gateways; `load_balancer_targets` and
`http_api_routes` attach one workload to them), `preconditions` (checks before anything registers),
`names` and `aws_inputs` (what pulumi-aws is given).
"""

from components.platforms.ecs.cluster import create_cluster
from components.platforms.ecs.container_workload import deploy_container_workload
from components.platforms.ecs.workload import deploy_workload, validate_workload

__all__ = [
    "create_cluster",
    "deploy_container_workload",
    "deploy_workload",
    "validate_workload",
]
