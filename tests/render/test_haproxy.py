"""The ALB rule model rendered for HAProxy: the same ELBv2 conditions the AWS listener rule gets."""

import re

import pytest

from components.render.haproxy import ProxyBackend, ProxyRule, condition_acls, query_regex, wildcard_regex


def unquoted(regex: str) -> re.Pattern[str]:
    assert regex.startswith("'") and regex.endswith("'")
    return re.compile(regex[1:-1].replace(r"\x27", "'"))


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("/api/*", "/api/x/y", True),
        ("/api/*", "/api", False),
        ("/v?/ping", "/v1/ping", True),
        ("/v?/ping", "/v10/ping", False),
        ("/a.b", "/aXb", False),  # a dot is a dot
        ("/it's", "/it's", True),
    ],
)
def test_wildcards_as_an_alb_reads_them(pattern: str, text: str, matches: bool) -> None:
    assert bool(unquoted(wildcard_regex(pattern)).match(text)) is matches


@pytest.mark.parametrize(
    ("key", "value", "query", "matches"),
    [
        ("v", "2", "v=2", True),
        ("v", "2", "a=1&v=2&b=3", True),
        ("v", "2", "v=23", False),
        ("v", "2", "vv=2", False),
        ("v", "2*", "v=23", True),
        ("v", "*", "a=1&v=x&b", True),
        (None, "blue", "color=blue", True),
        (None, "blue", "color=blueish", False),
    ],
)
def test_query_pairs_are_found_anywhere_in_the_query(key, value, query, matches) -> None:
    assert bool(unquoted(query_regex(key, value)).search(query)) is matches


def test_one_acl_name_per_condition_and_the_rule_needs_them_all() -> None:
    rule = ProxyRule(
        80,
        5,
        [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/a", "/b/*"]}},
            {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET", "POST"]}},
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/8"]}},
        ],
        "shop__web",
    )
    assert rule.lines() == [
        "acl p5_c0 path -m reg '^/a$' '^/b/.*$'",
        "acl p5_c1 method GET POST",
        "acl p5_c2 src 10.0.0.0/8",
        "use_backend shop__web if p5_c0 p5_c1 p5_c2",
    ]


def test_hosts_and_headers_compare_case_insensitively() -> None:
    host = condition_acls("h", {"Field": "host-header", "HostHeaderConfig": {"Values": ["*.example.com"]}})
    header = condition_acls(
        "x", {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Beta", "Values": ["on"]}}
    )
    assert host == ["acl h req.hdr(host),field(1,:) -m reg -i '^.*\\.example\\.com$'"]
    assert header == ["acl x req.fhdr(X-Beta) -m reg -i '^on$'"]


def test_a_backend_checks_as_its_target_group_does() -> None:
    lines = ProxyBackend("shop__web", "shop-web-8080-targets", 8080, "/healthz", 5).lines()
    assert "    option httpchk GET /healthz" in lines
    assert any("check inter 5s" in line for line in lines)
    assert lines[-1] == "    server-template instance 1-8 shop-web-8080-targets:8080"
