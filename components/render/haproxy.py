"""ALB listener rules as HAProxy configuration: what the sim platform's balancer proxy runs.

The input is the ELBv2 `Conditions` list that `render.ecs.load_balancer_rules.rule_conditions`
makes for the AWS listener rule, so the rule AWS evaluates and the rule the proxy evaluates come
from one model and cannot drift. ALB semantics kept: AND across conditions, OR within one
condition's values; path patterns case-sensitive with `*` (any run of characters, '/' included) and
`?` (one character), matched on the path without the query string; host headers, HTTP header values
and query strings case-insensitive with the same wildcards; methods case-sensitive; source IPs as
CIDR blocks. Rules are evaluated by priority, lowest first (HAProxy takes the first `use_backend`
that matches, so they are written in priority order).
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.render.http_api_routes import ANY_METHOD, NOT_FOUND_BODY, UNAUTHORIZED_BODY, HttpApiRoute

# What a listener answers when no rule takes a request: our ALBs' default action on AWS
# (`platforms.ecs.load_balancers`), an NLB's refusal, and API Gateway's answer when no route matches.
ALB_NO_ROUTE = 'http-request return status 404 content-type text/plain string "no route"'
NLB_NO_ROUTE = "tcp-request content reject"
HTTP_API_NO_ROUTE = f"http-request return status 404 content-type application/json string '{NOT_FOUND_BODY}'"
# Identity sources sim can check (the others, `$context.*` and `$stageVariables.*`, it cannot).
IDENTITY_FETCHES = {"$request.header.": "req.hdr", "$request.querystring.": "url_param"}


def _wildcards(pattern: str, char: str = ".") -> str:
    """An ALB wildcard (`*`, `?`) as an unanchored regular expression; `char` is what one character
    may be (in a query string, anything but '&')."""
    return "".join(char if c == "?" else f"{char}*" if c == "*" else re.escape(c) for c in pattern)


def _quoted(regex: str) -> str:
    # Single quotes: HAProxy takes their content as is; a quote in a value becomes PCRE's \x27.
    return "'" + regex.replace("'", r"\x27") + "'"


def wildcard_regex(pattern: str) -> str:
    """An ALB wildcard pattern as an anchored regular expression, quoted for HAProxy's config."""
    return _quoted(f"^{_wildcards(pattern)}$")


def query_regex(key: str | None, value: str) -> str:
    """A query-string pair (key optional) found anywhere in the query string, quoted for HAProxy."""
    pair = (
        f"{_wildcards(key, '[^&=]')}={_wildcards(value, '[^&]')}"
        if key
        else f"[^&]*={_wildcards(value, '[^&]')}"
    )
    return _quoted(f"(^|&){pair}(&|$)")


def condition_acls(name: str, condition: Mapping[str, Any]) -> list[str]:
    """`acl` lines named `name` that match one ELBv2 condition (several lines of one name are OR-ed)."""
    field = condition["Field"]
    if field == "path-pattern":
        values = condition["PathPatternConfig"]["Values"]
        return [f"acl {name} path -m reg {' '.join(map(wildcard_regex, values))}"]
    if field == "http-request-method":
        return [f"acl {name} method {' '.join(condition['HttpRequestMethodConfig']['Values'])}"]
    if field == "host-header":
        values = condition["HostHeaderConfig"]["Values"]
        return [f"acl {name} req.hdr(host),field(1,:) -m reg -i {' '.join(map(wildcard_regex, values))}"]
    if field == "http-header":
        config = condition["HttpHeaderConfig"]
        patterns = " ".join(map(wildcard_regex, config["Values"]))
        return [f"acl {name} req.fhdr({config['HttpHeaderName']}) -m reg -i {patterns}"]
    if field == "query-string":
        pairs = condition["QueryStringConfig"]["Values"]
        return [
            f"acl {name} query -m reg -i {' '.join(query_regex(p.get('Key'), p['Value']) for p in pairs)}"
        ]
    if field == "source-ip":
        return [f"acl {name} src {' '.join(condition['SourceIpConfig']['Values'])}"]
    raise ValueError(f"no HAProxy rendering for the ELBv2 condition field {field!r}")


@dataclass(frozen=True)
class ProxyRule:
    """One listener rule: where it lives, its priority, its conditions and the backend it forwards to."""

    listener_port: int
    priority: int
    conditions: Sequence[Mapping[str, Any]]
    backend: str

    @property
    def order(self) -> tuple[int, ...]:
        return (self.priority,)

    def lines(self) -> list[str]:
        """The rule's `acl` lines, then the `use_backend` that needs them all."""
        names = [f"p{self.priority}_c{index}" for index in range(len(self.conditions))]
        if not self.conditions:  # a network balancer's listener forwards everything to one target
            return [f"use_backend {self.backend}"]
        pairs = zip(names, self.conditions, strict=True)
        acls = [line for name, condition in pairs for line in condition_acls(name, condition)]
        return [*acls, f"use_backend {self.backend} if {' '.join(names)}"]


@dataclass(frozen=True)
class ProxyBackend:
    """A target group: every instance answering to `alias` on `port`, with its health check."""

    name: str
    alias: str
    port: int
    health_check_path: str | None  # None: a TCP check
    interval_seconds: int
    mode: str = "http"  # "tcp" behind a network balancer
    slots: int = 8

    def lines(self) -> list[str]:
        check = (
            [f"option httpchk GET {self.health_check_path}", "http-check expect rstatus ^[23]"]
            if self.health_check_path
            else []
        )
        return [
            f"backend {self.name}",
            f"    mode {self.mode}",
            "    balance roundrobin",
            *(f"    {line}" for line in check),
            # Instances are found through the alias by Docker's DNS, so they come and go untouched.
            # A server not yet fully up (new, or just reloaded) is checked every 500 ms (`fastinter`;
            # HAProxy also spreads its first checks over that): a new instance, or every instance
            # after a reload, is taken in within half a second of answering, not within `inter`.
            # Only a server with an address when the worker starts is checked so soon: one that waits
            # for the resolvers (`init-addr none`) had its first check a whole `inter` later (5.05 s
            # after every reload, measured), so the first instance is resolved at start (`libc`).
            f"    default-server init-addr libc,none resolvers docker check inter {self.interval_seconds}s "
            "fastinter 500ms downinter 500ms fall 2 rise 1",
            f"    server-template instance 1-{self.slots} {self.alias}:{self.port}",
        ]


@dataclass(frozen=True)
class HttpApiProxyRule:
    """One HTTP API route on the gateway's proxy, with the identity sources its authorizer needs."""

    listener_port: int
    route: HttpApiRoute
    backend: str
    identity_sources: tuple[str, ...] = ()

    @property
    def order(self) -> tuple[int, ...]:
        return self.route.precedence

    def lines(self) -> list[str]:
        """The first route (in `order`) that matches names itself in `txn.route`; only the selected
        route then checks its identity sources (401 as API Gateway answers before any authorizer
        runs) and forwards. HAProxy runs every `http-request` line before any `use_backend`, so a
        later route's check must not fire on a request an earlier route took."""
        name = "route_" + hashlib.sha256(self.route.key.encode()).hexdigest()[:12]
        acls, conditions = [], []
        regex = self.route.path_regex()
        if regex is not None:
            acls.append(f"acl {name}_path path -m reg {_quoted(regex)}")
            conditions.append(f"{name}_path")
        if self.route.method not in (None, ANY_METHOD):
            acls.append(f"acl {name}_method method {self.route.method}")
            conditions.append(f"{name}_method")
        first_match = " ".join(["!{ var(txn.route) -m found }", *conditions])
        selected = f"{{ var(txn.route) -m str {name} }}"
        unauthorized = (
            f"http-request return status 401 content-type application/json string '{UNAUTHORIZED_BODY}'"
        )
        checks = [
            f"{unauthorized} if {selected} !{{ {fetch}({source[len(prefix) :]}) -m len gt 0 }}"
            for source in self.identity_sources
            for prefix, fetch in IDENTITY_FETCHES.items()
            if source.startswith(prefix)
        ]
        return [
            *acls,
            f"http-request set-var(txn.route) str({name}) if {first_match}",
            *checks,
            f"use_backend {self.backend} if {selected}",
        ]


def routes_fragment(
    rules: Sequence[ProxyRule] | Sequence[HttpApiProxyRule], backends: Sequence[ProxyBackend]
) -> dict[str, Any]:
    """What one workload adds to a balancer's proxy: rule lines by listener and order (ALB priority,
    or HTTP API route precedence), and its backends. `sim_provider.proxy` puts the fragments of
    every workload together."""
    return {
        "rules": [
            {"listener_port": rule.listener_port, "order": list(rule.order), "lines": rule.lines()}
            for rule in rules
        ],
        "backends": ["\n".join(backend.lines()) for backend in backends],
    }
