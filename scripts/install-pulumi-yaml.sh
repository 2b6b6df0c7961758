#!/usr/bin/env bash
# Build the Pulumi YAML language host (github.com/pulumi/pulumi-yaml, cmd/pulumi-language-yaml) from
# the Go module proxy into the user-level tool cache (scripts/tool-cache.sh), keyed by version, so a
# second run costs nothing (cold: ~3 min). Prints the folder holding the binary last; `--path` only
# prints it, building nothing. The version is pinned by tools/pulumi-yaml/go.mod.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(sed -n 's|^\(require \)\{0,1\}[[:space:]]*github.com/pulumi/pulumi-yaml \(v[^ ]*\).*|\2|p' "$ROOT/tools/pulumi-yaml/go.mod")"
[[ -n "$VERSION" ]] || { echo "install-pulumi-yaml.sh: no pulumi-yaml version in tools/pulumi-yaml/go.mod" >&2; exit 1; }
BIN_DIR="$(bash "$ROOT/scripts/tool-cache.sh")/pulumi-yaml/$VERSION"
[[ "${1:-}" == "--path" ]] && { echo "$BIN_DIR"; exit 0; }

if [[ ! -x "$BIN_DIR/pulumi-language-yaml" ]]; then
  command -v go >/dev/null || { echo "install-pulumi-yaml.sh: 'go' is not on PATH (Go >= 1.26 is needed)" >&2; exit 1; }
  echo "install-pulumi-yaml.sh: building pulumi-language-yaml $VERSION (a cold build takes a few minutes)" >&2
  tmp="$BIN_DIR.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  (
    cd "$ROOT/tools/pulumi-yaml"
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$VERSION" \
      -o "$tmp/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  )
  rm -rf "$BIN_DIR"; mv "$tmp" "$BIN_DIR"
fi
echo "$BIN_DIR"
