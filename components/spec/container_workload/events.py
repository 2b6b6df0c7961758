"""The `events` of one ContainerWorkload container: where traffic reaches which container port.

One frozen dataclass per Stacktape integration type. Checks that need only one event live here;
checks across events (duplicate ALB priorities, duplicate routes, ...) live in `container_workload`.
Load balancers and gateways are the user's component objects, passed through untouched.
"""

import hashlib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from components.spec.arg_reader import ArgReader

if TYPE_CHECKING:  # the component classes import this module; annotations only
    from components.http_api_gateway import HttpApiGateway
    from components.load_balancers import ApplicationLoadBalancer, NetworkLoadBalancer


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
# Stacktape's (and API Gateway's) route methods; '*' means any method.
HTTP_API_METHODS = ("*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
SERVICE_CONNECT_PROTOCOLS = ("http", "http2", "grpc")
ALB_PRIORITY_MAX = 50000
ALB_EVENT_FIELDS = (
    "type",
    "load_balancer",
    "container_port",
    "priority",
    "listener_port",
    "paths",
    "methods",
    "hosts",
    "headers",
    "query_params",
    "source_ips",
)
# ALB limits: 3 values per condition and 5 across all conditions of one rule.
ALB_VALUES_PER_CONDITION = 3
ALB_VALUES_PER_RULE = 5
ALB_PATTERN_MAX_LENGTH = 128
DEFAULT_IDENTITY_SOURCES = ("$request.header.Authorization",)
DEFAULT_IAM_RESPONSE = False
DEFAULT_CACHE_RESULT_SECONDS = 0
DEFAULT_PAYLOAD_FORMAT = "1.0"
IDENTITY_SOURCE_PREFIXES = ("$request.", "$context.", "$stageVariables.")
# The alias names a Cloud Map service (CreateService: DNS labels of at most 63 characters) and is
# ECS's discoveryName (lowercase letters, digits, '-').
ALIAS_MAX_LENGTH = 63
ALIAS_PATTERN = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
ALIAS_RULE = "lowercase letters, digits and '-', starting with a letter, at most 63 characters"
ALIAS_HASH_LENGTH = 8


@dataclass(frozen=True)
class HeaderCondition:
    header_name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class QueryParamCondition:
    param_name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationLoadBalancerEvent:
    TYPE: ClassVar[str] = "application-load-balancer"
    load_balancer: "ApplicationLoadBalancer"
    container_port: int
    priority: int
    listener_port: int | None
    paths: tuple[str, ...]
    methods: tuple[str, ...]
    hosts: tuple[str, ...]
    headers: tuple[HeaderCondition, ...]
    query_params: tuple[QueryParamCondition, ...]
    source_ips: tuple[str, ...]


@dataclass(frozen=True)
class CognitoAuthorizer:
    TYPE: ClassVar[str] = "cognito"
    user_pool: object
    identity_sources: tuple[str, ...]


@dataclass(frozen=True)
class LambdaAuthorizer:
    TYPE: ClassVar[str] = "lambda"
    function: object
    iam_response: bool
    identity_sources: tuple[str, ...]
    cache_result_seconds: int


@dataclass(frozen=True)
class HttpApiGatewayEvent:
    TYPE: ClassVar[str] = "http-api-gateway"
    http_api_gateway: "HttpApiGateway"
    container_port: int
    method: str
    path: str
    authorizer: CognitoAuthorizer | LambdaAuthorizer | None
    payload_format: str


@dataclass(frozen=True)
class NetworkLoadBalancerEvent:
    TYPE: ClassVar[str] = "network-load-balancer"
    load_balancer: "NetworkLoadBalancer"
    listener_port: int
    container_port: int


@dataclass(frozen=True)
class WorkloadInternalEvent:
    TYPE: ClassVar[str] = "workload-internal"
    container_port: int


@dataclass(frozen=True)
class ServiceConnectEvent:
    TYPE: ClassVar[str] = "service-connect"
    container_port: int
    alias: str
    protocol: str | None


ContainerEvent = (
    ApplicationLoadBalancerEvent
    | HttpApiGatewayEvent
    | NetworkLoadBalancerEvent
    | WorkloadInternalEvent
    | ServiceConnectEvent
)
EVENT_TYPES = (
    HttpApiGatewayEvent.TYPE,
    ApplicationLoadBalancerEvent.TYPE,
    NetworkLoadBalancerEvent.TYPE,
    WorkloadInternalEvent.TYPE,
    ServiceConnectEvent.TYPE,
)


def kebab(name: str) -> str:
    """'apiContainer' -> 'api-container', 'my_service' -> 'my-service' (for default DNS aliases)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).replace("_", "-").lower()


def default_alias(resource_name: str, container_name: str) -> str:
    """Stacktape's default alias, the resource and container names ('my-resource-my-container'), made
    a valid alias: cut to fit with a hash of the whole when longer than a DNS label."""
    full = re.sub(r"[^a-z0-9-]+", "-", f"{kebab(resource_name)}-{kebab(container_name)}").strip("-")
    if ALIAS_PATTERN.match(full):
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:ALIAS_HASH_LENGTH]
    return f"{full[: ALIAS_MAX_LENGTH - ALIAS_HASH_LENGTH - 1].rstrip('-')}-{digest}"


def parse_event(
    reader: ArgReader, field: str, raw: Any, resource_name: str, container_name: str
) -> ContainerEvent:
    """One entry of `containers[i].events`, dispatched on its `type`."""
    if not isinstance(raw, Mapping):
        raise reader.error(field, raw, "a dict with a 'type' of " + ", ".join(EVENT_TYPES))
    event_type = reader.choice(f"{field}.type", raw.get("type"), EVENT_TYPES)
    if event_type == ApplicationLoadBalancerEvent.TYPE:
        return _application_load_balancer(reader, field, raw)
    if event_type == HttpApiGatewayEvent.TYPE:
        return _http_api_gateway(reader, field, raw)
    if event_type == NetworkLoadBalancerEvent.TYPE:
        value = reader.mapping(
            field,
            raw,
            ("type", "load_balancer", "listener_port", "container_port"),
            ("load_balancer", "listener_port", "container_port"),
        )
        return NetworkLoadBalancerEvent(
            load_balancer=_balancer(reader, f"{field}.load_balancer", value["load_balancer"], "Network"),
            listener_port=reader.port(f"{field}.listener_port", value["listener_port"]),
            container_port=reader.port(f"{field}.container_port", value["container_port"]),
        )
    if event_type == WorkloadInternalEvent.TYPE:
        value = reader.mapping(field, raw, ("type", "container_port"), ("container_port",))
        return WorkloadInternalEvent(
            container_port=reader.port(f"{field}.container_port", value["container_port"])
        )
    return _service_connect(reader, field, raw, resource_name, container_name)


def _balancer(reader: ArgReader, field: str, value: Any, kind: str) -> Any:
    return reader.reference(field, value, f"the {kind}LoadBalancer component object to receive traffic from")


def _application_load_balancer(
    reader: ArgReader, field: str, raw: Mapping[str, Any]
) -> ApplicationLoadBalancerEvent:
    value = reader.mapping(field, raw, ALB_EVENT_FIELDS, ("load_balancer", "container_port", "priority"))
    listener = value.get("listener_port")
    event = ApplicationLoadBalancerEvent(
        load_balancer=_balancer(reader, f"{field}.load_balancer", value["load_balancer"], "Application"),
        container_port=reader.port(f"{field}.container_port", value["container_port"]),
        priority=reader.integer(f"{field}.priority", value["priority"], 1, ALB_PRIORITY_MAX),
        listener_port=None if listener is None else reader.port(f"{field}.listener_port", listener),
        paths=_patterns(reader, f"{field}.paths", value.get("paths"), "URL path patterns, e.g. '/api/*'"),
        methods=_methods(reader, f"{field}.methods", value.get("methods")),
        hosts=_patterns(reader, f"{field}.hosts", value.get("hosts"), "host names, e.g. '*.example.com'"),
        headers=tuple(
            HeaderCondition(name, values)
            for name, values in _named_conditions(
                reader, f"{field}.headers", value.get("headers"), "header_name"
            )
        ),
        query_params=tuple(
            QueryParamCondition(name, values)
            for name, values in _named_conditions(
                reader, f"{field}.query_params", value.get("query_params"), "param_name"
            )
        ),
        source_ips=_cidrs(reader, f"{field}.source_ips", value.get("source_ips")),
    )
    _check_rule_size(reader, field, event)
    return event


def _optional_items(reader: ArgReader, field: str, value: Any, what: str) -> list[Any]:
    return [] if value is None else reader.items(field, value, what)


def _patterns(reader: ArgReader, field: str, value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    patterns = reader.strings(field, value, what)
    reader.each(
        field,
        patterns,
        lambda pattern: len(pattern) <= ALB_PATTERN_MAX_LENGTH,
        f"at most {ALB_PATTERN_MAX_LENGTH} characters",
    )
    return patterns


def _methods(reader: ArgReader, field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    methods = reader.strings(field, value, "HTTP methods")
    for index, method in enumerate(methods):
        reader.choice(f"{field}[{index}]", method, HTTP_METHODS)
    return methods


def _named_conditions(
    reader: ArgReader, field: str, raw: Any, name_key: str
) -> list[tuple[str, tuple[str, ...]]]:
    """Header or query parameter conditions: [{name_key: ..., 'values': [...]}, ...]."""
    conditions = []
    what = f"{{'{name_key}': ..., 'values': [...]}} dicts"
    for index, item in enumerate(_optional_items(reader, field, raw, what)):
        value = reader.mapping(f"{field}[{index}]", item, (name_key, "values"), (name_key, "values"))
        name = reader.text(f"{field}[{index}].{name_key}", value[name_key])
        values = reader.strings(
            f"{field}[{index}].values", value["values"], "strings to match", non_empty=True
        )
        conditions.append((name, values))
    return conditions


def _cidrs(reader: ArgReader, field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    cidrs = reader.strings(field, value, "CIDR blocks, e.g. '203.0.113.0/24'")
    reader.each(
        field, cidrs, lambda cidr: "/" in cidr and _is_network(cidr), "a CIDR block, e.g. '203.0.113.0/24'"
    )
    return cidrs


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _check_rule_size(reader: ArgReader, field: str, event: ApplicationLoadBalancerEvent) -> None:
    conditions: dict[str, tuple[str, ...]] = {
        "paths": event.paths,
        "methods": event.methods,
        "hosts": event.hosts,
        "source_ips": event.source_ips,
        **{f"headers[{i}].values": h.values for i, h in enumerate(event.headers)},
        **{f"query_params[{i}].values": q.values for i, q in enumerate(event.query_params)},
    }
    for name, values in conditions.items():
        if len(values) > ALB_VALUES_PER_CONDITION:
            raise reader.error(
                f"{field}.{name}",
                list(values),
                f"at most {ALB_VALUES_PER_CONDITION} values per condition (an Application Load Balancer "
                "limit; split the event in two)",
            )
    total = sum(len(values) for values in conditions.values())
    if total > ALB_VALUES_PER_RULE:
        raise reader.error(
            field,
            f"{total} condition values",
            f"at most {ALB_VALUES_PER_RULE} values across paths, methods, hosts, headers, query_params and "
            "source_ips (an Application Load Balancer limit per rule; split the event in two)",
        )


def _http_api_gateway(reader: ArgReader, field: str, raw: Mapping[str, Any]) -> HttpApiGatewayEvent:
    value = reader.mapping(
        field,
        raw,
        ("type", "http_api_gateway", "container_port", "method", "path", "authorizer", "payload_format"),
        ("http_api_gateway", "container_port", "method", "path"),
    )
    path = reader.text(f"{field}.path", value["path"], "'*' or a path starting with '/', e.g. '/users/{id}'")
    if path != "*" and (not path.startswith("/") or any(c.isspace() for c in path)):
        raise reader.error(f"{field}.path", path, "'*' or a path starting with '/', e.g. '/users/{id}'")
    # API Gateway accepts payload format 2.0 only for Lambda integrations; a container is reached
    # through an HTTP proxy integration, where AWS rejects anything but 1.0 at deploy time.
    payload_format = reader.plain(
        f"{field}.payload_format", value.get("payload_format", DEFAULT_PAYLOAD_FORMAT)
    )
    if payload_format != "1.0":
        raise reader.error(
            f"{field}.payload_format",
            payload_format,
            "'1.0' (API Gateway supports '2.0' only "
            "for Lambda integrations, and a container is reached through an HTTP proxy)",
        )
    authorizer = value.get("authorizer")
    return HttpApiGatewayEvent(
        http_api_gateway=reader.reference(
            f"{field}.http_api_gateway",
            value["http_api_gateway"],
            "the HttpApiGateway component object to receive requests from",
        ),
        container_port=reader.port(f"{field}.container_port", value["container_port"]),
        method=reader.choice(f"{field}.method", value["method"], HTTP_API_METHODS),
        path=path,
        authorizer=None if authorizer is None else _authorizer(reader, f"{field}.authorizer", authorizer),
        payload_format=payload_format,
    )


def _authorizer(reader: ArgReader, field: str, raw: Any) -> CognitoAuthorizer | LambdaAuthorizer:
    if not isinstance(raw, Mapping):
        raise reader.error(field, raw, "a dict with a 'type' of cognito, lambda")
    kind = reader.choice(f"{field}.type", raw.get("type"), (CognitoAuthorizer.TYPE, LambdaAuthorizer.TYPE))
    if kind == CognitoAuthorizer.TYPE:
        value = reader.mapping(field, raw, ("type", "user_pool", "identity_sources"), ("user_pool",))
        return CognitoAuthorizer(
            user_pool=reader.input_value(f"{field}.user_pool", value["user_pool"], "the Cognito user pool"),
            identity_sources=_identity_sources(
                reader, f"{field}.identity_sources", value.get("identity_sources")
            ),
        )
    value = reader.mapping(
        field,
        raw,
        ("type", "function", "iam_response", "identity_sources", "cache_result_seconds"),
        ("function",),
    )
    return LambdaAuthorizer(
        function=reader.input_value(f"{field}.function", value["function"], "the authorizer Lambda function"),
        iam_response=reader.boolean(f"{field}.iam_response", value.get("iam_response", DEFAULT_IAM_RESPONSE)),
        identity_sources=_identity_sources(
            reader, f"{field}.identity_sources", value.get("identity_sources")
        ),
        cache_result_seconds=reader.integer(
            f"{field}.cache_result_seconds",
            value.get("cache_result_seconds", DEFAULT_CACHE_RESULT_SECONDS),
            0,
            3600,
        ),
    )


def _identity_sources(reader: ArgReader, field: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_IDENTITY_SOURCES
    sources = reader.strings(
        field, value, "identity sources, e.g. '$request.header.Authorization'", non_empty=True
    )
    reader.each(
        field,
        sources,
        lambda source: source.startswith(IDENTITY_SOURCE_PREFIXES),
        "an identity source starting with "
        + ", ".join(IDENTITY_SOURCE_PREFIXES)
        + " e.g. '$request.header.Authorization'",
    )
    return sources


def _service_connect(
    reader: ArgReader, field: str, raw: Mapping[str, Any], resource_name: str, container_name: str
) -> ServiceConnectEvent:
    value = reader.mapping(field, raw, ("type", "container_port", "alias", "protocol"), ("container_port",))
    alias = value.get("alias")
    if alias is None:
        alias = default_alias(resource_name, container_name)
    elif not isinstance(reader.plain(f"{field}.alias", alias), str) or not ALIAS_PATTERN.match(alias):
        raise reader.error(f"{field}.alias", alias, ALIAS_RULE)
    protocol = value.get("protocol")
    return ServiceConnectEvent(
        container_port=reader.port(f"{field}.container_port", value["container_port"]),
        alias=alias,
        protocol=None
        if protocol is None
        else reader.choice(f"{field}.protocol", protocol, SERVICE_CONNECT_PROTOCOLS),
    )
