#!/usr/bin/env bash
# Build Docker Compose v2 (the benchmark's peer) from the Go module proxy into the user-level tool
# cache (scripts/tool-cache.sh), keyed by version, and print the binary's path. Only `make bench`
# needs it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMPOSE_VERSION="$(sed -n 's|^require github.com/docker/compose/v2 ||p' "$ROOT/tools/compose/go.mod")"
BIN_DIR="$(bash "$ROOT/scripts/tool-cache.sh")/compose/$COMPOSE_VERSION"
BIN="$BIN_DIR/docker-compose"

mkdir -p "$(dirname "$BIN_DIR")"
exec 9>"$(dirname "$BIN_DIR")/.lock" && flock 9  # clones share the cache: one build at a time
if [[ ! -x "$BIN" ]]; then
  echo "install-compose.sh: building docker compose $COMPOSE_VERSION (a cold build takes several minutes)" >&2
  tmp="$BIN_DIR.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  (cd "$ROOT/tools/compose" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build \
    -ldflags "-X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
    -o "$tmp/docker-compose" github.com/docker/compose/v2/cmd)
  rm -rf "$BIN_DIR"; mv "$tmp" "$BIN_DIR"
fi
echo "$BIN"
