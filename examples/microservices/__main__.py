"""Wing's microservices example: a private echo service called by a public backend through its
internal URL."""

import pulumi

from components import Workload

echo = Workload(
    "echo",
    {
        "image": "hashicorp/http-echo",
        "port": 5678,
        "args": ["-text=hello, wingnuts!"],
    },
)

backend = Workload(
    "backend",
    {
        "image": "./backend",
        "port": 3000,
        "public": True,
        "env": {"ECHO_URL": echo.internal_url},
    },
)

pulumi.export("url", backend.public_url)
pulumi.export("echo_internal_url", echo.internal_url)
