"""Parse the args of `ApplicationLoadBalancer`, `NetworkLoadBalancer` and `HttpApiGateway` into specs.

Stacktape's `application-load-balancer`, `network-load-balancer` and `http-api-gateway` in snake_case:
listeners (port, protocol, TLS certificate), an optional custom domain, and the cluster whose VPC
they live in. Everything here decides which resources exist, so it must be plain values.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from components.spec.arg_reader import ArgReader

if TYPE_CHECKING:  # the component classes import this module; annotations only
    from components.cluster import Cluster


ALB_PROTOCOLS = ("HTTP", "HTTPS")
NLB_PROTOCOLS = ("TCP", "TLS")
TLS_PROTOCOLS = ("HTTPS", "TLS")
HTTP_PORT = 80
HTTPS_PORT = 443
DEFAULT_INTERNAL = False
HOST_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
HOST_RULE = "a fully qualified lowercase host name, e.g. 'api.example.com'"
BALANCER_FIELDS = ("listeners", "certificate_arn", "domain", "internal", "cluster")
GATEWAY_FIELDS = ("certificate_arn", "domain", "cluster")


@dataclass(frozen=True)
class ListenerSpec:
    """A listener; `redirect_to_port` set: an HTTP listener that only redirects to HTTPS there."""

    port: int
    protocol: str
    certificate_arn: str | None = None
    redirect_to_port: int | None = None

    @property
    def forwards(self) -> bool:
        """Whether workloads attach to it (redirecting listeners answer every request themselves)."""
        return self.redirect_to_port is None


@dataclass(frozen=True)
class DomainSpec:
    host: str
    zone_id: str | None
    """Route 53 hosted zone to create the host's alias record in; None: the user points DNS."""


@dataclass(frozen=True)
class LoadBalancerSpec:
    resource_name: str
    kind: str  # "application" or "network"
    listeners: tuple[ListenerSpec, ...]
    internal: bool
    domain: DomainSpec | None
    cluster: "Cluster | None"

    def listener(self, port: int) -> ListenerSpec | None:
        return next((listener for listener in self.listeners if listener.port == port), None)

    @property
    def forwarding_ports(self) -> tuple[int, ...]:
        return tuple(listener.port for listener in self.listeners if listener.forwards)


@dataclass(frozen=True)
class HttpApiGatewaySpec:
    resource_name: str
    certificate_arn: str | None
    domain: DomainSpec | None
    cluster: "Cluster | None"


def parse_application_load_balancer(name: str, raw: Mapping[str, Any] | None) -> LoadBalancerSpec:
    """Default listeners: HTTP on 80; with `certificate_arn`, HTTPS on 443 and 80 redirecting to it."""
    reader = ArgReader("ApplicationLoadBalancer", name)
    value = reader.mapping("", raw or {}, BALANCER_FIELDS)
    certificate = _certificate(reader, value.get("certificate_arn"))
    if value.get("listeners") is None:
        listeners: tuple[ListenerSpec, ...] = (
            (
                ListenerSpec(HTTPS_PORT, "HTTPS", certificate),
                ListenerSpec(HTTP_PORT, "HTTP", None, HTTPS_PORT),
            )
            if certificate
            else (ListenerSpec(HTTP_PORT, "HTTP"),)
        )
    else:
        listeners = _listeners(reader, value["listeners"], ALB_PROTOCOLS, certificate)
    return _balancer(reader, name, "application", value, listeners)


def parse_network_load_balancer(name: str, raw: Mapping[str, Any] | None) -> LoadBalancerSpec:
    """Listeners are required, as in Stacktape: a network load balancer has no default protocol."""
    reader = ArgReader("NetworkLoadBalancer", name)
    value = reader.mapping("", raw or {}, BALANCER_FIELDS, ("listeners",))
    certificate = _certificate(reader, value.get("certificate_arn"))
    listeners = _listeners(reader, value["listeners"], NLB_PROTOCOLS, certificate)
    return _balancer(reader, name, "network", value, listeners)


def parse_http_api_gateway(name: str, raw: Mapping[str, Any] | None) -> HttpApiGatewaySpec:
    reader = ArgReader("HttpApiGateway", name)
    value = reader.mapping("", raw or {}, GATEWAY_FIELDS)
    certificate = _certificate(reader, value.get("certificate_arn"))
    domain = _domain(reader, value.get("domain"))
    if domain is not None and certificate is None:
        raise reader.error(
            "certificate_arn",
            None,
            "an ACM certificate ARN for the domain (API Gateway serves custom domains over TLS only)",
        )
    return HttpApiGatewaySpec(
        resource_name=name, certificate_arn=certificate, domain=domain, cluster=_cluster(reader, value)
    )


def _balancer(
    reader: ArgReader, name: str, kind: str, value: Mapping[str, Any], listeners: tuple[ListenerSpec, ...]
) -> LoadBalancerSpec:
    return LoadBalancerSpec(
        resource_name=name,
        kind=kind,
        listeners=listeners,
        internal=reader.boolean("internal", value.get("internal", DEFAULT_INTERNAL)),
        domain=_domain(reader, value.get("domain")),
        cluster=_cluster(reader, value),
    )


def _listeners(
    reader: ArgReader, raw: Any, protocols: tuple[str, ...], certificate: str | None
) -> tuple[ListenerSpec, ...]:
    listeners: list[ListenerSpec] = []
    for index, item in enumerate(reader.items("listeners", raw, "listener dicts", non_empty=True)):
        field = f"listeners[{index}]"
        value = reader.mapping(field, item, ("port", "protocol", "certificate_arn"), ("port", "protocol"))
        port = reader.port(f"{field}.port", value["port"])
        if any(listener.port == port for listener in listeners):
            raise reader.error(f"{field}.port", port, "a port no other listener of this load balancer uses")
        protocol = reader.choice(f"{field}.protocol", value["protocol"], protocols)
        own = _certificate(reader, value.get("certificate_arn"), f"{field}.certificate_arn")
        if protocol in TLS_PROTOCOLS and (own or certificate) is None:
            raise reader.error(
                f"{field}.certificate_arn",
                None,
                f"an ACM certificate ARN for {protocol} (here or in 'certificate_arn')",
            )
        if protocol not in TLS_PROTOCOLS and own is not None:
            raise reader.error(
                f"{field}.certificate_arn", own, f"no certificate on a plain {protocol} listener"
            )
        listeners.append(
            ListenerSpec(port, protocol, (own or certificate) if protocol in TLS_PROTOCOLS else None)
        )
    return tuple(listeners)


def _certificate(reader: ArgReader, value: Any, field: str = "certificate_arn") -> str | None:
    if value is None:
        return None
    arn = reader.text(field, value, "an ACM certificate ARN")
    if not arn.startswith("arn:") or ":acm:" not in arn:
        raise reader.error(
            field, arn, "an ACM certificate ARN, e.g. 'arn:aws:acm:us-east-1:123456789012:certificate/...'"
        )
    return arn


def _domain(reader: ArgReader, raw: Any) -> DomainSpec | None:
    if raw is None:
        return None
    value = reader.mapping("domain", raw, ("host", "zone_id"), ("host",))
    host = reader.text("domain.host", value["host"], HOST_RULE)
    if not HOST_PATTERN.match(host):
        raise reader.error("domain.host", host, HOST_RULE)
    zone = value.get("zone_id")
    return DomainSpec(
        host, None if zone is None else reader.text("domain.zone_id", zone, "a Route 53 hosted zone id")
    )


def _cluster(reader: ArgReader, value: Mapping[str, Any]) -> "Cluster | None":
    cluster = value.get("cluster")
    return None if cluster is None else reader.reference("cluster", cluster, "a Cluster component object")
