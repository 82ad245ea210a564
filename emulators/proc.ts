import { spawn, type ChildProcess } from 'node:child_process'
import { constants as fsConstants, openSync, closeSync } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'
import { sleep } from './faults.js'

/**
 * Small process helpers shared by the registry and Docker daemon launchers: free ports, long-running
 * children whose output goes to a log file, readiness polling and orderly shutdown.
 */

/** A free TCP port on `host`, found by letting the kernel pick one and releasing it again. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

/** The absolute path of an executable found on PATH or in the given extra directories, else null. */
export async function findExecutable(
  name: string,
  extraDirs: string[] = []
): Promise<string | null> {
  // sbin directories are not on every user's PATH, yet Debian installs dockerd there.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean)
  for (const dir of dirs) {
    const candidate = join(dir, name)
    try {
      await access(candidate, fsConstants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return null
}

export const SYSTEM_DIRS = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin'
]

/** The last lines of a log file, for error messages that point at the cause. */
export async function tailFile(path: string, lines = 15): Promise<string> {
  try {
    const text = await readFile(path, 'utf8')
    return text.trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

/**
 * Children run in their own process group so that a Ctrl-C or a signal to the stack's group reaches
 * the stack first, which then stops them in order (the Docker daemon must stop before its leftover
 * mounts are removed). The price is that they would outlive a stack that exits without stopping
 * them, so an exit hook asks every child still running to terminate.
 */
export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env
): ChildProcess {
  const fd = openSync(logFile, 'a')
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env, detached: true })
    live.add(child)
    child.once('exit', () => live.delete(child))
    child.once('error', () => live.delete(child))
    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.once('exit', () => {
        for (const c of live) c.kill('SIGTERM')
      })
    }
    return child
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd)
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return Promise.resolve()
  return new Promise(resolve => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
}

/**
 * Polls `ready` until it returns true. Gives up early, with the log's tail, when the child exits;
 * after `timeoutMs` the child is killed and the error says so.
 */
export async function waitUntilReady(
  what: string,
  child: ChildProcess,
  logFile: string,
  ready: () => Promise<boolean>,
  timeoutMs: number
): Promise<void> {
  // Called right after spawn, so a spawn failure (reported on a later tick) is not missed.
  let spawnError: Error | undefined
  child.once('error', error => (spawnError = error))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`${what} could not be started: ${spawnError.message}`)
    if (hasExited(child)) {
      throw new Error(
        `${what} exited during start-up (code ${child.exitCode ?? child.signalCode}); ` +
          `last lines of ${logFile}:\n${await tailFile(logFile)}`
      )
    }
    if (await ready().catch(() => false)) return
    await sleep(100)
  }
  await stopChild(child, 2000)
  throw new Error(
    `${what} did not become ready within ${timeoutMs} ms; last lines of ${logFile}:\n` +
      (await tailFile(logFile))
  )
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return
  const done = exited(child)
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  try {
    await done
  } finally {
    clearTimeout(timer)
  }
}

/** Whether a process id names a live process (a zombie counts as live until reaped). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Raised when a Debian package the stack needs is not installed; names the package and the fix. */
export class MissingPackageError extends Error {
  constructor(
    readonly packageName: string,
    what: string
  ) {
    super(
      `${what} is not installed: install the Debian package ${packageName} ` +
        `(as root: apt-get install -y ${packageName}, or run scripts/system-deps.sh)`
    )
    this.name = 'MissingPackageError'
  }
}
