"""The route model of an API Gateway HTTP API: route keys, and which route takes a request.

One model for both platforms: the AWS route (`render.ecs.http_api.create_route_input`) takes its
`RouteKey` from `HttpApiRoute.key`, and the sim gateway proxy (`render.haproxy.http_api_rule_lines`)
matches the same routes in `precedence` order, so the two cannot drift.

API Gateway's documented priorities ("Routing API requests", HTTP API developer guide): a full match
of route and method first, then a route and method with a greedy path variable (`{proxy+}`), then
`$default`; nothing matches: 404 `{"message":"Not Found"}`. The guide's example table is ours too
(`tests/render/test_http_api_routes.py`). Where it says nothing, we decide, one way for both:
among full matches, paths compare segment by segment from the left and a literal segment beats a
`{param}`; among greedy matches the longer prefix before `{proxy+}` wins, then the same segment
rule; for the same path, a named method beats `ANY` ("ANY matches all methods that you haven't
defined for a resource"). A `{param}` is one non-empty segment; `{proxy+}` one or more characters,
'/' included, so `/pets/{proxy+}` does not take `/pets` itself.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_ROUTE_KEY = "$default"
ANY_METHOD = "ANY"
NOT_FOUND_BODY = '{"message":"Not Found"}'
UNAUTHORIZED_BODY = '{"message":"Unauthorized"}'
_VARIABLE = re.compile(r"^\{[A-Za-z0-9_.:-]+\}$")
_GREEDY = re.compile(r"^\{[A-Za-z0-9_.:-]+\+\}$")
# Ranks of the documented priorities, lowest first.
FULL_MATCH, GREEDY_MATCH, DEFAULT_MATCH = 0, 1, 2
LITERAL, VARIABLE = 0, 1


@dataclass(frozen=True)
class HttpApiRoute:
    """`METHOD /path` (method `ANY` for every method), or `$default` (method and path None)."""

    method: str | None
    path: str | None

    @classmethod
    def of_event(cls, event: Any) -> "HttpApiRoute":
        """Stacktape's method/path as a route: '*' is `ANY` method, path '*' is `/{proxy+}`; any method
        on any path is the gateway's `$default` route, which also catches '/'."""
        if event.method == "*" and event.path == "*":
            return cls(None, None)
        return cls(
            ANY_METHOD if event.method == "*" else event.method,
            "/{proxy+}" if event.path == "*" else event.path,
        )

    @property
    def key(self) -> str:
        """The API Gateway route key, e.g. 'GET /pets/{id}' or '$default'."""
        return DEFAULT_ROUTE_KEY if self.path is None else f"{self.method} {self.path}"

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(segment for segment in (self.path or "").split("/") if segment)

    @property
    def greedy(self) -> bool:
        return bool(self.segments) and bool(_GREEDY.match(self.segments[-1]))

    @property
    def precedence(self) -> tuple[int, ...]:
        """A sort key, most specific route first: sorting an API's routes by it and taking the first
        that matches a request picks the route API Gateway picks."""
        if self.path is None:
            return (DEFAULT_MATCH,)
        method_rank = 1 if self.method == ANY_METHOD else 0
        if self.greedy:
            prefix = self.segments[:-1]
            return (GREEDY_MATCH, -len(prefix), *map(_kind, prefix), method_rank)
        return (FULL_MATCH, *map(_kind, self.segments), method_rank)

    def path_regex(self) -> str | None:
        """An anchored regular expression of the paths the route takes (None: `$default`, any path)."""
        if self.path is None:
            return None
        parts = [
            ".+" if _GREEDY.match(segment) else "[^/]+" if _VARIABLE.match(segment) else re.escape(segment)
            for segment in self.segments
        ]
        return "^/" + "/".join(parts) + "$"

    def matches(self, method: str, path: str) -> bool:
        """Whether the route takes a request, on its own (which route wins is `select_route`'s)."""
        regex = self.path_regex()
        if regex is None:
            return True
        return self.method in (ANY_METHOD, method) and re.match(regex, path) is not None


def _kind(segment: str) -> int:
    return VARIABLE if _VARIABLE.match(segment) else LITERAL


def by_precedence(routes: Iterable[HttpApiRoute]) -> list[HttpApiRoute]:
    return sorted(routes, key=lambda route: route.precedence)


def select_route(routes: Sequence[HttpApiRoute], method: str, path: str) -> HttpApiRoute | None:
    """The route API Gateway sends a request to (the path without its query string), or None: 404."""
    return next((route for route in by_precedence(routes) if route.matches(method, path)), None)
