#!/usr/bin/env bash
# The README's two commands on a fresh clone, timed: `make up` (then `make down`) and `make test`.
#
#   benchmarks/fresh_clone.sh [--cold] [--skip-test]
#
# Warm (default): the user-level tool cache is shared (a second clone). `--cold`: an empty tool
# cache and Go build cache in a temporary folder, as on a new machine (the Go module download
# cache and pip's wheel cache stay: this machine cannot forget what the registries served it).
# Prints one line per step with its wall time; the clone is removed afterwards.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cold=false; run_tests=true
for arg in "$@"; do
  case "$arg" in
    --cold) cold=true ;;
    --skip-test) run_tests=false ;;
    *) echo "usage: $0 [--cold] [--skip-test]" >&2; exit 2 ;;
  esac
done
if $cold; then
  export CONTAINERS_TOOL_CACHE="$work/tool-cache" GOCACHE="$work/go-build"
fi

git clone -q "$ROOT" "$work/containers"
cd "$work/containers"
[[ -d "$ROOT/../shared" ]] && ln -s "$ROOT/../shared" "$work/shared"

step() {
  local name="$1"; shift
  local start=$SECONDS
  "$@" >"$work/$name.log" 2>&1 || { echo "$name failed; its log:"; tail -30 "$work/$name.log"; exit 1; }
  printf '%-10s %5ds%s\n' "$name" $((SECONDS - start)) "$($cold && echo ' (cold)' || echo ' (warm)')"
}
step "make-up" make up
grep -E '^url: ' "$work/make-up.log"
step "make-down" make down
$run_tests && step "make-test" make test
exit 0
