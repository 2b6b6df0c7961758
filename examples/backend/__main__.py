"""Wing's second example: an image built from the ./backend folder."""

import pulumi

from components import Workload

backend = Workload("backend", {"image": "./backend", "port": 3000, "public": True})

pulumi.export("url", backend.public_url)
