#!/usr/bin/env bash
# Print (and create) the user-level cache of tool builds, shared by every clone of the project:
# $CONTAINERS_TOOL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/containers-tools. Each tool lives under
# <tool>/<version>/, written to a temporary folder first and renamed, so a killed build never
# leaves a half-made tool that looks finished.
set -euo pipefail
dir="${CONTAINERS_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/containers-tools}"
mkdir -p "$dir"
echo "$dir"
