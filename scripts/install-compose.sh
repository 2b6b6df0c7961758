#!/usr/bin/env bash
# Build Docker Compose v2 (the benchmark's peer) from the Go module proxy into a git-ignored cache
# keyed by version, and print the binary's path. Only `make bench` needs it.
set -euo pipefail

COMPOSE_VERSION="$(sed -n 's|^require github.com/docker/compose/v2 ||p' "$(dirname "$0")/../tools/compose/go.mod")"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/compose/$COMPOSE_VERSION/docker-compose"

if [[ ! -x "$BIN" ]]; then
  echo "install-compose.sh: building docker compose $COMPOSE_VERSION (a cold build takes several minutes)" >&2
  (cd "$ROOT/tools/compose" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build \
    -ldflags "-X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
    -o "$BIN" github.com/docker/compose/v2/cmd)
fi
echo "$BIN"
