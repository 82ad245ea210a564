#!/usr/bin/env bash
# Installs the local stack's driver environment: a Python virtual environment with real Kedro,
# kedro-datasets, PySpark 3.5 and gcsfs from emulators/driver-env/requirements.lock (every file
# checked against its hash), PySpark 4.0 alone (the Spark of runtime 3.0) from spark4.lock into
# spark-4.0/, and for each Spark the Cloud Storage connector for Hadoop that matches its Hadoop
# client, from Maven Central (checked against the SHA-256s below). Idempotent: a stamp names the
# locks, the Python and the connectors, so a second call only compares it; pip's and Maven's caches
# keep every download, so nothing is fetched twice. Called by `npm test`, `npm run demo`,
# `npm run bench` and .ci/run.
#
#   scripts/driver-env.sh         install (or check) into $DRIVER_ENV_DIR (default .cache/driver-env)
#   scripts/driver-env.sh lock    regenerate requirements.lock and spark4.lock (pip-tools)
set -euo pipefail
cd "$(dirname "$0")/.."

in=emulators/driver-env/requirements.in
lock=emulators/driver-env/requirements.lock
spark4_in=emulators/driver-env/spark4.in
spark4_lock=emulators/driver-env/spark4.lock
dir=${DRIVER_ENV_DIR:-$PWD/.cache/driver-env}
# The connectors, shaded (their own Guava and protobuf, next to Spark's), one per Spark: 3.0.x (what
# Dataproc 2.2 and 2.3 ship) for PySpark 3.5, whose Hadoop client is 3.3.4; 3.1.x calls Hadoop
# 3.3.5 APIs (Options$OpenFileOptions), so only Spark 4.0 (Hadoop 3.4) gets it, as on runtime 3.0.
connector35=3.0.13
connector35_sha256=40d1ea5415247e04c23d564ef1d2dda06a8950c17c5c3bc0c125c056375d3e56
connector40=3.1.9
connector40_sha256=c5fcafb3b1671801c9fe61dff16d946729314d495c4e03590b79e52d01d081bb

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
  "$tools/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
    -o "$spark4_lock" "$spark4_in"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || fail "python3 is missing: install Python 3.11 with venv"
command -v java >/dev/null 2>&1 || fail "java is missing: Spark 3.5 needs a JDK (17): apt-get install openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || fail "mvn is missing: the connector comes from Maven Central: apt-get install maven"

stamp="$(cat "$lock" "$spark4_lock" | sha256sum | cut -c1-64) $(python3 -c 'import sys; print(sys.version.split()[0])') $connector35_sha256 $connector40_sha256"
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
  exit 0
fi

echo "driver-env: installing into $dir (Kedro, PySpark 3.5 and 4.0, gcsfs, the GCS connectors)" >&2
started=$(date +%s)
mkdir -p "$dir"
rm -f "$dir/stamp"
python3 -m venv --clear "$dir/venv"
"$dir/venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$lock" >&2

rm -rf "$dir/spark-3.5" "$dir/spark-4.0"
"$dir/venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps \
  --target "$dir/spark-4.0" -r "$spark4_lock" >&2

# connector SPARK_DIR VERSION SHA256: the shaded jar into $dir/SPARK_DIR, checked.
connector() {
  mvn -q -B dependency:copy -Dartifact="com.google.cloud.bigdataoss:gcs-connector:$2:jar:shaded" \
    -DoutputDirectory="$dir/$1" -Dmdep.overWriteIfNewer=true >&2
  echo "$3  $dir/$1/gcs-connector-$2-shaded.jar" | sha256sum -c --quiet - ||
    fail "gcs-connector-$2-shaded.jar does not have the pinned SHA-256: refusing it"
}
connector spark-3.5 "$connector35" "$connector35_sha256"
connector spark-4.0 "$connector40" "$connector40_sha256"

echo "$stamp" >"$dir/stamp"
echo "driver-env: ready in $(($(date +%s) - started)) s" >&2
