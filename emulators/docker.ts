import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { mkdir, readFile, statfs, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { sleep } from './faults.js'
import {
  findExecutable,
  MissingPackageError,
  processAlive,
  spawnLogged,
  stopChild,
  SYSTEM_DIRS,
  waitUntilReady
} from './proc.js'

/**
 * A private Docker daemon (Debian `docker.io`, dockerd 20.10) whose every path lives under the
 * state directory, so any number of them run side by side with each other and with a system daemon:
 *
 * - `--host`, `--data-root`, `--exec-root`, `--pidfile`: socket, images, runtime state, pid file.
 *   dockerd starts its own containerd with socket and state under the exec root.
 * - `--containerd-namespace`/`--containerd-plugins-namespace`: where a system containerd is running
 *   (/run/containerd/containerd.sock), dockerd uses it instead of its own; distinct namespaces
 *   keep the daemons' containers and events apart there.
 * - `--config-file` pointing at an empty file: a host /etc/docker/daemon.json (say with its own
 *   `hosts`) would otherwise conflict with the flags and stop the daemon from starting.
 * - `--storage-driver overlay2` where the kernel has overlayfs and the state directory is not on
 *   one itself; else `vfs`, which works on any filesystem at the price of a full copy of the image
 *   per layer and per container: with a real Python base image that is minutes a build here
 *   (86 s for an ENV step under load), where overlay2 takes a fraction of a second.
 * - `--iptables=false --bridge=none`: no host firewall or network changes. Containers and RUN steps
 *   of the classic builder get a network namespace with loopback only; RUN steps under BuildKit need
 *   `--network=none` or `--network=host` (by default they fail with "network bridge not found").
 */
export interface DockerDaemon {
  /** `unix:///STATE/docker.sock`, for DOCKER_HOST or `docker -H`. */
  host: string
  pid: number
  close(): Promise<void>
}

export interface DockerDaemonOptions {
  stateDir: string
  startTimeoutMs?: number
}

// sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107
// The longest socket path dockerd derives from the exec root.
const LONGEST_SOCKET_SUFFIX = '/exec/containerd/containerd.sock.ttrpc'

const run = promisify(execFile)

export async function startDockerDaemon(options: DockerDaemonOptions): Promise<DockerDaemon> {
  for (const [name, what] of [
    ['dockerd', 'the Docker daemon (dockerd)'],
    ['containerd', 'containerd'],
    ['runc', 'runc'],
    ['docker', 'the Docker CLI']
  ] as const) {
    if (!(await findExecutable(name, SYSTEM_DIRS))) throw new MissingPackageError('docker.io', what)
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the Docker daemon needs root; run the stack as root (rootless Docker is not set up)'
    )
  }
  const stateDir = resolve(options.stateDir)
  if ((stateDir + LONGEST_SOCKET_SUFFIX).length > MAX_SOCKET_PATH) {
    throw new Error(
      `state directory ${stateDir} is too long for the Docker daemon's unix sockets ` +
        `(at most ${MAX_SOCKET_PATH - LONGEST_SOCKET_SUFFIX.length} characters)`
    )
  }
  const logDir = join(stateDir, 'logs')
  await mkdir(logDir, { recursive: true })
  const logFile = join(logDir, 'dockerd.log')
  const configFile = join(stateDir, 'daemon.json')
  await writeFile(configFile, '{}\n')
  const socket = join(stateDir, 'docker.sock')
  const namespace = `kda-${createHash('sha256').update(stateDir).digest('hex').slice(0, 12)}`
  const dockerd = (await findExecutable('dockerd', SYSTEM_DIRS)) ?? 'dockerd'
  const child = spawnLogged(
    dockerd,
    [
      '--config-file',
      configFile,
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(stateDir, 'docker'),
      '--exec-root',
      join(stateDir, 'exec'),
      '--pidfile',
      join(stateDir, 'docker.pid'),
      '--containerd-namespace',
      namespace,
      '--containerd-plugins-namespace',
      `${namespace}-plugins`,
      '--storage-driver',
      await storageDriver(stateDir),
      '--iptables=false',
      '--bridge=none',
      '--log-level',
      'warn'
    ],
    logFile
  )
  try {
    await waitUntilReady(
      'dockerd',
      child,
      logFile,
      () => ping(socket),
      options.startTimeoutMs ?? 60000
    )
  } catch (error) {
    await cleanUp(stateDir)
    throw error
  }
  return {
    host: `unix://${socket}`,
    pid: child.pid ?? 0,
    close: async () => {
      // dockerd gives running containers 15 s to stop before it exits itself.
      await stopChild(child, 25000)
      await cleanUp(stateDir)
    }
  }
}

/** statfs's type for overlayfs (linux/magic.h): overlay2 cannot keep its layers on one. */
const OVERLAYFS_MAGIC = 0x794c7630

async function storageDriver(stateDir: string): Promise<'overlay2' | 'vfs'> {
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '')
  if (!/\soverlay$/m.test(filesystems)) return 'vfs'
  const { type } = await statfs(stateDir)
  return type === OVERLAYFS_MAGIC ? 'vfs' : 'overlay2'
}

/** GET /_ping on the daemon's socket: the daemon's own readiness probe, cheaper than `docker info`. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise(resolvePing => {
    const req = request({ socketPath, path: '/_ping', timeout: 2000 }, res => {
      res.resume()
      res.once('end', () => resolvePing(res.statusCode === 200))
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolvePing(false))
    req.end()
  })
}

/**
 * What a stopped (or killed) daemon leaves behind: its containerd when dockerd itself was killed,
 * and mounts under the state directory (dockerd leaves `exec/netns/default` mounted even after a
 * clean shutdown), which would make removing the directory fail.
 */
async function cleanUp(stateDir: string): Promise<void> {
  const containerdPid = Number(
    await readFile(join(stateDir, 'exec', 'containerd', 'containerd.pid'), 'utf8').catch(() => '')
  )
  if (containerdPid > 0 && processAlive(containerdPid)) {
    process.kill(containerdPid, 'SIGTERM')
    for (let i = 0; i < 50 && processAlive(containerdPid); i++) {
      await sleep(100)
    }
  }
  for (const mountPoint of await mountsUnder(stateDir)) {
    await run('umount', ['-l', mountPoint]).catch(() => undefined)
  }
}

/** Mount points at or below `dir`, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')
  return table
    .split('\n')
    .map(line => line.split(' ')[4] ?? '')
    .map(field =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    )
    .filter(mountPoint => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
}
