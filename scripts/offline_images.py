"""Build, without any registry, stand-ins for the public images the examples and tests use.

On a laptop the sim platform pulls `hashicorp/http-echo`, `node:20.8.0-alpine` and `haproxy` as any
Docker user would. Machines that reach only package registries cannot pull, so this module builds
images that behave the same from Debian's packages (busybox-static, a debootstrap rootfs with the
real nodejs and haproxy) and tags them with the public names. Each is built once and then found
locally (the sim platform never pulls an image that is present).

Run as a script to make every stand-in available: `python scripts/offline_images.py`; with
`--examples`, only the examples' images, pulled for real when a registry answers.
"""

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors

DEBIAN = "containers-offline/debian:bookworm"
BUSYBOX = "containers-offline/busybox:latest"
HTTP_ECHO = "hashicorp/http-echo:latest"
NODE = "node:20.8.0-alpine"
HAPROXY = "haproxy:3.2-alpine"
TEST_APP = "containers-test/app:latest"
DEBIAN_MIRROR = "http://deb.debian.org/debian"

HTTP_ECHO_SCRIPT = r"""
# Same flags and answer as hashicorp/http-echo: the -text value and a newline, on -listen (:5678).
text=""; listen=":5678"
for arg in "$@"; do
  case "$arg" in
    -text=*) text="${arg#-text=}" ;;
    -listen=*) listen="${arg#-listen=}" ;;
  esac
done
mkdir -p /www && printf '%s\n' "$text" > /www/index.html
exec httpd -f -p "${listen##*:}" -h /www
"""

# A configurable HTTP server for tests: readiness after a delay (or never), who answered, and a
# call to another URL (to prove workloads reach each other by name).
TEST_APP_SCRIPT = r"""
mkdir -p /www/cgi-bin
echo ok > /www/index.html
cat > /www/cgi-bin/whoami <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'; hostname
EOF
cat > /www/cgi-bin/fetch <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'; wget -q -O - "$TARGET_URL"
EOF
cat > /www/cgi-bin/env <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'; printenv "$QUERY_STRING"
EOF
chmod +x /www/cgi-bin/*
if [ -z "$NEVER_READY" ]; then (sleep "${READY_AFTER:-0}"; echo ready > /www/healthz) & fi
echo "listening on ${PORT:-8080}"
exec httpd -f -p "${PORT:-8080}" -h /www
"""


def _exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
        return True
    except docker.errors.ImageNotFound:
        return False


def _build(client: docker.DockerClient, tag: str, dockerfile: str, files: dict[str, str | Path]) -> None:
    with tempfile.TemporaryDirectory() as context:
        for name, content in files.items():
            target = Path(context, name)
            if isinstance(content, Path):
                shutil.copy(content, target)
            else:
                target.write_text(content)
        Path(context, "Dockerfile").write_text(dockerfile)
        client.images.build(path=context, tag=tag, rm=True, labels={"containers.offline-stand-in": "true"})


def _debian(client: docker.DockerClient) -> None:
    with tempfile.TemporaryDirectory() as rootfs:
        subprocess.run(
            ["debootstrap", "--variant=minbase", "bookworm", rootfs, DEBIAN_MIRROR],
            check=True, stdout=subprocess.DEVNULL,
        )
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(["docker", "import", "-", DEBIAN], stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL)
        tar.wait()


def _busybox(client: docker.DockerClient) -> None:
    dockerfile = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
    _build(client, BUSYBOX, dockerfile, {"busybox": Path(shutil.which("busybox") or "/bin/busybox")})


def _http_echo(client: docker.DockerClient) -> None:
    dockerfile = f'FROM {BUSYBOX}\nCOPY http-echo.sh /http-echo.sh\nEXPOSE 5678\nENTRYPOINT ["/bin/sh", "/http-echo.sh"]\n'
    _build(client, HTTP_ECHO, dockerfile, {"http-echo.sh": HTTP_ECHO_SCRIPT})


def _test_app(client: docker.DockerClient) -> None:
    dockerfile = f'FROM {BUSYBOX}\nCOPY app.sh /app.sh\nENTRYPOINT ["/bin/sh", "/app.sh"]\n'
    _build(client, TEST_APP, dockerfile, {"app.sh": TEST_APP_SCRIPT})


def _apt_image(tag: str, packages: str) -> Callable[[docker.DockerClient], None]:
    def build(client: docker.DockerClient) -> None:
        dockerfile = (
            f"FROM {DEBIAN}\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends {packages} "
            "&& rm -rf /var/lib/apt/lists/*\n"
        )
        _build(client, tag, dockerfile, {})

    return build


# In dependency order: later images are built FROM earlier ones.
BUILDERS: dict[str, Callable[[docker.DockerClient], None]] = {
    DEBIAN: _debian,
    BUSYBOX: _busybox,
    HTTP_ECHO: _http_echo,
    TEST_APP: _test_app,
    NODE: _apt_image(NODE, "nodejs"),
    HAPROXY: _apt_image(HAPROXY, "haproxy"),
}
NEEDS = {HTTP_ECHO: [BUSYBOX], TEST_APP: [BUSYBOX], NODE: [DEBIAN], HAPROXY: [DEBIAN]}


def ensure(client: docker.DockerClient, tag: str) -> None:
    """Make `tag` present locally, building it (and what it is built from) when missing."""
    if _exists(client, tag):
        return
    for base in NEEDS.get(tag, []):
        ensure(client, base)
    print(f"[offline-images] building stand-in {tag}", file=sys.stderr)
    BUILDERS[tag](client)


def ensure_all(client: docker.DockerClient) -> None:
    for tag in BUILDERS:
        ensure(client, tag)


def ensure_examples(client: docker.DockerClient) -> None:
    """The examples' public images: the real ones when a pull works, else the stand-ins."""
    for tag in (HTTP_ECHO, NODE, HAPROXY):
        if _exists(client, tag):
            continue
        try:
            client.images.pull(tag)
        except docker.errors.APIError:
            print(f"[offline-images] cannot pull {tag}: using an offline stand-in", file=sys.stderr)
            ensure(client, tag)


if __name__ == "__main__":
    if sys.argv[1:] == ["--examples"]:
        ensure_examples(docker.from_env())
    else:
        ensure_all(docker.from_env())
