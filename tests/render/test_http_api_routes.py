"""The HTTP API route model: route keys from Stacktape's method/path, and the route API Gateway
picks for a request, checked against the developer guide's example ("Routing API requests")."""

from types import SimpleNamespace

import pytest

from components.render.haproxy import HttpApiProxyRule
from components.render.http_api_routes import HttpApiRoute, select_route

GUIDE_ROUTES = [
    HttpApiRoute("GET", "/pets/dog/{id}"),
    HttpApiRoute("GET", "/pets/{proxy+}"),
    HttpApiRoute("ANY", "/{proxy+}"),
    HttpApiRoute(None, None),
]


@pytest.mark.parametrize(
    ("method", "path", "selected"),
    [
        ("GET", "/pets/dog/1", "GET /pets/dog/{id}"),  # the request fully matches this route
        ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),  # no full match: the GET greedy route
        ("POST", "/test/5", "ANY /{proxy+}"),  # greedy routes before $default
        ("GET", "/", "$default"),  # '/{proxy+}' needs at least one character after '/'
    ],
)
def test_the_guide_example(method: str, path: str, selected: str) -> None:
    # Declared in every order: the choice never depends on the order routes were added in.
    for routes in (GUIDE_ROUTES, GUIDE_ROUTES[::-1]):
        route = select_route(routes, method, path)
        assert route is not None and route.key == selected


@pytest.mark.parametrize(
    ("routes", "method", "path", "selected"),
    [
        (["GET /pets/{id}", "GET /pets/dog"], "GET", "/pets/dog", "GET /pets/dog"),
        (["GET /a/{x}/c", "GET /a/b/{y}"], "GET", "/a/b/c", "GET /a/b/{y}"),
        (["ANY /pets", "GET /pets"], "GET", "/pets", "GET /pets"),
        (["ANY /pets", "GET /pets"], "PUT", "/pets", "ANY /pets"),
        (["GET /{proxy+}", "GET /pets/{proxy+}"], "GET", "/pets/a/b", "GET /pets/{proxy+}"),
        (["GET /pets/{proxy+}"], "GET", "/pets", None),
        (["GET /pets/{id}"], "GET", "/pets/a/b", None),
        (["GET /pets"], "HEAD", "/pets", None),
        (["GET /Pets"], "GET", "/pets", None),
        (["GET /a.b"], "GET", "/aXb", None),
    ],
)
def test_where_the_guide_is_silent(routes: list[str], method: str, path: str, selected: str | None) -> None:
    parsed = [HttpApiRoute(*key.split(" ", 1)) for key in routes]
    route = select_route(parsed, method, path)
    assert (route.key if route else None) == selected


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("GET", "/users/{id}", "GET /users/{id}"),
        ("*", "/x", "ANY /x"),
        ("POST", "*", "POST /{proxy+}"),
        ("*", "*", "$default"),
    ],
)
def test_route_keys_of_stacktape_events(method: str, path: str, key: str) -> None:
    assert HttpApiRoute.of_event(SimpleNamespace(method=method, path=path)).key == key


def test_a_later_route_never_refuses_a_request_an_earlier_one_took() -> None:
    """HAProxy runs every `http-request` line before any `use_backend`: each route checks its
    identity sources only once it is the route the request selected."""
    lines = HttpApiProxyRule(80, HttpApiRoute("GET", "/me"), "b", ("$request.header.Authorization",)).lines()
    name = lines[0].split()[1].removesuffix("_path")
    selected = f"{{ var(txn.route) -m str {name} }}"
    first_match = f"!{{ var(txn.route) -m found }} {name}_path {name}_method"
    assert lines[2] == f"http-request set-var(txn.route) str({name}) if {first_match}"
    assert lines[3].startswith("http-request return status 401 ") and lines[3].endswith(
        f"if {selected} !{{ req.hdr(Authorization) -m len gt 0 }}"
    )
    assert lines[-1] == f"use_backend b if {selected}"


def test_identity_sources_sim_cannot_see_are_not_checked() -> None:
    rule = HttpApiProxyRule(
        80, HttpApiRoute(None, None), "b", ("$context.requestId", "$request.querystring.t")
    )
    checks = [line for line in rule.lines() if " 401 " in line]
    assert len(checks) == 1 and "url_param(t)" in checks[0]
