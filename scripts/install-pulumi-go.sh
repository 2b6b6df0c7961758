#!/usr/bin/env bash
# Build the Pulumi Go language host (tools/pulumi/language-go, our own: the upstream module
# .../sdk/go/pulumi-language-go/v3 is not served by the Go module proxy) into the user-level tool
# cache (scripts/tool-cache.sh), keyed by the Pulumi version and the host's source, so a second run
# costs nothing. Prints the folder holding the binary last; `--path` only prints it, building nothing.
# Go programs (examples/go) also need `go` itself on PATH: the host runs `go build` on every update.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="v$(sed -n 's/^pulumi==//p' "$ROOT/requirements.txt")"
HASH="$(cat "$ROOT/tools/pulumi/language-go/main.go" "$ROOT/tools/pulumi/go.sum" | sha256sum | cut -c1-12)"
BIN_DIR="$(bash "$ROOT/scripts/tool-cache.sh")/pulumi-language-go/$VERSION-$HASH"
[[ "${1:-}" == "--path" ]] && { echo "$BIN_DIR"; exit 0; }

mkdir -p "$(dirname "$BIN_DIR")"
exec 9>"$(dirname "$BIN_DIR")/.lock" && flock 9  # clones share the cache: one build at a time
if [[ ! -x "$BIN_DIR/pulumi-language-go" ]]; then
  command -v go >/dev/null || { echo "install-pulumi-go.sh: 'go' is not on PATH (Go >= 1.26 is needed)" >&2; exit 1; }
  echo "install-pulumi-go.sh: building pulumi-language-go $VERSION ($HASH) (cold: a few minutes)" >&2
  tmp="$BIN_DIR.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  (
    cd "$ROOT/tools/pulumi"
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
      -o "$tmp/pulumi-language-go" ./language-go
  )
  rm -rf "$BIN_DIR"; mv "$tmp" "$BIN_DIR"
fi
echo "$BIN_DIR"
