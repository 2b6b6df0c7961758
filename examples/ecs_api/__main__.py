"""An API and its cache in one ECS task behind an Application Load Balancer (Stacktape's
multi-container workload): the API is public on /api/*, the cache only on localhost, and the
workload scales between 1 and 4 tasks on CPU and memory."""

import pulumi

from components import ApplicationLoadBalancer, ContainerWorkload

edge = ApplicationLoadBalancer("edge")

api = ContainerWorkload(
    "api",
    {
        "containers": [
            {
                "name": "api",
                "image": "hashicorp/http-echo",
                "args": ["-listen=:8080", "-text=hello from ECS"],
                "environment": {"CACHE_URL": "redis://localhost:6379"},
                "depends_on": [{"container_name": "cache", "condition": "START"}],
                "events": [
                    {
                        "type": "application-load-balancer",
                        "load_balancer": edge,
                        "container_port": 8080,
                        "priority": 1,
                        "paths": ["/api/*", "/"],
                    }
                ],
            },
            {
                "name": "cache",
                "image": "redis:7-alpine",
                "essential": False,
                "events": [{"type": "workload-internal", "container_port": 6379}],
            },
        ],
        "resources": {"cpu": 0.5, "memory": 1024},
        "scaling": {"min_instances": 1, "max_instances": 4},
    },
)

pulumi.export("url", api.url)
pulumi.export("service", api.service_name)
pulumi.export("logs", api.log_group_names)
