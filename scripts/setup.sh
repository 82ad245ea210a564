# Sourced by `npm test`, `npm run demo` and `npm run bench`: installs what is missing (Debian
# packages for the local stack, the drivers' Python environment and GCS connector, the npm
# packages), then puts the project's Node 24 first on PATH.
bash scripts/system-deps.sh
bash scripts/driver-env.sh
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # The machine's own Node may be older than the engines the packages ask for; the project's
  # Node 24 (a devDependency) runs everything, so those warnings are noise.
  npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/node_modules/.bin:$PATH"
