import { mkdir, mkdtemp, rm, statfs } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ensureBaseImage } from './base-image.js'
import { startDataprocEmulator, type DataprocEmulator } from './dataproc/server.js'
import { DEFAULT_DRIVER_ENV, loadSparkRuntime } from './dataproc/spark.js'
import { startDockerDaemon, type DockerDaemon } from './docker.js'
import { startGcsEmulator, type GcsEmulator } from './gcs/server.js'
import {
  startLoggingEmulator,
  type LoggingEmulator,
  type LoggingWriteEntry
} from './logging/server.js'
import { usePypiCache } from './pypi-cache.js'
import { startRegistry, type Registry } from './registry.js'

/**
 * The local stack: the GCS and Dataproc emulators, and (where Debian's docker.io and
 * docker-registry are installed) a private Docker daemon and OCI registry. Every instance has its
 * own state directory and free ports, so stacks started side by side never see each other.
 */

/** 'auto': start Docker and the registry when installed, else report why not; 'required': fail. */
export type DockerMode = 'auto' | 'required' | 'off'

export interface StackOptions {
  /** Kept on stop. Default: a fresh temporary directory, removed on stop. */
  stateDir?: string
  docker?: DockerMode
  /** Host of the emulators; default 127.0.0.1. The registry and daemon are loopback only. */
  host?: string
  storagePort?: number
  dataprocGrpcPort?: number
  dataprocRestPort?: number
  registryPort?: number
  pendingMs?: number
  teardownMs?: number
  /** The driver environment (scripts/driver-env.sh); default .cache/driver-env. */
  driverEnvDir?: string
  /** Real seconds per second of a batch's ttl (tests make ttls expire sooner); default 1. */
  ttlScale?: number
  loggingPort?: number
  /**
   * Each driver output entry becomes visible to entries:list after a random delay in this range,
   * so entries arrive late and out of order, as Cloud Logging's sometimes do. Default none.
   */
  loggingDelayMs?: [number, number]
  outputRolloverBytes?: number
  /** Where the base image's tarball is cached (emulators/base-image.ts); default .cache/base-image. */
  baseImageCacheDir?: string
}

export interface Stack {
  /** GCS JSON API base URL, e.g. http://127.0.0.1:40123 (for STORAGE_EMULATOR_HOST). */
  storage: string
  /** Dataproc gRPC endpoint host:port (for DATAPROC_EMULATOR_HOST). */
  dataproc: string
  /** Dataproc REST base URL (for gcloud's api_endpoint_overrides/dataproc). */
  dataprocRest: string
  /** Cloud Logging REST base URL (for LOGGING_EMULATOR_HOST and api_endpoint_overrides/logging). */
  logging: string
  /** host:port of the OCI registry, or null. */
  registry: string | null
  /** unix:///…/docker.sock of the private Docker daemon, or null. */
  dockerHost: string | null
  /** One line: why dockerHost or registry is null. */
  dockerUnavailable?: string
  stateDir: string
  /** What batches run on: Spark, Python and Java versions. */
  spark: string
  gcs: GcsEmulator
  dataprocEmulator: DataprocEmulator
  loggingEmulator: LoggingEmulator
  stop(): Promise<void>
}

/** What `npm run stack` prints after READY, and what scripts read. */
export function endpoints(stack: Stack): {
  storage: string
  dataproc: string
  dataprocRest: string
  logging: string
  registry: string | null
  dockerHost: string | null
} {
  const { storage, dataproc, dataprocRest, logging, registry, dockerHost } = stack
  return { storage, dataproc, dataprocRest, logging, registry, dockerHost }
}

/** statfs's type for tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994
/** Free room a RAM-backed /dev/shm needs before drivers use it: many batches' unpacked code. */
const DRIVERS_TMPFS_MIN_BYTES = 2 * 1024 ** 3

/**
 * Where the drivers' working directories go. A driver unpacks its archives there (a Kedro
 * project's code.zip is thousands of small files), which on a RAM-backed /dev/shm with room takes
 * a fraction of the time it takes on a disk: 0.3 s against 1.4 s for the bench's 2,158 files on
 * this VM. The real service unpacks in Google's machines, not on the runner, so the disk's cost
 * would only blur what the tests and the bench measure. Each directory is removed when its batch
 * ends; an own directory on /dev/shm is removed on stop.
 */
async function driversDir(stateDir: string): Promise<{ dir: string; own: boolean }> {
  try {
    const shm = await statfs('/dev/shm')
    if (shm.type === TMPFS_MAGIC && shm.bavail * shm.bsize >= DRIVERS_TMPFS_MIN_BYTES) {
      return { dir: await mkdtemp('/dev/shm/kda-drivers-'), own: true }
    }
  } catch {
    // No /dev/shm, or not writable: the state directory serves.
  }
  return { dir: join(stateDir, 'dataproc'), own: false }
}

/**
 * The Docker daemon, with python:3.11-slim (no Docker Hub here, so Dockerfiles build unchanged),
 * and the PyPI cache that image's pip uses.
 */
async function startImageBuilds(
  stateDir: string,
  options: StackOptions,
  closers: (() => Promise<void>)[]
): Promise<DockerDaemon> {
  closers.push(await usePypiCache({ driverEnvDir: options.driverEnvDir ?? DEFAULT_DRIVER_ENV }))
  const daemon = await startDockerDaemon({ stateDir })
  try {
    await ensureBaseImage({ dockerHost: daemon.host, cacheDir: options.baseImageCacheDir })
  } catch (error) {
    await daemon.close()
    throw error
  }
  return daemon
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const mode = options.docker ?? 'auto'
  const temporary = options.stateDir === undefined
  // Short by design: the Docker daemon's unix sockets live under it (108-byte path limit).
  const stateDir = temporary
    ? await mkdtemp(join(tmpdir(), 'kda-stack-'))
    : resolve(options.stateDir ?? '')
  await mkdir(stateDir, { recursive: true })

  // Everything started so far, stopped in reverse order when a later start fails or on stop().
  const closers: (() => Promise<void>)[] = []
  // Reverse order matters: the Dataproc emulator writes driver output to GCS until it closes.
  const stopAll = async (): Promise<void> => {
    const failures: string[] = []
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => failures.push(String(error)))
    }
    if (temporary) await rm(stateDir, { recursive: true, force: true })
    if (failures.length > 0) throw new Error(`stopping the stack: ${failures.join('; ')}`)
  }

  try {
    const host = options.host ?? '127.0.0.1'
    // First: without it no batch can run, and the error says how to install it.
    const spark = await loadSparkRuntime(options.driverEnvDir)
    const gcs = await startGcsEmulator({
      dataDir: join(stateDir, 'gcs'),
      host,
      port: options.storagePort
    })
    closers.push(() => gcs.close())
    const loggingEmulator = await startLoggingEmulator({ host, port: options.loggingPort })
    closers.push(() => loggingEmulator.close())
    const [minDelay, maxDelay] = options.loggingDelayMs ?? [0, 0]
    const logging = {
      write: (entries: LoggingWriteEntry[]): void => {
        loggingEmulator.write(
          entries.map(entry => ({
            ...entry,
            visibilityDelayMs: minDelay + Math.random() * (maxDelay - minDelay)
          }))
        )
      }
    }
    const drivers = await driversDir(stateDir)
    if (drivers.own) closers.push(() => rm(drivers.dir, { recursive: true, force: true }))
    const dataprocEmulator = await startDataprocEmulator({
      dataDir: drivers.dir,
      storageUrl: gcs.url,
      host,
      grpcPort: options.dataprocGrpcPort,
      restPort: options.dataprocRestPort,
      pendingMs: options.pendingMs,
      teardownMs: options.teardownMs,
      spark,
      ttlScale: options.ttlScale,
      logging,
      outputRolloverBytes: options.outputRolloverBytes
    })
    closers.push(() => dataprocEmulator.close())

    let registry: Registry | null = null
    let daemon: DockerDaemon | null = null
    let dockerUnavailable: string | undefined
    if (mode === 'off') {
      dockerUnavailable = 'Docker and the registry are turned off'
    } else {
      const [registryResult, daemonResult] = await Promise.allSettled([
        startRegistry({ stateDir, port: options.registryPort }),
        startImageBuilds(stateDir, options, closers)
      ])
      if (registryResult.status === 'fulfilled') {
        registry = registryResult.value
        closers.push(registryResult.value.close)
      }
      if (daemonResult.status === 'fulfilled') {
        daemon = daemonResult.value
        closers.push(daemonResult.value.close)
      }
      const reasons = [registryResult, daemonResult].flatMap(r =>
        r.status === 'rejected' ? [(r.reason as Error).message ?? String(r.reason)] : []
      )
      if (reasons.length > 0) {
        if (mode === 'required') throw new Error(`docker: 'required', but ${reasons.join('; ')}`)
        dockerUnavailable = reasons.map(reason => reason.split('\n')[0]).join('; ')
      }
    }

    if (registry && daemon) {
      dataprocEmulator.runImagesWith({ dockerHost: daemon.host, registry: registry.address })
    }

    return {
      storage: gcs.url,
      dataproc: dataprocEmulator.grpcAddress,
      dataprocRest: dataprocEmulator.restUrl,
      logging: loggingEmulator.url,
      registry: registry?.address ?? null,
      dockerHost: daemon?.host ?? null,
      dockerUnavailable,
      stateDir,
      spark: spark.versions,
      gcs,
      dataprocEmulator,
      loggingEmulator,
      stop: stopAll
    }
  } catch (error) {
    await stopAll().catch(() => undefined)
    throw error
  }
}
