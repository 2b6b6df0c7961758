#!/usr/bin/env bash
# Build the helm v3 CLI from the Go module proxy (this machine reaches no GitHub releases) into the
# user-level tool cache (scripts/tool-cache.sh), keyed by version, so a second run costs nothing.
# Prints the binary's path last. `--path` only prints where it is (or will be), building nothing.
#
# helm's go.mod has no replace directives, so a plain `go install module@version` works.
# Override the version with HELM_VERSION (the proxy refuses a few versions with 403: check with
# curl -s -o /dev/null -w '%{http_code}' https://proxy.golang.org/helm.sh/helm/v3/@v/vX.Y.Z.zip).
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$(bash "$ROOT/scripts/tool-cache.sh")/helm/$HELM_VERSION"
HELM="$BIN_DIR/helm"
[[ "${1:-}" == "--path" ]] && { echo "$HELM"; exit 0; }

mkdir -p "$(dirname "$BIN_DIR")"
exec 9>"$(dirname "$BIN_DIR")/.lock" && flock 9  # clones share the cache: one build at a time
if [[ ! -x "$HELM" ]]; then
  command -v go >/dev/null || { echo "install-helm.sh: 'go' is not on PATH (Go >= 1.26 is needed)" >&2; exit 1; }
  echo "install-helm.sh: building helm $HELM_VERSION (a cold build takes a few minutes)" >&2
  tmp="$BIN_DIR.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  # helm's own Makefile stamps the version at link time; without it `helm version` and the
  # charts' .Capabilities.HelmVersion report a dev build instead of the release we pinned.
  CGO_ENABLED=0 GOBIN="$tmp" go install \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  rm -rf "$BIN_DIR"; mv "$tmp" "$BIN_DIR"
fi

"$HELM" version --short >&2
echo "$HELM"
