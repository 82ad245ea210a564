#!/usr/bin/env bash
# `npm run bench`: installs what it needs (like `npm run demo`), then measures the action against
# the guide's scripts on the local stack (scripts/bench.ts). Options: --runs N, --quick, --repos A,B.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
[ -f dist/index.js ] || npm run build
exec tsx scripts/bench.ts "$@"
