import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { closeSync, existsSync, openSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tailFile } from './proc.js'

/**
 * The stack's PyPI cache: proxpi (a maintained caching proxy of a package index) on one fixed
 * loopback port, which the base image's pip.conf names as its index. RUN steps build with the
 * host's network, so every stack's `pip install` goes through it, and each file is downloaded
 * from PyPI once per machine (kept under .cache/pypi-cache). The port is fixed because the base
 * image is built once for every stack; so one server serves every stack on the machine, and
 * stops by itself once none is left (emulators/pypi-cache/serve.py).
 */

export const PYPI_CACHE_PORT = 3141
export const PYPI_CACHE_INDEX = `http://127.0.0.1:${PYPI_CACHE_PORT}/index/`
export const DEFAULT_PYPI_CACHE_DIR = new URL('../.cache/pypi-cache', import.meta.url).pathname
const SERVER = new URL('./pypi-cache/serve.py', import.meta.url).pathname
// Machine-wide, as the port is: whichever server holds the port counts every stack's registration.
// Not under os.tmpdir(): scripts/test.sh gives each test run a TMPDIR of its own, and a server
// started by one run must still count the stacks of another.
const USERS_DIR = `/tmp/kda-pypi-cache-${PYPI_CACHE_PORT}-users`
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'
const START_TIMEOUT_MS = 120_000

export interface PypiCacheOptions {
  /** The driver environment (scripts/driver-env.sh installs proxpi into its pypi-cache/). */
  driverEnvDir: string
  /** Where the downloaded files and the server's log are kept; default .cache/pypi-cache. */
  cacheDir?: string
}

/** The Python that scripts/driver-env.sh installs proxpi into. */
export const pypiCachePython = (driverEnvDir: string): string =>
  join(driverEnvDir, 'pypi-cache', 'bin', 'python')

/** Registers this stack as a user of the cache, starting the server if none runs; returns release. */
export async function usePypiCache(options: PypiCacheOptions): Promise<() => Promise<void>> {
  const python = pypiCachePython(options.driverEnvDir)
  if (!existsSync(python)) {
    throw new Error(`the PyPI cache is not installed (${python}): run scripts/driver-env.sh`)
  }
  const cacheDir = options.cacheDir ?? DEFAULT_PYPI_CACHE_DIR
  await mkdir(cacheDir, { recursive: true })
  await mkdir(USERS_DIR, { recursive: true })
  const user = join(USERS_DIR, `${process.pid}-${randomUUID()}`)
  await writeFile(user, '')
  const release = (): Promise<void> => rm(user, { force: true })
  try {
    if (!(await serving())) await start(python, cacheDir)
    return release
  } catch (error) {
    await release()
    throw error
  }
}

async function start(python: string, cacheDir: string): Promise<void> {
  const log = join(cacheDir, 'server.log')
  const fd = openSync(log, 'a')
  try {
    // Detached and unreferenced: it outlives this stack while other stacks use it.
    spawn(python, [SERVER, String(PYPI_CACHE_PORT), USERS_DIR], {
      stdio: ['ignore', fd, fd],
      detached: true,
      env: serverEnv(cacheDir)
    }).unref()
  } finally {
    closeSync(fd)
  }
  const deadline = Date.now() + START_TIMEOUT_MS
  while (!(await serving())) {
    if (Date.now() > deadline) {
      throw new Error(
        `the PyPI cache did not answer on 127.0.0.1:${PYPI_CACHE_PORT} within ` +
          `${START_TIMEOUT_MS / 1000} s; last lines of ${log}:\n${await tailFile(log)}`
      )
    }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** proxpi reads its settings from the environment; requests needs this machine's CAs. */
function serverEnv(cacheDir: string): NodeJS.ProcessEnv {
  const ca = process.env.PIP_CERT ?? (existsSync(HOST_CA_BUNDLE) ? HOST_CA_BUNDLE : undefined)
  return {
    ...process.env,
    PROXPI_CACHE_DIR: join(cacheDir, 'files'),
    ...(process.env.PIP_INDEX_URL ? { PROXPI_INDEX_URL: process.env.PIP_INDEX_URL } : {}),
    ...(ca ? { REQUESTS_CA_BUNDLE: ca } : {})
  }
}

async function serving(): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${PYPI_CACHE_PORT}/health`, {
      signal: AbortSignal.timeout(5000)
    })
    const body = (await response.json()) as { status?: string }
    return response.ok && body.status === 'success'
  } catch {
    return false
  }
}
