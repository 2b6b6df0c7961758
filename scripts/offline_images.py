"""Build, without any registry, stand-ins for the public images the examples and tests use.

On a laptop the sim platform pulls `hashicorp/http-echo`, `node:20.8.0-alpine`, `redis:7-alpine` and
`haproxy` as any
Docker user would. Machines that reach only package registries cannot pull, so this module builds
images that behave the same from Debian's packages (busybox-static, a debootstrap rootfs with the
real nodejs and haproxy) and tags them with the public names. Each is built once and then found
locally (the sim platform never pulls an image that is present).

Run as a script to make every stand-in available: `python scripts/offline_images.py`; with
`--examples`, only the examples' images, pulled for real when a registry answers.
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import docker
import docker.errors

DEBIAN = "containers-offline/debian:bookworm"
BUSYBOX = "containers-offline/busybox:latest"
HTTP_ECHO = "hashicorp/http-echo:latest"
NODE = "node:20.8.0-alpine"
HAPROXY = "haproxy:3.2-alpine"
REDIS = "redis:7-alpine"
PROBER = "busybox:1.36"  # the sim platform's readiness prober where the host cannot reach containers
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
# httpd gives CGI scripts a clean environment: publish the app's own at start instead.
env > /www/environment
chmod +x /www/cgi-bin/*
if [ -z "$NEVER_READY" ]; then (sleep "${READY_AFTER:-0}"; echo ready > /www/healthz) & fi
echo "listening on ${PORT:-8080}"
exec httpd -f -p "${PORT:-8080}" -h /www
"""


Recipe = tuple[str, dict[str, str | Path]]  # a Dockerfile and the files beside it
RECIPE_LABEL = "containers.stand-in-recipe"


def _image(client: docker.DockerClient, tag: str) -> Any:
    try:
        return client.images.get(tag)
    except docker.errors.ImageNotFound:
        return None


def _recipe_hash(recipe: Recipe) -> str:
    dockerfile, files = recipe
    digest = hashlib.sha256(dockerfile.encode())
    for name, content in sorted(files.items()):
        digest.update(name.encode())
        digest.update(content.read_bytes() if isinstance(content, Path) else content.encode())
    return digest.hexdigest()[:16]


def _build(client: docker.DockerClient, tag: str, recipe: Recipe) -> None:
    dockerfile, files = recipe
    with tempfile.TemporaryDirectory() as context:
        for name, content in files.items():
            target = Path(context, name)
            if isinstance(content, Path):
                shutil.copy(content, target)
            else:
                target.write_text(content)
        Path(context, "Dockerfile").write_text(dockerfile)
        client.images.build(path=context, tag=tag, rm=True, labels={RECIPE_LABEL: _recipe_hash(recipe)})


def _import_debian() -> None:
    with tempfile.TemporaryDirectory() as rootfs:
        subprocess.run(
            ["debootstrap", "--variant=minbase", "bookworm", rootfs, DEBIAN_MIRROR],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(
            ["docker", "import", "-", DEBIAN], stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL
        )
        tar.wait()


def _apt(packages: str) -> Recipe:
    return (
        f"FROM {DEBIAN}\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends {packages} "
        "&& rm -rf /var/lib/apt/lists/*\n",
        {},
    )


def _recipes() -> dict[str, Recipe]:
    """Every stand-in built with `docker build`, in order: later ones are built FROM earlier ones."""
    busybox: Recipe = (
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
        {"busybox": Path(shutil.which("busybox") or "/bin/busybox")},
    )
    return {
        BUSYBOX: busybox,
        PROBER: busybox,
        HTTP_ECHO: (
            f"FROM {BUSYBOX}\nCOPY http-echo.sh /http-echo.sh\nEXPOSE 5678\n"
            'ENTRYPOINT ["/bin/sh", "/http-echo.sh"]\n',
            {"http-echo.sh": HTTP_ECHO_SCRIPT},
        ),
        TEST_APP: (
            f'FROM {BUSYBOX}\nCOPY app.sh /app.sh\nENTRYPOINT ["/bin/sh", "/app.sh"]\n',
            {"app.sh": TEST_APP_SCRIPT},
        ),
        NODE: _apt("nodejs"),
        HAPROXY: _apt("haproxy"),
        # As the official image: redis-server on 6379 of every interface, protected mode off.
        REDIS: (
            _apt("redis-server")[0] + 'EXPOSE 6379\nCMD ["redis-server", "--protected-mode", "no"]\n',
            {},
        ),
    }


BASES = {HTTP_ECHO: BUSYBOX, TEST_APP: BUSYBOX, NODE: DEBIAN, HAPROXY: DEBIAN, REDIS: DEBIAN}


def ensure(client: docker.DockerClient, tag: str) -> None:
    """Make `tag` present, (re)building it and its base when missing or built from another recipe."""
    if tag == DEBIAN:
        if _image(client, DEBIAN) is None:
            print(f"[offline-images] debootstrapping {DEBIAN}", file=sys.stderr)
            _import_debian()
        return
    if tag in BASES:
        ensure(client, BASES[tag])
    recipe = _recipes()[tag]
    image = _image(client, tag)
    if image is not None and image.labels.get(RECIPE_LABEL) == _recipe_hash(recipe):
        return
    print(f"[offline-images] building stand-in {tag}", file=sys.stderr)
    _build(client, tag, recipe)


def ensure_all(client: docker.DockerClient) -> None:
    for tag in _recipes():
        ensure(client, tag)


def _pull(client: docker.DockerClient, tag: str) -> bool:
    """Pull `tag` for real; False (after one line saying so) when no registry answers."""
    try:
        client.images.pull(tag)
    except docker.errors.APIError:
        print(f"[offline-images] {tag}: no registry reachable, building a stand-in", file=sys.stderr)
        return False
    return True


def ensure_examples(client: docker.DockerClient) -> None:
    """The examples' public images: the real ones when a pull works, else the stand-ins."""
    for tag in (HTTP_ECHO, NODE, REDIS, HAPROXY, PROBER):
        if _image(client, tag) is None and not _pull(client, tag):
            ensure(client, tag)


def main(argv: list[str]) -> int:
    try:
        client = docker.from_env()
        if argv == ["--examples"]:
            ensure_examples(client)
        else:
            ensure_all(client)
    except (docker.errors.DockerException, subprocess.CalledProcessError, OSError) as error:
        # The one line a user needs, not a traceback: what failed and what fixes it.
        print(f"[offline-images] cannot make the images ready: {error}", file=sys.stderr)
        print("[offline-images] `bash scripts/setup.sh` installs what stand-ins need", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
