#!/usr/bin/env bash
# Installs the Debian packages the local stack needs (emulators/stack.ts): a Docker daemon
# (docker.io), an OCI registry (docker-registry), debootstrap for the daemon's python:3.11-slim
# (emulators/base-image.ts builds it from Debian's mirror), and for the drivers' Spark a JDK,
# Maven (which fetches Google's connector) and Python's venv. Idempotent: when everything is there it only looks programs up, which takes
# milliseconds. As root it installs what is missing; otherwise it names the packages and fails.
# Called by `npm test`, `npm run demo` and .ci/run.
set -euo pipefail

if ! command -v python3 >/dev/null 2>&1; then
  echo "system-deps: python3 is missing (the Dataproc emulator runs drivers with it): install python3" >&2
  exit 1
fi

# What each package provides: a machine that has the programs from elsewhere (GitHub's runners
# ship Docker as moby packages, not docker.io) needs nothing installed.
installed() {
  case "$1" in
    docker.io) command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 ;;
    docker-registry) command -v docker-registry >/dev/null 2>&1 ;;
    openjdk-17-jdk-headless) command -v java >/dev/null 2>&1 ;;
    maven) command -v mvn >/dev/null 2>&1 ;;
    python3-venv) python3 -c 'import ensurepip, venv' >/dev/null 2>&1 ;;
    debootstrap) command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] ;;
    # debootstrap checks Debian's signatures with it (Ubuntu, say GitHub's runners, lacks it).
    debian-archive-keyring) [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ;;
  esac
}

missing=()
for package in docker.io docker-registry debootstrap debian-archive-keyring openjdk-17-jdk-headless maven python3-venv; do
  installed "$package" || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
