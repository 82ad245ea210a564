#!/usr/bin/env bash
# Installs the local stack's driver environment: a Python virtual environment with real Kedro,
# kedro-datasets, PySpark 3.5 and gcsfs from emulators/driver-env/requirements.lock (every file
# checked against its hash), PySpark 4.0 alone (the Spark of runtime 3.0) from spark4.lock into
# spark-4.0/, and for each Spark the Cloud Storage connector for Hadoop (and for Spark 3.5 the
# Hadoop client) that Dataproc pairs with it, from Maven Central (checked against the SHA-256s below),
# and the stack's PyPI cache (proxpi, from emulators/pypi-cache/requirements.lock). Idempotent: a stamp names the
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
cache_in=emulators/pypi-cache/requirements.in
cache_lock=emulators/pypi-cache/requirements.lock
dir=${DRIVER_ENV_DIR:-$PWD/.cache/driver-env}
# The connectors, shaded (their own Guava and protobuf, next to Spark's), one per Spark, as Dataproc
# pairs them: 3.0.x with Spark 3.5 on Hadoop 3.3.6 (runtimes 2.2 and 2.3), 3.1.x with Spark 4.0 on
# Hadoop 3.4 (runtime 3.0). Both call Options$OpenFileOptions (Hadoop 3.3.5 and later) when Spark
# reads CSV, JSON or text, and PySpark 3.5's own Hadoop client is 3.3.4: so Spark 3.5 gets Hadoop's
# 3.3.6 client jars first on its class path, as on Dataproc 2.x.
connector35=3.0.13
connector35_sha256=40d1ea5415247e04c23d564ef1d2dda06a8950c17c5c3bc0c125c056375d3e56
connector40=3.1.9
connector40_sha256=c5fcafb3b1671801c9fe61dff16d946729314d495c4e03590b79e52d01d081bb
hadoop35=3.3.6
hadoop35_api_sha256=f3d2347a6e1c6885d5bcfd4f60c3ac3810ec11068fc161e04329baabf412d963
hadoop35_runtime_sha256=15f01bc804294df06d2effc87de363a83cf589f50558bdbf48f72541ad8de854

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
  "$tools/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
    -o "$cache_lock" "$cache_in"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || fail "python3 is missing: install Python 3.11 with venv"
command -v java >/dev/null 2>&1 || fail "java is missing: Spark 3.5 needs a JDK (17): apt-get install openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || fail "mvn is missing: the connector comes from Maven Central: apt-get install maven"

stamp="$(cat "$lock" "$spark4_lock" "$cache_lock" | sha256sum | cut -c1-64) $(python3 -c 'import sys; print(sys.version.split()[0])') $connector35_sha256 $connector40_sha256 $hadoop35_api_sha256 $hadoop35_runtime_sha256"
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
  exit 0
fi

echo "driver-env: installing into $dir (Kedro, PySpark 3.5 and 4.0, gcsfs, the GCS connectors, the PyPI cache)" >&2
started=$(date +%s)
mkdir -p "$dir"
rm -f "$dir/stamp"
python3 -m venv --clear "$dir/venv"
"$dir/venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps -r "$lock" >&2

python3 -m venv --clear "$dir/pypi-cache"
"$dir/pypi-cache/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps \
  -r "$cache_lock" >&2

rm -rf "$dir/spark-3.5" "$dir/spark-4.0"
"$dir/venv/bin/pip" install -q --disable-pip-version-check --require-hashes --no-deps \
  --target "$dir/spark-4.0" -r "$spark4_lock" >&2

# jar DIR GROUP:ARTIFACT VERSION CLASSIFIER SHA256: one jar from Maven Central into $dir/DIR, checked.
jar() {
  local name="${2#*:}-$3${4:+-$4}.jar"
  mvn -q -B dependency:copy -Dartifact="$2:$3:jar${4:+:$4}" \
    -DoutputDirectory="$dir/$1" -Dmdep.overWriteIfNewer=true >&2
  echo "$5  $dir/$1/$name" | sha256sum -c --quiet - ||
    fail "$name does not have the pinned SHA-256: refusing it"
}
gcs=com.google.cloud.bigdataoss:gcs-connector
jar spark-3.5 "$gcs" "$connector35" shaded "$connector35_sha256"
jar spark-3.5/hadoop org.apache.hadoop:hadoop-client-api "$hadoop35" "" "$hadoop35_api_sha256"
jar spark-3.5/hadoop org.apache.hadoop:hadoop-client-runtime "$hadoop35" "" "$hadoop35_runtime_sha256"
jar spark-4.0 "$gcs" "$connector40" shaded "$connector40_sha256"

echo "$stamp" >"$dir/stamp"
echo "driver-env: ready in $(($(date +%s) - started)) s" >&2
