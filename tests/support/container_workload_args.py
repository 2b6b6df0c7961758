"""Stand-ins and builders for ContainerWorkload args in the spec tests: the smallest valid container,
events and workload, each overridable field by field, and the program folder they build from."""

from pathlib import Path
from typing import Any

from components.spec.container_workload.workload import parse_container_workload


class Component:
    """Stands in for a load balancer, gateway, bucket, function or cluster object."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Component({self.name!r})"


ALB = Component("myLoadBalancer")
ALB2 = Component("otherLoadBalancer")
NLB = Component("myNetworkLoadBalancer")
GATEWAY = Component("myApiGateway")
BUCKET = Component("photosBucket")
EFS = Component("myEfs")
FUNCTION = Component("validateDeployment")

FARGATE_CPU_LIST = "0.25, 0.5, 1, 2, 4, 8, 16"


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "web", "image": "nginx:1.27", **fields}


def alb_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "application-load-balancer",
        "load_balancer": ALB,
        "container_port": 80,
        "priority": 1,
        **fields,
    }


def http_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "http-api-gateway",
        "http_api_gateway": GATEWAY,
        "container_port": 80,
        "method": "GET",
        "path": "/x",
        **fields,
    }


def nlb_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "network-load-balancer",
        "load_balancer": NLB,
        "listener_port": 8080,
        "container_port": 80,
        **fields,
    }


def workload(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "containers": list(containers or [container()]),
        "resources": {"cpu": 0.5, "memory": 1024},
        **fields,
    }


def parse(args: dict[str, Any], name: str = "api") -> Any:
    return parse_container_workload(name, args)


def write_program_folder(root: Path) -> None:
    """A Pulumi program folder at `root` with a build context at ./app (Dockerfile + sources)."""
    app = root / "app"
    (app / "src").mkdir(parents=True)
    (app / "Dockerfile").write_text("FROM node:22\nCOPY . .\n")
    (app / "src" / "index.ts").write_text("console.log('hi')\n")
    (app / "README.md").write_text("docs\n")


HEALTH = {"health_check_command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}
