#!/usr/bin/env bash
# `npm run demo`: installs what it needs, then runs the action's main job (a dev run of the example
# Kedro project from a feature branch with uncommitted work) end to end on the local stack.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
[ -f dist/index.js ] || npm run build
exec tsx scripts/demo.ts "$@"
