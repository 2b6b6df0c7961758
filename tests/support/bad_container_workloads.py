"""Bad ContainerWorkload args by concern, each with the field its error must name and what it must
allow, written out by hand from AWS's and Stacktape's documentation, not copied from the code.
`BAD` is all of them, for the check that the suite covers enough distinct mistakes."""

import pulumi

from tests.support.container_workload_args import (
    ALB,
    BUCKET,
    EFS,
    FARGATE_CPU_LIST,
    FUNCTION,
    HEALTH,
    NLB,
    BadCase,
    alb_event,
    container,
    http_event,
    nlb_event,
    workload,
)

BAD_WORKLOAD: list[BadCase] = [
    # (case, args, field named in the message, fragments of what is allowed)
    ("args not a dict", lambda: ["web"], "args", ("dict",)),
    ("no containers", lambda: workload() | {"containers": []}, "containers", ("non-empty list",)),
    ("containers missing", lambda: {"resources": {"cpu": 1, "memory": 2048}}, "containers", ("required",)),
    (
        "unknown top-level field",
        lambda: workload(overrides={}),
        "overrides",
        (
            "containers",
            "resources",
            "scaling",
            "deployment",
            "connect_to",
            "iam_role_statements",
            "enable_remote_sessions",
            "use_private_subnets_with_nat",
            "cluster",
        ),
    ),
    (
        "unknown deployment strategy",
        lambda: workload(container(events=[alb_event()]), deployment={"strategy": "Canary50Percent"}),
        "deployment.strategy",
        (
            "Canary10Percent5Minutes",
            "Canary10Percent15Minutes",
            "Linear10PercentEvery1Minutes",
            "Linear10PercentEvery3Minutes",
            "AllAtOnce",
        ),
    ),
    (
        "deployment without an ALB event",
        lambda: workload(deployment={"strategy": "AllAtOnce"}),
        "deployment",
        ("application-load-balancer event",),
    ),
    (
        "deployment over two container ports",
        lambda: workload(
            container(events=[alb_event()]),
            container(name="api", image="api:1", events=[alb_event(container_port=3000, priority=2)]),
            deployment={"strategy": "AllAtOnce"},
        ),
        "deployment",
        ("one container port through one Application Load Balancer",),
    ),
    (
        "test listener on the production listener port",
        lambda: workload(
            container(events=[alb_event(listener_port=443)]),
            deployment={"strategy": "AllAtOnce", "test_listener_port": 443},
        ),
        "deployment.test_listener_port",
        ("other than the production listener ports 443",),
    ),
    (
        "test listener on a default listener port",
        lambda: workload(
            container(events=[alb_event()]), deployment={"strategy": "AllAtOnce", "test_listener_port": 80}
        ),
        "deployment.test_listener_port",
        ("80, 443",),
    ),
    (
        "no essential container",
        lambda: workload(container(essential=False), container(name="api", image="api:1", essential=False)),
        "containers",
        ("at least one container with essential: true",),
    ),
    (
        "Output as the containers list",
        lambda: workload() | {"containers": pulumi.Output.from_input([])},
        "containers",
        ("not an Output",),
    ),
    (
        "Output as the cluster",
        lambda: workload(cluster=pulumi.Output.from_input("c")),
        "cluster",
        ("not an Output",),
    ),
    (
        "enable_remote_sessions 'yes'",
        lambda: workload(enable_remote_sessions="yes"),
        "enable_remote_sessions",
        ("true or false",),
    ),
]


BAD_CONTAINERS: list[BadCase] = [
    (
        "unknown container field",
        lambda: workload(container(ports=[80])),
        "containers[0].ports",
        ("name", "image", "build", "events", "volume_mounts"),
    ),
    (
        "duplicate container names",
        lambda: workload(container(), container(name="WEB", image="redis")),
        "containers[1].name",
        ("no other container",),
    ),
    (
        "container name starting with a digit",
        lambda: workload(container(name="1web")),
        "containers[0].name",
        ("letters, digits", "starting with a letter"),
    ),
    (
        "container without image or build",
        lambda: workload({"name": "web"}),
        "containers[0].image",
        ("exactly one of 'image'", "'build'"),
    ),
    (
        "container with image and build",
        lambda: workload(container(build={"context": "./app"})),
        "containers[0].image",
        ("exactly one of 'image'",),
    ),
    (
        "image that is a local folder",
        lambda: workload(container(image="./app")),
        "containers[0].image",
        ("registry reference", "'build'"),
    ),
    (
        "build context that does not exist",
        lambda: workload({"name": "web", "build": {"context": "./nope"}}),
        "containers[0].build.context",
        ("a folder that exists",),
    ),
    (
        "build without its dockerfile",
        lambda: workload({"name": "web", "build": {"context": "./app", "dockerfile": "Dockerfile.prod"}}),
        "containers[0].build.dockerfile",
        ("a file inside",),
    ),
    (
        "build sources matching nothing",
        lambda: workload({"name": "web", "build": {"context": "./app", "sources": ["src/**/*.py"]}}),
        "containers[0].build.sources[0]",
        ("matching at least one file",),
    ),
    (
        "depends_on an unknown container",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "START"}]),
            container(name="worker", image="busybox"),
        ),
        "containers[0].depends_on[0].container_name",
        ("worker",),
    ),
    (
        "depends_on itself",
        lambda: workload(container(depends_on=[{"container_name": "web", "condition": "START"}])),
        "containers[0].depends_on[0].container_name",
        ("another container",),
    ),
    (
        "bad depends_on condition",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "READY"}]),
            container(name="db", image="postgres"),
        ),
        "containers[0].depends_on[0].condition",
        ("START", "HEALTHY", "COMPLETE", "SUCCESS"),
    ),
    (
        "HEALTHY on a container without a health check",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "HEALTHY"}]),
            container(name="db", image="postgres"),
        ),
        "containers[0].depends_on[0].condition",
        ("internal_health_check",),
    ),
    (
        "dependency cycle",
        lambda: workload(
            container(depends_on=[{"container_name": "db", "condition": "START"}]),
            container(
                name="db", image="postgres", depends_on=[{"container_name": "web", "condition": "START"}]
            ),
        ),
        "containers[0].depends_on",
        ("without a cycle",),
    ),
    (
        "log retention CloudWatch does not offer",
        lambda: workload(container(logging={"retention_days": 45})),
        "containers[0].logging.retention_days",
        (
            "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, "
            "1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ),
    ),
    (
        "stop_timeout 1",
        lambda: workload(container(stop_timeout=1)),
        "containers[0].stop_timeout",
        ("from 2 to 120",),
    ),
    (
        "stop_timeout 121",
        lambda: workload(container(stop_timeout=121)),
        "containers[0].stop_timeout",
        ("from 2 to 120",),
    ),
    (
        "health check command without CMD",
        lambda: workload(container(internal_health_check={"health_check_command": ["curl", "localhost"]})),
        "containers[0].internal_health_check.health_check_command",
        ("'CMD'", "'CMD-SHELL'"),
    ),
    (
        "health check interval 4 s",
        lambda: workload(container(internal_health_check={**HEALTH, "interval_seconds": 4})),
        "containers[0].internal_health_check.interval_seconds",
        ("from 5 to 300",),
    ),
    (
        "health check retries 11",
        lambda: workload(container(internal_health_check={**HEALTH, "retries": 11})),
        "containers[0].internal_health_check.retries",
        ("from 1 to 10",),
    ),
    (
        "health check start period 301 s",
        lambda: workload(container(internal_health_check={**HEALTH, "start_period_seconds": 301})),
        "containers[0].internal_health_check.start_period_seconds",
        ("from 0 to 300",),
    ),
    (
        "load balancer health check without a load balancer",
        lambda: workload(container(load_balancer_health_check={"path": "/health"})),
        "containers[0].load_balancer_health_check",
        ("application-load-balancer", "network-load-balancer"),
    ),
    (
        "TCP health check behind an ALB",
        lambda: workload(container(events=[alb_event()], load_balancer_health_check={"protocol": "TCP"})),
        "containers[0].load_balancer_health_check.protocol",
        ("HTTP",),
    ),
    (
        "health check timeout not below interval",
        lambda: workload(
            container(
                events=[alb_event()], load_balancer_health_check={"interval_seconds": 5, "timeout_seconds": 5}
            )
        ),
        "containers[0].load_balancer_health_check.timeout_seconds",
        ("less than interval_seconds (5)",),
    ),
    (
        "health check path behind an NLB without protocol",
        lambda: workload(
            container(
                events=[nlb_event(listener_port=80)],
                load_balancer_health_check={"path": "/health"},
            )
        ),
        "containers[0].load_balancer_health_check.protocol",
        ("'HTTP'", "default is TCP"),
    ),
    (
        "health check path without a slash",
        lambda: workload(container(events=[alb_event()], load_balancer_health_check={"path": "health"})),
        "containers[0].load_balancer_health_check.path",
        ("starting with '/'",),
    ),
    (
        "environment value that is a list",
        lambda: workload(container(environment={"HOSTS": ["a", "b"]})),
        "containers[0].environment.HOSTS",
        ("string, number, boolean or an Output",),
    ),
    (
        "environment name with a dash",
        lambda: workload(container(environment={"MY-VAR": "x"})),
        "containers[0].environment",
        ("letters, digits and '_'",),
    ),
    (
        "volume mount of type ebs",
        lambda: workload(
            container(volume_mounts=[{"type": "ebs", "efs_filesystem": EFS, "mount_path": "/data"}])
        ),
        "containers[0].volume_mounts[0].type",
        ("efs",),
    ),
    (
        "volume mount at a relative path",
        lambda: workload(
            container(volume_mounts=[{"type": "efs", "efs_filesystem": EFS, "mount_path": "data"}])
        ),
        "containers[0].volume_mounts[0].mount_path",
        ("absolute path",),
    ),
    (
        "two volumes at one path",
        lambda: workload(
            container(
                volume_mounts=[
                    {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"},
                    {"type": "efs", "efs_filesystem": EFS, "mount_path": "/data"},
                ]
            )
        ),
        "containers[0].volume_mounts[1].mount_path",
        ("no other volume",),
    ),
]


BAD_EVENTS: list[BadCase] = [
    (
        "duplicate ALB priority on one balancer and listener",
        lambda: workload(
            container(events=[alb_event(paths=["/a"]), alb_event(paths=["/b"], container_port=80)])
        ),
        "containers[0].events[1].priority",
        ("no other event uses", "same load balancer and listener"),
    ),
    (
        "duplicate ALB priority across containers",
        lambda: workload(
            container(events=[alb_event(listener_port=443)]),
            container(name="api", image="api:1", events=[alb_event(container_port=3000, listener_port=443)]),
        ),
        "containers[1].events[0].priority",
        ("no other event uses",),
    ),
    (
        "ALB priority 0",
        lambda: workload(container(events=[alb_event(priority=0)])),
        "containers[0].events[0].priority",
        ("from 1 to 50000",),
    ),
    (
        "ALB priority 50001",
        lambda: workload(container(events=[alb_event(priority=50001)])),
        "containers[0].events[0].priority",
        ("from 1 to 50000",),
    ),
    (
        "ALB event without load_balancer",
        lambda: workload(
            container(events=[{"type": "application-load-balancer", "container_port": 80, "priority": 1}])
        ),
        "containers[0].events[0].load_balancer",
        ("required",),
    ),
    (
        "ALB event without priority",
        lambda: workload(
            container(
                events=[{"type": "application-load-balancer", "load_balancer": ALB, "container_port": 80}]
            )
        ),
        "containers[0].events[0].priority",
        ("required",),
    ),
    (
        "container_port 0",
        lambda: workload(container(events=[{"type": "workload-internal", "container_port": 0}])),
        "containers[0].events[0].container_port",
        ("from 1 to 65535",),
    ),
    (
        "container_port 70000",
        lambda: workload(container(events=[alb_event(container_port=70000)])),
        "containers[0].events[0].container_port",
        ("from 1 to 65535",),
    ),
    (
        "container_port as a string",
        lambda: workload(container(events=[alb_event(container_port="80")])),
        "containers[0].events[0].container_port",
        ("integer",),
    ),
    (
        "unknown event type",
        lambda: workload(container(events=[{"type": "sqs", "container_port": 80}])),
        "containers[0].events[0].type",
        (
            "http-api-gateway",
            "application-load-balancer",
            "network-load-balancer",
            "workload-internal",
            "service-connect",
        ),
    ),
    (
        "unknown ALB event key",
        lambda: workload(container(events=[alb_event(path="/x")])),
        "containers[0].events[0].path",
        ("paths", "methods", "hosts", "headers", "query_params", "source_ips"),
    ),
    (
        "bad ALB method",
        lambda: workload(container(events=[alb_event(methods=["FETCH"])])),
        "containers[0].events[0].methods[0]",
        ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"),
    ),
    (
        "four paths in one ALB condition",
        lambda: workload(container(events=[alb_event(paths=["/a", "/b", "/c", "/d"])])),
        "containers[0].events[0].paths",
        ("at most 3 values per condition",),
    ),
    (
        "six values in one ALB rule",
        lambda: workload(
            container(
                events=[alb_event(paths=["/a", "/b", "/c"], methods=["GET", "POST"], hosts=["x.example.com"])]
            )
        ),
        "containers[0].events[0]",
        ("at most 5 values",),
    ),
    (
        "source ip that is not a CIDR",
        lambda: workload(container(events=[alb_event(source_ips=["10.0.0.1"])])),
        "containers[0].events[0].source_ips[0]",
        ("CIDR",),
    ),
    (
        "header condition without values",
        lambda: workload(container(events=[alb_event(headers=[{"header_name": "X-Env"}])])),
        "containers[0].events[0].headers[0].values",
        ("required",),
    ),
    (
        "bad HTTP API method",
        lambda: workload(container(events=[http_event(method="ANY")])),
        "containers[0].events[0].method",
        ("*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
    ),
    (
        "HTTP API path without a slash",
        lambda: workload(container(events=[http_event(path="users")])),
        "containers[0].events[0].path",
        ("'*'", "starting with '/'"),
    ),
    (
        "payload_format 3.0",
        lambda: workload(container(events=[http_event(payload_format="3.0")])),
        "containers[0].events[0].payload_format",
        ("'1.0'",),
    ),
    (
        "payload_format 2.0 (Lambda only)",
        lambda: workload(container(events=[http_event(payload_format="2.0")])),
        "containers[0].events[0].payload_format",
        ("'1.0'", "Lambda"),
    ),
    (
        "duplicate HTTP API route",
        lambda: workload(
            container(events=[http_event()]),
            container(
                name="api",
                image="api:1",
                events=[http_event(container_port=3000)],
            ),
        ),
        "containers[1].events[0].path",
        ("no other event uses on the same gateway",),
    ),
    (
        "unknown authorizer type",
        lambda: workload(container(events=[http_event(authorizer={"type": "jwt"})])),
        "containers[0].events[0].authorizer.type",
        ("cognito", "lambda"),
    ),
    (
        "authorizer identity source without $request",
        lambda: workload(
            container(
                events=[
                    http_event(
                        authorizer={
                            "type": "lambda",
                            "function": FUNCTION,
                            "identity_sources": ["Authorization"],
                        }
                    )
                ]
            )
        ),
        "containers[0].events[0].authorizer.identity_sources[0]",
        ("$request.",),
    ),
    (
        "authorizer cache over an hour",
        lambda: workload(
            container(
                events=[
                    http_event(
                        authorizer={"type": "lambda", "function": FUNCTION, "cache_result_seconds": 3601}
                    )
                ]
            )
        ),
        "containers[0].events[0].authorizer.cache_result_seconds",
        ("from 0 to 3600",),
    ),
    (
        "NLB event without listener_port",
        lambda: workload(
            container(events=[{"type": "network-load-balancer", "load_balancer": NLB, "container_port": 80}])
        ),
        "containers[0].events[0].listener_port",
        ("required",),
    ),
    (
        "duplicate NLB listener",
        lambda: workload(
            container(events=[nlb_event()]),
            container(
                name="api",
                image="api:1",
                events=[nlb_event(container_port=3000)],
            ),
        ),
        "containers[1].events[0].listener_port",
        ("no other event uses",),
    ),
    (
        "service-connect protocol tcp",
        lambda: workload(
            container(events=[{"type": "service-connect", "container_port": 80, "protocol": "tcp"}])
        ),
        "containers[0].events[0].protocol",
        ("http", "http2", "grpc"),
    ),
    (
        "service-connect alias with underscores",
        lambda: workload(
            container(events=[{"type": "service-connect", "container_port": 80, "alias": "my_api"}])
        ),
        "containers[0].events[0].alias",
        ("lowercase letters, digits and '-'",),
    ),
    (
        "duplicate service-connect alias",
        lambda: workload(
            container(events=[{"type": "service-connect", "container_port": 80, "alias": "api"}]),
            container(
                name="api",
                image="api:1",
                events=[{"type": "service-connect", "container_port": 3000, "alias": "api"}],
            ),
        ),
        "containers[1].events[0].alias",
        ("no other service-connect event",),
    ),
    (
        "two containers on one port",
        lambda: workload(
            container(events=[{"type": "workload-internal", "container_port": 3000}]),
            container(
                name="api", image="api:1", events=[{"type": "workload-internal", "container_port": 3000}]
            ),
        ),
        "containers[1].events[0].container_port",
        ("'web' does not use",),
    ),
    (
        "Output as a container port",
        lambda: workload(container(events=[alb_event(container_port=pulumi.Output.from_input(80))])),
        "containers[0].events[0].container_port",
        ("not an Output",),
    ),
    (
        "Output as a load balancer",
        lambda: workload(container(events=[alb_event(load_balancer=pulumi.Output.from_input("arn:lb"))])),
        "containers[0].events[0].load_balancer",
        ("not an Output",),
    ),
]


BAD_COMPUTE: list[BadCase] = [
    ("resources missing", lambda: {"containers": [container()]}, "resources", ("required",)),
    (
        "Fargate pair 1 vCPU / 1024",
        lambda: workload(resources={"cpu": 1, "memory": 1024}),
        "resources.memory",
        ("1 vCPU", "2048, 3072, 4096, 5120, 6144, 7168, 8192"),
    ),
    (
        "Fargate pair 0.25 vCPU / 4096",
        lambda: workload(resources={"cpu": 0.25, "memory": 4096}),
        "resources.memory",
        ("0.25 vCPU", "512, 1024, 2048"),
    ),
    (
        "Fargate pair 16 vCPU / 16384",
        lambda: workload(resources={"cpu": 16, "memory": 16384}),
        "resources.memory",
        ("16 vCPU", "32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880"),
    ),
    (
        "Fargate pair 8 vCPU / 18432",
        lambda: workload(resources={"cpu": 8, "memory": 18432}),
        "resources.memory",
        ("16384, 20480, 24576",),
    ),
    (
        "Fargate without memory",
        lambda: workload(resources={"cpu": 2}),
        "resources.memory",
        ("4096, 5120", "16384"),
    ),
    (
        "Fargate cpu not offered",
        lambda: workload(resources={"cpu": 3, "memory": 8192}),
        "resources.cpu",
        (FARGATE_CPU_LIST, "instance_types"),
    ),
    (
        "no cpu and no instance types",
        lambda: workload(resources={"memory": 2048}),
        "resources.cpu",
        (FARGATE_CPU_LIST, "instance_types"),
    ),
    (
        "warm pool on Fargate",
        lambda: workload(resources={"cpu": 1, "memory": 2048, "enable_warm_pool": True}),
        "resources.enable_warm_pool",
        ("instance_types",),
    ),
    (
        "warm pool with two instance types",
        lambda: workload(resources={"instance_types": ["c5.large", "c5.xlarge"], "enable_warm_pool": True}),
        "resources.enable_warm_pool",
        ("exactly one instance type",),
    ),
    (
        "unknown architecture",
        lambda: workload(resources={"cpu": 1, "memory": 2048, "architecture": "ppc64"}),
        "resources.architecture",
        ("x86_64", "arm64"),
    ),
    (
        "arm64 on an x86 instance type",
        lambda: workload(resources={"instance_types": ["c5.large"], "architecture": "arm64"}),
        "resources.architecture",
        ("'x86_64'",),
    ),
    (
        "instance types of two architectures",
        lambda: workload(resources={"instance_types": ["c5.large", "m7g.large"]}),
        "resources.instance_types",
        ("one architecture",),
    ),
    (
        "malformed instance type",
        lambda: workload(resources={"instance_types": ["large"]}),
        "resources.instance_types[0]",
        ("EC2 instance type",),
    ),
    (
        "cpu on EC2 not a Stacktape size",
        lambda: workload(resources={"instance_types": ["c5.large"], "cpu": 3}),
        "resources.cpu",
        (FARGATE_CPU_LIST,),
    ),
    (
        "unknown resources key",
        lambda: workload(resources={"cpu": 1, "memory": 2048, "gpu": 1}),
        "resources.gpu",
        ("cpu", "memory", "instance_types", "enable_warm_pool", "architecture"),
    ),
    (
        "min_instances above max_instances",
        lambda: workload(scaling={"min_instances": 3, "max_instances": 2}),
        "scaling.min_instances",
        ("at most max_instances (2)",),
    ),
    (
        "min_instances 0",
        lambda: workload(scaling={"min_instances": 0, "max_instances": 2}),
        "scaling.min_instances",
        ("from 1 to",),
    ),
    (
        "cpu target 0 percent",
        lambda: workload(
            scaling={"max_instances": 3, "scaling_policy": {"keep_avg_cpu_utilization_under": 0}}
        ),
        "scaling.scaling_policy.keep_avg_cpu_utilization_under",
        ("from 1 to 100",),
    ),
    (
        "memory target 120 percent",
        lambda: workload(
            scaling={"max_instances": 3, "scaling_policy": {"keep_avg_memory_utilization_under": 120}}
        ),
        "scaling.scaling_policy.keep_avg_memory_utilization_under",
        ("from 1 to 100",),
    ),
    (
        "Output as resources.cpu",
        lambda: workload(resources={"cpu": pulumi.Output.from_input(1), "memory": 2048}),
        "resources.cpu",
        ("not an Output",),
    ),
]


BAD_ACCESS: list[BadCase] = [
    (
        "IAM action without a service",
        lambda: workload(iam_role_statements=[{"action": ["Publish"], "resource": ["*"]}]),
        "iam_role_statements[0].action[0]",
        ("'service:Action'",),
    ),
    (
        "IAM effect Maybe",
        lambda: workload(
            iam_role_statements=[{"action": ["sns:Publish"], "resource": ["*"], "effect": "Maybe"}]
        ),
        "iam_role_statements[0].effect",
        ("Allow", "Deny"),
    ),
    (
        "IAM statement without resource",
        lambda: workload(iam_role_statements=[{"action": ["sns:Publish"]}]),
        "iam_role_statements[0].resource",
        ("required",),
    ),
    (
        "connect_to an unknown AWS service",
        lambda: workload(connect_to=["aws:s3"]),
        "connect_to[0]",
        ("aws:ses",),
    ),
    (
        "connect_to the same bucket twice",
        lambda: workload(connect_to=[BUCKET, BUCKET]),
        "connect_to[1]",
        ("each target once",),
    ),
]


BAD: list[BadCase] = [*BAD_WORKLOAD, *BAD_CONTAINERS, *BAD_EVENTS, *BAD_COMPUTE, *BAD_ACCESS]
