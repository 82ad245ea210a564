#!/usr/bin/env bash
# `npm run bench`: installs what it needs (like `npm run demo`), then measures the action against
# the guide's scripts on the local stack (scripts/bench.ts). Options: --runs N, --quick.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
export PATH="$PWD/node_modules/.bin:$PATH"
[ -f dist/index.js ] || npm run build
exec tsx scripts/bench.ts "$@"
