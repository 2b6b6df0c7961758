"""A user's app: a private echo service and a public web front that calls it."""

import pulumi

from components import Workload

echo = Workload("echo", {"image": "hashicorp/http-echo", "port": 5678, "args": ["-text=hello"]})

web = Workload(
    "web",
    {
        "image": "nginx:1.27",
        "port": 80,
        "public": True,
        "replicas": 2,
        "readiness": "/",
        "env": {"ECHO_URL": echo.internal_url, "API_KEY": pulumi.Output.secret("s3cret")},
    },
)

pulumi.export("url", web.public_url)
