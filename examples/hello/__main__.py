"""Wing's first example: a public image from a registry, answering with a fixed text."""

import pulumi

from components import Workload

hello = Workload(
    "hello",
    {
        "image": "hashicorp/http-echo",
        "port": 5678,
        "public": True,
        "args": ["-text=hello, wingnuts!"],
    },
)

pulumi.export("url", hello.public_url)
