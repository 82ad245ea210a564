import { execFile } from 'node:child_process'
import { access, readdir, readFile } from 'node:fs/promises'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/**
 * The Spark a batch runs on here: PySpark 3.5 in local mode from the driver environment that
 * scripts/driver-env.sh installs (with real Kedro and gcsfs), and Google's Cloud Storage connector
 * pointed at the GCS emulator. A batch runs as Dataproc runs it: `spark-submit` on the main file,
 * the batch's properties as the session's configuration.
 */
export interface SparkRuntime {
  /** The environment's Python: the drivers' and the executors'. */
  python: string
  sparkSubmit: string
  connectorJar: string
  /** e.g. "Spark 3.5.9, Python 3.11.7, Java 17.0.13", for the batch's first output line. */
  versions: string
}

export const DEFAULT_DRIVER_ENV = fileURLToPath(new URL('../../.cache/driver-env', import.meta.url))
const SPARK_CONF_DIR = fileURLToPath(new URL('./spark-conf', import.meta.url))
/** Two cores: the machine's, and the smallest serverless executor shape's parallelism. */
const MASTER = 'local[2]'
const DRIVER_ENV_PREFIX = 'spark.dataproc.driverEnv.'

export class MissingDriverEnvError extends Error {
  override name = 'MissingDriverEnvError'
}

export async function loadSparkRuntime(dir = DEFAULT_DRIVER_ENV): Promise<SparkRuntime> {
  const stamp = await readFile(join(dir, 'stamp'), 'utf8').catch(() => '')
  const connector = stamp ? await findConnector(dir) : undefined
  if (!stamp || !connector) {
    throw new MissingDriverEnvError(
      `the local stack runs batches on real PySpark and Kedro, and its driver environment is ` +
        `missing or incomplete at ${dir}: run scripts/driver-env.sh (npm test and npm run demo do)`
    )
  }
  const python = join(dir, 'venv', 'bin', 'python')
  const { stdout } = await promisify(execFile)(python, [
    '-c',
    'import platform, pyspark; print(f"Spark {pyspark.__version__}, Python {platform.python_version()}")'
  ])
  const java = await promisify(execFile)('java', ['-version']).then(
    ({ stderr }) => /version "([^"]+)"/.exec(stderr)?.[1] ?? 'unknown',
    () => 'missing'
  )
  return {
    python,
    sparkSubmit: join(dir, 'venv', 'bin', 'spark-submit'),
    connectorJar: connector,
    versions: `${stdout.trim()}, Java ${java}`
  }
}

async function findConnector(dir: string): Promise<string | undefined> {
  const jar = (await readdir(dir)).find(name => /^gcs-connector-.*-shaded\.jar$/.test(name))
  if (!jar) return undefined
  await access(join(dir, jar))
  return join(dir, jar)
}

export interface SubmitInput {
  batchId: string
  main: string
  args: string[]
  pyFiles: string[]
  jars: string[]
  /** The batch's runtimeConfig.properties. */
  properties: Record<string, string>
  storageUrl: string
}

/** The driver's environment variables from `spark.dataproc.driverEnv.NAME` properties. */
export function driverEnvOf(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([key]) => key.startsWith(DRIVER_ENV_PREFIX))
      .map(([key, value]) => [key.slice(DRIVER_ENV_PREFIX.length), value])
  )
}

/**
 * `spark-submit` for a batch: the connector's settings first, so that a batch's own properties
 * (later on the line) win, as they would over Dataproc's defaults. The driver environment
 * properties are Dataproc's, not Spark's: they become the process environment instead.
 */
export function sparkSubmitArgv(runtime: SparkRuntime, input: SubmitInput): string[] {
  const conf: [string, string][] = [
    ['spark.app.name', input.batchId],
    ['spark.hadoop.fs.gs.impl', 'com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem'],
    ['spark.hadoop.fs.AbstractFileSystem.gs.impl', 'com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS'],
    ['spark.hadoop.fs.gs.storage.root.url', `${input.storageUrl.replace(/\/+$/, '')}/`],
    ['spark.hadoop.fs.gs.auth.type', 'UNAUTHENTICATED'],
    ['spark.hadoop.fs.gs.project.id', 'local-stack'],
    // Executors reach the emulator through gcsfs too (Kedro's pandas datasets on executors).
    ['spark.executorEnv.STORAGE_EMULATOR_HOST', input.storageUrl],
    ['spark.executorEnv.NO_GCE_CHECK', 'true'],
    ['spark.executorEnv.GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT', 'false'],
    ['spark.executorEnv.DO_NOT_TRACK', '1'],
    ['spark.ui.enabled', 'false'],
    ...Object.entries(input.properties).filter(([key]) => !key.startsWith(DRIVER_ENV_PREFIX))
  ]
  const argv = ['--master', MASTER, '--jars', [runtime.connectorJar, ...input.jars].join(',')]
  if (input.pyFiles.length > 0) argv.push('--py-files', input.pyFiles.join(','))
  for (const [key, value] of conf) argv.push('--conf', `${key}=${value}`)
  return [...argv, input.main, ...input.args]
}

/**
 * The driver process's environment: the batch's driver environment over the emulator's, with
 * what this machine lacks said plainly: gcsfs finds the GCS emulator through
 * STORAGE_EMULATOR_HOST, and there is no metadata server to probe for credentials.
 */
export function sparkSubmitEnv(
  runtime: SparkRuntime,
  properties: Record<string, string>,
  storageUrl: string
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // As in an image whose Python has Kedro installed: its scripts (`kedro`) are on PATH.
    PATH: [dirname(runtime.python), process.env.PATH].filter(Boolean).join(delimiter),
    PYTHONUNBUFFERED: '1',
    PYSPARK_PYTHON: runtime.python,
    PYSPARK_DRIVER_PYTHON: runtime.python,
    SPARK_CONF_DIR,
    // Loopback only: Spark would otherwise bind its driver to the machine's first interface.
    SPARK_LOCAL_IP: '127.0.0.1',
    STORAGE_EMULATOR_HOST: storageUrl,
    NO_GCE_CHECK: 'true',
    // gcsfs would first ask the Storage Control API (gRPC over TLS) for the bucket's layout,
    // which the emulator's plain HTTP cannot answer: each call would stall on retries.
    GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT: 'false',
    ...driverEnvOf(properties),
    // Last, so no batch turns it back on: this machine may send nothing beyond loopback, and
    // kedro-telemetry would try on every run.
    DO_NOT_TRACK: '1',
    KEDRO_DISABLE_TELEMETRY: 'true'
  }
}
