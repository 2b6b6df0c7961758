"""HttpApiGateway on sim with real Docker and traffic: routes taken as API Gateway takes them (the
developer guide's own example table, "Routing API requests"), the 404 when nothing matches, the path
reaching the container unchanged, and what sim does with authorizers."""

import json
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.sim

# Each workload answers "<who> <method> <path as received>", so a response names its route.
ECHO = "require('http').createServer((q, s) => s.end(`${process.env.WHO} ${q.method} ${q.url}`)).listen(8080)"
PROGRAM = """
import pulumi
from components import ContainerWorkload, HttpApiGateway

api = HttpApiGateway("api")
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:authorize"


def routed(name, *routes):
    return ContainerWorkload(name, {
        "containers": [{
            "name": "web", "image": "node:20.8.0-alpine", "command": ["node", "-e", ECHO],
            "environment": {"WHO": name},
            "events": [{"type": "http-api-gateway", "http_api_gateway": api, "container_port": 8080, **route}
                       for route in routes],
        }],
        "resources": {"cpu": 0.25, "memory": 512},
    })


routed("dog", {"method": "GET", "path": "/pets/dog/{id}"}, {"method": "DELETE", "path": "/pets/{id}"})
routed("pets", {"method": "GET", "path": "/pets/{proxy+}"})
routed("anything", {"method": "*", "path": "/{proxy+}"})
routed("exact", {"method": "GET", "path": "/pets/dog/1"},
       {"method": "GET", "path": "/me",
        "authorizer": {"type": "lambda", "function": FUNCTION}},
       {"method": "GET", "path": "/orders",
        "authorizer": {"type": "cognito", "user_pool": "sim-has-no-pool",
                       "identity_sources": ["$request.querystring.token", "$context.requestId"]}})
pulumi.export("url", api.url)
"""
NOT_FOUND = {"message": "Not Found"}
UNAUTHORIZED = {"message": "Unauthorized"}
CASES = [
    # (case, method, path, headers, who answers); expected answers from the AWS guide where it has them
    ("guide: the request fully matches", "GET", "/pets/dog/2", {}, "dog"),
    ("guide: a GET greedy route catches a partial match", "GET", "/pets/cat/1", {}, "pets"),
    ("guide: ANY greedy route over the other methods", "POST", "/test/5", {}, "anything"),
    ("a literal segment beats a {param}", "GET", "/pets/dog/1", {}, "exact"),
    ("a full match beats a greedy one", "DELETE", "/pets/7", {}, "dog"),
    ("{proxy+} needs at least one segment", "GET", "/pets", {}, "anything"),
    ("a GET route does not take a POST", "POST", "/pets/dog/2", {}, "anything"),
    ("the query string reaches the container", "GET", "/pets/cat/1?a=1&b=2", {}, "pets"),
    ("identity source present: forwarded unverified", "GET", "/me", {"Authorization": "Bearer x"}, "exact"),
    ("query-string identity source present", "GET", "/orders?token=t", {}, "exact"),
]


@pytest.fixture(scope="module")
def gateway(module_sim_project) -> Any:
    module_sim_project.write("__main__.py", f"ECHO = {ECHO!r}\n" + PROGRAM)
    module_sim_project.up()
    return module_sim_project


@pytest.mark.parametrize(("case", "method", "path", "headers", "expected"), CASES, ids=[c[0] for c in CASES])
def test_routes_are_taken_as_api_gateway_takes_them(gateway, case, method, path, headers, expected) -> None:
    response = requests.request(method, gateway.outputs()["url"] + path, headers=headers, timeout=5)
    assert response.status_code == 200, case
    # The path and query reach the container unchanged, as an HTTP_PROXY integration sends them.
    assert response.text == f"{expected} {method} {path}", case


def test_nothing_matches_without_a_default_route(gateway) -> None:
    response = requests.get(gateway.outputs()["url"] + "/", timeout=5)  # '/{proxy+}' does not take '/'
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.text) == NOT_FOUND


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/me", {}), ("/me", {"Authorization": ""}), ("/orders", {}), ("/orders?token=", {})],
    ids=["header missing", "header empty", "query missing", "query empty"],
)
def test_a_missing_identity_source_is_refused_before_any_authorizer(gateway, path, headers) -> None:
    response = requests.get(gateway.outputs()["url"] + path, headers=headers, timeout=5)
    assert (response.status_code, json.loads(response.text)) == (401, UNAUTHORIZED)


def test_the_default_route_catches_everything_else(gateway) -> None:
    """A `$default` route added later takes what no other route does, '/' included."""
    program = gateway.path / "__main__.py"
    program.write_text(
        program.read_text().replace(
            'pulumi.export("url"', 'routed("fallback", {"method": "*", "path": "*"})\npulumi.export("url"'
        )
    )
    gateway.up()
    url = gateway.outputs()["url"]
    assert requests.get(url + "/", timeout=5).text == "fallback GET /"
    assert requests.get(url + "/pets/dog/2", timeout=5).text == "dog GET /pets/dog/2"
    # guide: routes with greedy path variables have higher priority than the `$default` route
    assert requests.post(url + "/test/5", timeout=5).text == "anything POST /test/5"
