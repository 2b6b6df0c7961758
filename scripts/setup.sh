#!/usr/bin/env bash
# Make this machine able to run the project, on a fresh machine that reaches only package
# registries (see ../shared/TOOLCHAIN.md). Idempotent and quiet when everything is already there.
#
#   scripts/setup.sh [PART...]     parts: python docker pulumi images test-tools yaml go kubernetes (default: the first four)
#
#   python      .venv with requirements.txt and this package (editable)
#   docker      a Docker engine (Debian's docker.io, started when none answers)
#   pulumi      the Pulumi CLI and Python language host, built from the Go module proxy
#   images      what the offline image stand-ins need (busybox-static, debootstrap)
#   test-tools  what only the tests need (helm, checkov)
#   yaml        the Pulumi YAML language host (examples/yaml, the component provider's tests)
#   go          the Pulumi Go language host (examples/go; Go programs also need `go` on PATH)
#   kubernetes  the local control plane, kubectl and the pulumi-kubernetes plugin
#               (scripts/install-kubernetes.sh; cold: about 20 min on 2 cores), on PATH in env.sh
#
# Tool builds are cached by tool and version in a user-level cache shared by every clone
# (scripts/tool-cache.sh). Always writes `source`-able settings to .tools/env.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
CACHE="$(bash "$ROOT/scripts/tool-cache.sh")"
PULUMI_VERSION="$(sed -n 's/^pulumi==//p' "$ROOT/requirements.txt")"
PULUMI_DIR="$CACHE/pulumi/v$PULUMI_VERSION"
CHECKOV_VERSION=3.3.30
CHECKOV_DIR="$CACHE/checkov/$CHECKOV_VERSION"
# The CLI is keyed by version; our own Python language host also by its source, in a folder of
# hard links to the CLI's (the engine wants the host beside the CLI it runs).
HOST_HASH="$(cat "$ROOT/tools/pulumi/language-python/main.go" "$ROOT/tools/pulumi/go.sum" | sha256sum | cut -c1-12)"
HOST_DIR="$CACHE/pulumi/v$PULUMI_VERSION-host-$HOST_HASH"
mkdir -p "$TOOLS"

log() { printf '[setup] %s\n' "$*" >&2; }

locked() {
  # $1: a tool; the rest: a command that builds it. Clones share the cache: one build at a time.
  local tool="$1"; shift
  ( flock 9; "$@" ) 9>"$CACHE/.$tool.lock"
}

apt_install() {
  # $@: Debian packages; installed only when one of them is missing.
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_python() {
  local stamp="$ROOT/.venv/.requirements.sha256" want
  want="$(cat "$ROOT/requirements.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  log "installing Python dependencies into .venv"
  [[ -x "$ROOT/.venv/bin/python" ]] || python3 -m venv "$ROOT/.venv"
  "$ROOT/.venv/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt"
  # A path-based editable install: new modules are importable without reinstalling.
  "$ROOT/.venv/bin/pip" install -q --disable-pip-version-check --no-deps --config-settings editable_mode=compat -e "$ROOT"
  echo "$want" > "$stamp"
}

docker_answers() { docker info >/dev/null 2>&1; }

start_dockerd() {
  # $@: extra dockerd flags for unusual kernels
  log "starting dockerd $*"
  nohup dockerd "$@" >"$TOOLS/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker_answers && return 0
    kill -0 $! 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

setup_docker() {
  docker_answers && return
  command -v dockerd >/dev/null || apt_install docker.io
  start_dockerd && return
  log "dockerd failed with defaults; trying the vfs storage driver"
  pkill dockerd || true; sleep 1
  start_dockerd --storage-driver=vfs && return
  log "trying vfs without iptables"
  pkill dockerd || true; sleep 1
  start_dockerd --storage-driver=vfs --iptables=false && return
  log "dockerd does not start; its log:"; tail -30 "$TOOLS/dockerd.log" >&2
  exit 1
}

setup_pulumi() {
  if [[ -x "$PULUMI_DIR/pulumi" && -x "$PULUMI_DIR/pulumi-language-python" ]]; then return; fi
  log "building the Pulumi CLI v$PULUMI_VERSION and the Python language host from the Go module proxy (cold: ~7 min)"
  local build="$ROOT/tools/pulumi" tmp="$PULUMI_DIR.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  (
    cd "$build"
    export CGO_ENABLED=0 GOFLAGS=-mod=mod
    local ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
    go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$tmp/pulumi-language-python" ./language-python
    # Pulumi's own Python shims, shipped in the SDK module: the program runner and the dynamic
    # provider host (found on PATH by the engine).
    local sdk
    sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
    install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$tmp/"
    install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$tmp/"
  )
  rm -rf "$PULUMI_DIR"; mv "$tmp" "$PULUMI_DIR"
}

setup_language_host() {
  [[ -x "$HOST_DIR/pulumi-language-python" ]] && return
  log "building the Python language host of tools/pulumi/language-python ($HOST_HASH)"
  local tmp="$HOST_DIR.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  ln "$PULUMI_DIR/pulumi" "$PULUMI_DIR/pulumi-language-python-exec" "$PULUMI_DIR/pulumi-resource-pulumi-python" "$tmp/"
  (cd "$ROOT/tools/pulumi" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -tags osusergo,grpcnotrace \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$tmp/pulumi-language-python" ./language-python)
  rm -rf "$HOST_DIR"; mv "$tmp" "$HOST_DIR"
}

setup_images() {
  # scripts/offline_images.py builds stand-ins for the public images from these when no registry
  # answers: busybox-static for http-echo and the prober, debootstrap for node and haproxy.
  apt_install busybox-static debootstrap
}

install_checkov() {
  # A venv records its own path in its scripts, so it is built in place; the stamp written last
  # tells a finished install from a killed one.
  if [[ ! -f "$CHECKOV_DIR/.complete" ]]; then
    log "installing checkov $CHECKOV_VERSION into $CHECKOV_DIR"
    rm -rf "$CHECKOV_DIR"
    python3 -m venv "$CHECKOV_DIR"
    "$CHECKOV_DIR/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
    touch "$CHECKOV_DIR/.complete"
  fi
}

setup_test_tools() {
  # The chart tests run the real helm and checkov (kept out of .venv: it pins heavy dependencies).
  bash "$ROOT/scripts/install-helm.sh" >/dev/null
  locked checkov install_checkov
}

write_env() {
  mkdir -p "$ROOT/.pulumi-state" "$ROOT/.pulumi-home"
  cat > "$TOOLS/env.sh" <<EOF
# The engine takes the pulumi-kubernetes plugin from PATH (nothing here can download one).
export PATH="$HOST_DIR:$(bash "$ROOT/scripts/install-pulumi-yaml.sh" --path):$(bash "$ROOT/scripts/install-pulumi-go.sh" --path):$(bash "$ROOT/scripts/install-kubernetes.sh" provider --path):$(bash "$ROOT/scripts/install-kubernetes.sh" control-plane --path):$ROOT/.venv/bin:\$PATH"
export PULUMI_HOME="$ROOT/.pulumi-home"
export PULUMI_BACKEND_URL="file://$ROOT/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export HELM="\${HELM:-$(bash "$ROOT/scripts/install-helm.sh" --path)}"
export CHECKOV="\${CHECKOV:-$CHECKOV_DIR/bin/checkov}"
EOF
}

parts=("$@")
[[ ${#parts[@]} -eq 0 ]] && parts=(python docker pulumi images)
for part in "${parts[@]}"; do
  case "$part" in
    python | docker | images) "setup_$part" ;;
    pulumi) locked pulumi setup_pulumi && locked language-host setup_language_host ;;
    yaml) bash "$ROOT/scripts/install-pulumi-yaml.sh" >/dev/null ;;
    go) bash "$ROOT/scripts/install-pulumi-go.sh" >/dev/null ;;
    kubernetes)
      # Side by side: each build leaves a core idle for minutes while it links.
      bash "$ROOT/scripts/install-kubernetes.sh" control-plane >/dev/null & control_plane=$!
      bash "$ROOT/scripts/install-kubernetes.sh" provider >/dev/null & provider=$!
      wait "$control_plane"
      wait "$provider"
      ;;
    test-tools) setup_test_tools ;;
    *) log "unknown part '$part' (allowed: python docker pulumi images test-tools yaml go kubernetes)"; exit 2 ;;
  esac
done
write_env
