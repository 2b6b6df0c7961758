#!/usr/bin/env bash
# Build the Kubernetes tools of the real-cluster tests from the Go module proxy into the user-level
# tool cache (scripts/tool-cache.sh), keyed by version, so a second run costs nothing:
#
#   scripts/install-kubernetes.sh control-plane [--path]
#       kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok and kubectl
#       (tools/kubernetes), in ONE `go build` so the packages they share compile once (cold: ~20 min
#       on 2 cores, measured alongside the provider build). kubectl is built here because Debian's
#       kubernetes-client (1.20) is too old for this API server (no `--subresource`).
#   scripts/install-kubernetes.sh provider [--path]
#       the pulumi-kubernetes provider plugin, pulumi-resource-kubernetes (tools/pulumi-kubernetes;
#       cold: ~17 min on 2 cores). No registry serves a prebuilt one: PyPI's and npm's
#       pulumi-kubernetes packages are SDKs whose plugin comes from a download site unreachable here.
#
# Prints the folder holding the binaries last; `--path` only prints it, building nothing. Versions
# are pinned by the wrapper modules' go.mod. Builds run under `nice -n 19`: the machine is shared.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$(bash "$ROOT/scripts/tool-cache.sh")"
part="${1:-}"

required_version() {
  # $1: a wrapper module folder under tools/; $2: a module path it requires
  sed -n "s|^\(require \)\{0,1\}[[:space:]]*$2 \(v[^ ]*\).*|\2|p" "$ROOT/tools/$1/go.mod"
}

case "$part" in
  control-plane)
    KUBERNETES="$(required_version kubernetes k8s.io/kubernetes)"
    ETCD="$(required_version kubernetes go.etcd.io/etcd/server/v3)"
    KWOK="$(required_version kubernetes sigs.k8s.io/kwok)"
    BIN_DIR="$CACHE/kubernetes/$KUBERNETES-etcd-$ETCD-kwok-$KWOK"
    BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok kubectl)
    ;;
  provider)
    PROVIDER="$(required_version pulumi-kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4)"
    BIN_DIR="$CACHE/pulumi-kubernetes/$PROVIDER"
    BINARIES=(pulumi-resource-kubernetes)
    ;;
  *) echo "usage: install-kubernetes.sh control-plane|provider [--path]" >&2; exit 2 ;;
esac
[[ "${2:-}" == "--path" ]] && { echo "$BIN_DIR"; exit 0; }

built() {
  local binary
  for binary in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$binary" ]] || return 1; done
}

go_build() {
  # $1: the wrapper module; the rest: `go build` arguments. Static binaries, like upstream's.
  local module="$1"; shift
  (cd "$ROOT/tools/$module" && CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 19 go build -trimpath "$@")
}

build_control_plane() {
  # The version stamps make the API server report v1.37.x (clients, the pulumi-kubernetes provider
  # among them, read it) instead of v0.0.0-master.
  local minor="${KUBERNETES#v1.}"; minor="${minor%%.*}"
  local stamp="k8s.io/component-base/version"
  go_build kubernetes -ldflags "-s -w -X $stamp.gitVersion=$KUBERNETES -X $stamp.gitMajor=1 -X $stamp.gitMinor=$minor" \
    -o "$1/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl ./etcd sigs.k8s.io/kwok/cmd/kwok
  copy_kwok_stages "$1"
}

copy_kwok_stages() {
  # kwok's stages (from its module), which make its nodes Ready and keep them so, and its pods
  # Running and Ready: beside the binaries, so that starting needs no module cache.
  local kwok stage file
  kwok="$(cd "$ROOT/tools/kubernetes" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
  mkdir -p "$1/kwok-stages.tmp"
  for stage in node/fast node/heartbeat pod/fast; do
    for file in "$kwok/kustomize/stage/$stage"/*.yaml; do
      [[ "$(basename "$file")" == kustomization.yaml ]] || install -m 0644 "$file" "$1/kwok-stages.tmp/"
    done
  done
  mv "$1/kwok-stages.tmp" "$1/kwok-stages"
}

build_provider() {
  # Upstream's main embeds files its `go generate` writes; the module ships their sources.
  local upstream main="$ROOT/tools/pulumi-kubernetes/provider"
  local module=github.com/pulumi/pulumi-kubernetes/provider/v4
  # `go list -m` names a module's folder only once it is in the module cache: on a fresh machine
  # nothing has downloaded it yet (the build below would, but it needs these files first).
  upstream="$(cd "$ROOT/tools/pulumi-kubernetes" && GOFLAGS=-mod=mod go mod download "$module" &&
    GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' "$module")"
  [[ -n "$upstream" ]] || { echo "install-kubernetes.sh: no module folder for $module" >&2; exit 1; }
  install -m 0644 "$upstream/cmd/pulumi-resource-kubernetes/schema.json" "$main/schema-embed.json"
  install -m 0644 "$upstream/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$main/terraform-mapping-embed.json"
  go_build pulumi-kubernetes -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PROVIDER" \
    -o "$1/pulumi-resource-kubernetes" ./provider
}

if ! built; then
  command -v go >/dev/null || { echo "install-kubernetes.sh: 'go' is not on PATH (Go >= 1.26 is needed)" >&2; exit 1; }
  (
    flock 9
    built && exit 0
    echo "install-kubernetes.sh: building ${BINARIES[*]} into $BIN_DIR" >&2
    tmp="$BIN_DIR.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    start=$SECONDS
    "build_${part/-/_}" "$tmp"
    echo "install-kubernetes.sh: built ${BINARIES[*]} in $((SECONDS - start)) s" >&2
    rm -rf "$BIN_DIR"; mv "$tmp" "$BIN_DIR"
  ) 9>"$CACHE/.kubernetes-$part.lock"
fi
# A cache built before the stages were kept gets them without a rebuild.
if [[ "$part" == control-plane && ! -d "$BIN_DIR/kwok-stages" ]]; then
  copy_kwok_stages "$BIN_DIR"
fi
echo "$BIN_DIR"
