#!/usr/bin/env bash
# Make this machine able to run the project: Python deps, a Docker engine, the Pulumi engine.
# Idempotent and quiet when everything is already there; safe on a fresh machine that reaches
# only package registries (see ../shared/TOOLCHAIN.md). Writes `source`-able settings to
# .tools/env.sh for the Makefile and tests. `--with-test-tools` adds what only the tests need
# (helm, checkov, debootstrap, busybox-static).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
PULUMI_VERSION="$(sed -n 's/^pulumi==//p' "$ROOT/requirements.txt")"
PULUMI_DIR="$TOOLS/pulumi/v$PULUMI_VERSION"
CHECKOV_VERSION=3.3.30
mkdir -p "$TOOLS"

log() { printf '[setup] %s\n' "$*" >&2; }

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
  if ! command -v dockerd >/dev/null; then
    log "installing Debian's docker.io (the engine)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
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
  local build="$ROOT/tools/pulumi" tmp="$PULUMI_DIR.tmp"
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

setup_test_tools() {
  # The offline image stand-ins (scripts/offline_images.py) need these Debian packages.
  if ! command -v debootstrap >/dev/null || ! command -v busybox >/dev/null; then
    log "installing debootstrap and busybox-static"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap busybox-static >/dev/null
  fi
  # The chart tests run the real helm and checkov (kept out of .venv: it pins heavy dependencies).
  bash "$ROOT/scripts/install-helm.sh" >/dev/null
  if [[ ! -x "$TOOLS/checkov-venv/bin/checkov" ]]; then
    log "installing checkov $CHECKOV_VERSION into .tools/checkov-venv"
    python3 -m venv "$TOOLS/checkov-venv"
    "$TOOLS/checkov-venv/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  fi
}

write_env() {
  mkdir -p "$ROOT/.pulumi-state" "$ROOT/.pulumi-home"
  cat > "$TOOLS/env.sh" <<EOF
export PATH="$PULUMI_DIR:$ROOT/.venv/bin:\$PATH"
export PULUMI_HOME="$ROOT/.pulumi-home"
export PULUMI_BACKEND_URL="file://$ROOT/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
EOF
}

setup_python
setup_docker
setup_pulumi
[[ "${1:-}" == "--with-test-tools" ]] && setup_test_tools
write_env
log "ready: pulumi $("$PULUMI_DIR/pulumi" version), $(docker version --format 'docker engine {{.Server.Version}}')"
