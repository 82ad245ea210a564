import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { extractArchive } from './archive.js'
import { pullImage, SPARK_UID, type ContainerHost, type PulledImage } from './container.js'
import { containerLaunch, defaultLaunch, type Launch, type LaunchInput } from './launch.js'
import { sparkFor, type SparkRuntime } from './spark.js'
import type { StorageClient } from './storage-http.js'
import type { PySparkBatch } from './types.js'

/**
 * Runs a PySpark batch's driver for real: pulls the batch's image (when the stack has Docker),
 * stages the main file, Python files, jars, files and archives into a fresh working directory,
 * runs the main file with `spark-submit` in local mode (an argv list, never a shell; see
 * launch.ts) in the image or the runtime's default environment, and streams its interleaved
 * stdout and stderr into the driver output series, after a first line saying what it runs on.
 */

export interface DriverOptions {
  batchId: string
  workDir: string
  storage: StorageClient
  storageUrl: string
  spark: SparkRuntime
  /** The batch's runtimeConfig.version: 3.0 and later run Spark 4.0. */
  runtimeVersion: string
  /** The batch's runtimeConfig.containerImage. */
  image?: string
  /** Where images run; without it a batch runs in the default environment whatever it names. */
  containers?: ContainerHost
  /** The driver output's destination: the GCS series (runtime 1.x/2.x) or Cloud Logging (3.0+). */
  output: OutputSink
  /** The batch's runtimeConfig.properties. */
  properties: Record<string, string>
}

export interface OutputSink {
  write(chunk: Buffer): void
  close(): Promise<void>
}

export interface DriverResult {
  outcome: 'succeeded' | 'failed' | 'cancelled'
  /** Why it failed (the last line of output, e.g. the exception), for "Job failed with message [...]". */
  detail?: string
  /** The whole state message, when the service fails a batch for its own reasons (quota). */
  message?: string
}

export interface DriverRun {
  result: Promise<DriverResult>
  cancel(): void
}

const KILL_GRACE_MS = 2000
/** `ValueError: …`, `kedro.io.core.DatasetError: …`, `py4j.protocol.Py4JJavaError: …` */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)(: |$)/
const TAIL_BYTES = 8192
const execFileAsync = promisify(execFile)

export function startDriver(job: PySparkBatch, options: DriverOptions): DriverRun {
  let cancelled = false
  let child: ChildProcess | undefined
  let launch: Launch | undefined
  const cancel = (): void => {
    cancelled = true
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
    const pid = child.pid
    // The driver leads its own process group (detached), so its children die with it; docker's
    // client passes the signal on to the container, which outlives the client only if killed.
    signalGroup(pid, 'SIGTERM')
    setTimeout(() => {
      signalGroup(pid, 'SIGKILL')
      void launch?.cleanUp?.()
    }, KILL_GRACE_MS).unref()
  }
  const { output } = options
  const run = async (): Promise<DriverResult> => {
    let image: PulledImage | undefined
    if (options.image && options.containers) {
      try {
        image = await pullImage(options.containers, options.image)
      } catch (error) {
        return { outcome: 'failed', message: (error as Error).message }
      }
    }
    let staged: Staged
    try {
      staged = await stage(job, options)
      if (image) await execFileAsync('chown', ['-R', `${SPARK_UID}:${SPARK_UID}`, options.workDir])
    } catch (error) {
      output.write(Buffer.from(`${(error as Error).message}\n`))
      return { outcome: 'failed', detail: (error as Error).message }
    }
    if (cancelled) return { outcome: 'cancelled' }
    launch = launchOf(job, options, staged, image)
    const process_ = spawn(launch.command, launch.args, {
      cwd: options.workDir,
      env: launch.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    child = process_
    let tail = ''
    // The driver's stdout and stderr share one pipe (launch.ts); stderr is docker's own, if any.
    for (const stream of [process_.stdout, process_.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output.write(chunk)
        tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES)
      })
    }
    const exit = await new Promise<Exit>(resolve => {
      process_.on('error', error => resolve({ code: null, signal: null, error }))
      process_.on('close', (code, signal) => resolve({ code, signal }))
    })
    if (cancelled) return { outcome: 'cancelled' }
    return resultOf(exit, tail)
  }
  const result = run().then(async outcome => {
    if (outcome.outcome === 'cancelled') await launch?.cleanUp?.()
    // The end marker goes out before the batch turns terminal, so a reader that sees the terminal
    // state and reads on finds the whole output.
    await output.close().catch(() => undefined)
    // As the service discards the driver's container, without holding up the terminal state.
    void rm(options.workDir, { recursive: true, force: true }).catch(() => undefined)
    return outcome
  })
  return { result, cancel }
}

interface Exit {
  code: number | null
  signal: string | null
  error?: Error
}

function resultOf(exit: Exit, tail: string): DriverResult {
  if (exit.code === 0) return { outcome: 'succeeded' }
  if (exit.error) {
    return { outcome: 'failed', detail: `Cannot start spark-submit: ${exit.error.message}` }
  }
  // As the service reports it: the driver's last exception, else how the driver ended.
  const exception = tail
    .split('\n')
    .map(line => line.trim())
    .filter(line => EXCEPTION_LINE.test(line))
    .pop()
  const status = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`
  return { outcome: 'failed', detail: exception ?? `Driver ${status}` }
}

function launchOf(
  job: PySparkBatch,
  options: DriverOptions,
  staged: Staged,
  image: PulledImage | undefined
): Launch {
  const input: LaunchInput = {
    batchId: options.batchId,
    main: staged.main,
    args: job.args ?? [],
    pyFiles: staged.pyFiles,
    jars: staged.jars,
    properties: options.properties,
    storageUrl: options.storageUrl,
    runtime: options.spark,
    spark: sparkFor(options.spark, options.runtimeVersion),
    workDir: options.workDir
  }
  if (!image) {
    const note = options.image ? `the stack has no Docker: ${options.image} is not run` : undefined
    return defaultLaunch(input, note)
  }
  return containerLaunch(
    input,
    options.containers as ContainerHost,
    image,
    `kda-batch-${basename(options.workDir)}`
  )
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

interface Staged {
  main: string
  pyFiles: string[]
  jars: string[]
}

/** Splits `uri#alias`; the alias defaults to the file name. */
function splitAlias(uri: string): { uri: string; name: string } {
  const hash = uri.indexOf('#')
  const bare = hash < 0 ? uri : uri.slice(0, hash)
  const alias = hash < 0 ? '' : uri.slice(hash + 1)
  return { uri: bare, name: alias || basename(bare) }
}

async function fetchTo(uri: string, target: string, storage: StorageClient): Promise<void> {
  if (uri.startsWith('gs://')) {
    await storage.downloadTo(uri, target)
  } else if (uri.startsWith('file://')) {
    await copyFile(fileURLToPath(uri), target).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'ENOENT' ? `File not found: ${uri}` : error.message)
    })
  } else {
    throw new Error(`Unsupported URI scheme: ${uri} (expected gs:// or file://)`)
  }
}

async function stage(job: PySparkBatch, options: DriverOptions): Promise<Staged> {
  const { workDir, storage } = options
  await mkdir(workDir, { recursive: true })
  const main = join(workDir, basename(job.mainPythonFileUri ?? 'main.py'))
  await fetchTo(job.mainPythonFileUri ?? '', main, storage)
  const pyFiles: string[] = []
  for (const uri of job.pythonFileUris ?? []) {
    const target = join(workDir, basename(uri))
    await fetchTo(uri, target, storage)
    pyFiles.push(target)
  }
  const jars: string[] = []
  for (const uri of job.jarFileUris ?? []) {
    const target = join(workDir, basename(uri))
    await fetchTo(uri, target, storage)
    jars.push(target)
  }
  for (const entry of (job.fileUris ?? []).map(splitAlias)) {
    await fetchTo(entry.uri, join(workDir, entry.name), storage)
  }
  const downloads = join(workDir, '.archives')
  await mkdir(downloads, { recursive: true })
  for (const entry of (job.archiveUris ?? []).map(splitAlias)) {
    const file = join(downloads, basename(entry.uri))
    await fetchTo(entry.uri, file, storage)
    await extractArchive(file, join(workDir, entry.name), options.spark.python)
  }
  return { main, pyFiles, jars }
}
