#!/usr/bin/env bash
# Installs the local stack's driver environment: a Python virtual environment with real Kedro,
# kedro-datasets, PySpark 3.5 and gcsfs from emulators/driver-env/requirements.lock (every file
# checked against its hash), and Google's Cloud Storage connector for Hadoop from Maven Central
# (checked against the SHA-256 below). Idempotent: a stamp names the lock, the Python and the
# connector, so a second call only compares it; pip's and Maven's caches keep every download, so
# nothing is fetched twice. Called by `npm test`, `npm run demo`, `npm run bench` and .ci/run.
#
#   scripts/driver-env.sh         install (or check) into $DRIVER_ENV_DIR (default .cache/driver-env)
#   scripts/driver-env.sh lock    regenerate requirements.lock from requirements.in (pip-tools)
set -euo pipefail
cd "$(dirname "$0")/.."

in=emulators/driver-env/requirements.in
lock=emulators/driver-env/requirements.lock
dir=${DRIVER_ENV_DIR:-$PWD/.cache/driver-env}
# The connector of Dataproc's 2.x runtimes, shaded (its own Guava and protobuf, next to Spark's).
connector=com.google.cloud.bigdataoss:gcs-connector:3.1.9:jar:shaded
connector_jar=gcs-connector-3.1.9-shaded.jar
connector_sha256=c5fcafb3b1671801c9fe61dff16d946729314d495c4e03590b79e52d01d081bb

fail() {
  echo "driver-env: $*" >&2
  exit 1
}

if [ "${1:-}" = lock ]; then
  tools=$(mktemp -d)
  trap 'rm -rf "$tools"' EXIT
  python3 -m venv "$tools" && "$tools/bin/pip" install -q pip-tools
  "$tools/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
    -o "$lock" "$in"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || fail "python3 is missing: install Python 3.11 with venv"
command -v java >/dev/null 2>&1 || fail "java is missing: Spark 3.5 needs a JDK (17): apt-get install openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || fail "mvn is missing: the connector comes from Maven Central: apt-get install maven"

stamp="$(sha256sum "$lock" | cut -c1-64) $(python3 -c 'import sys; print(sys.version.split()[0])') $connector_sha256"
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
  exit 0
fi

echo "driver-env: installing into $dir (Kedro, PySpark, gcsfs, the GCS connector)" >&2
started=$(date +%s)
mkdir -p "$dir"
rm -f "$dir/stamp"
python3 -m venv --clear "$dir/venv"
"$dir/venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$lock" >&2

mvn -q -B dependency:copy -Dartifact="$connector" -DoutputDirectory="$dir" -Dmdep.overWriteIfNewer=true >&2
echo "$connector_sha256  $dir/$connector_jar" | sha256sum -c --quiet - ||
  fail "$connector_jar does not have the pinned SHA-256: refusing it"

echo "$stamp" >"$dir/stamp"
echo "driver-env: ready in $(($(date +%s) - started)) s" >&2
