"""Image references are checked as Docker and the kubelet parse them (distribution's reference
grammar), against the examples github.com/distribution/reference publishes in reference_test.go,
the references this project's examples and tests use, and what ECS documents for `image`."""

import pytest

from components.spec.arg_reader import ArgReader
from components.spec.errors import InvalidArgumentError
from components.spec.image_reference import RULE, parse_image_reference

HEX64 = "f" * 64

# distribution/reference's reference_test.go (TestReferenceParse), the inputs it parses.
PUBLISHED_VALID = [
    "test_com",
    "test.com:tag",
    "test.com:5000",
    "test.com/repo:tag",
    "test:5000/repo",
    "test:5000/repo:tag",
    f"test:5000/repo@sha256:{HEX64}",
    f"test:5000/repo:tag@sha256:{HEX64}",
    "lowercase:Uppercase",  # a tag may have capitals, a repository may not
    "sub-dom1.foo.com/bar/baz/quux",
    "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
    "b.gcr.io/test.example.com/my-app:test.example.com",
    "xn--n3h.com/myimage:xn--n3h.com",
    f"xn--7o8h.com/myimage:xn--7o8h.com@sha512:{'f' * 128}",
    "foo_bar.com:8080",
    "foo/foo_bar.com:8080",
    "192.168.1.1:5000/repo:5050",
    "[2001:db8::1]:5000/repo:tag",
    "[::1]:5000/repo",
]
PUBLISHED_INVALID = [
    ":justtag",
    f"@sha256:{HEX64}",
    "repo@sha256:" + "f" * 34,  # a digest too short for sha256
    f"validname@invaliddigest:{HEX64}",  # an algorithm no registry knows
    "Uppercase:tag",
    "test:5000/Uppercase/lowercase:tag",
    "aa/asdf$$^/aa",
    "a/" * 128 + "a",  # a repository path over 255 characters
    "[fe80::1%eth0]:5000/repo",
]
# What this project's README, examples and tests run, and what ECS documents (an ECR URL by tag and
# by digest).
IN_USE = [
    "nginx",
    "nginx:1.27",
    "hashicorp/http-echo",
    "containers-test/app",
    "haproxy:3.2-alpine",
    "node:20.8.0-alpine",
    "busybox:1.36",
    "redis:7-alpine",
    "localhost:5001/app:0123456789abcdef",
    "012345678910.dkr.ecr.us-east-1.amazonaws.com/my-repo:latest",
    f"012345678910.dkr.ecr.us-east-1.amazonaws.com/my-repo@sha256:{HEX64}",
    "public.ecr.aws/nginx/nginx:1.27",
]
# Mistakes a user makes: none of these is pulled by Docker, the kubelet or the ECS agent.
MISTAKES = [
    "Nginx:1.27",
    "nginx :1.27",
    "nginx:",
    "image:",
    "nginx:" + "1" * 129,
    "nginx:-rc1",
    "nginx@sha256:abc",
    f"nginx@sha256:{HEX64.upper()}",
    "https://registry.example.com/app:1",
    "nginx:1.27:alpine",
    HEX64,  # an image id, not a reference
    "./site",
    "/srv/site",
]


def parse(image: object) -> str:
    return parse_image_reference(ArgReader("Workload", "web"), "image", image)


@pytest.mark.parametrize("image", PUBLISHED_VALID + IN_USE)
def test_a_reference_docker_would_pull_is_kept_as_given(image: str) -> None:
    assert parse(image) == image


@pytest.mark.parametrize("image", PUBLISHED_INVALID + MISTAKES)
def test_a_reference_no_platform_pulls_is_one_error_with_the_grammar(image: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse(image)
    assert (caught.value.field, caught.value.value, caught.value.allowed) == ("image", image, RULE)


def test_the_longest_reference_ecs_takes_by_tag_is_accepted() -> None:
    """ECS takes up to 255 characters by tag (letters, digits, '-', '_', ':', '.', '/' and '#'; the
    grammar allows no '#' nor capitals in a repository, which Docker, and so the ECS agent, never pull)."""
    longest = "012345678910.dkr.ecr.us-east-1.amazonaws.com/" + "r" * 81 + ":" + "t" * 128
    assert len(longest) == 255
    assert parse(longest) == longest
