#!/usr/bin/env bash
# `npm test`: installs what the tests need, checks the toolchain, then lint, format, types,
# Python tests and jest. Ends with one plain `N passed, N failed` line.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/setup.sh

# The action runs on node24; `npm ci --ignore-scripts` would silently leave Node 20 here.
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" != 24 ]; then
  echo "tests must run on Node 24, found $(node --version) at $(command -v node): run npm ci (without --ignore-scripts)" >&2
  exit 1
fi

echo "== eslint, prettier, the layers (npm run lint), tsc"
npm run --silent lint
tsc --noEmit -p .

echo "== python: entrypoint, on the driver environment's real Kedro"
"${DRIVER_ENV_DIR:-.cache/driver-env}/venv/bin/python" -m unittest discover -s entrypoint -p 'test_*.py'

echo "== jest"
# The tests' scratch repositories, runner directories and zips go under one directory that is
# removed at the end, pass or fail (a full run creates hundreds, some of them tens of MB).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
results=$scratch/jest-results.json
export TMPDIR=$scratch
status=0
NODE_OPTIONS=--experimental-vm-modules jest --maxWorkers=2 --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' "$results" || true
exit "$status"
