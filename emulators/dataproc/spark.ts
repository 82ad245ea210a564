import { execFile } from 'node:child_process'
import { readdir, readFile, realpath } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/**
 * What batches run on here, as scripts/driver-env.sh installs it: the default environment (a
 * Python with real Kedro, kedro-datasets and gcsfs, standing for Dataproc's stock image), and
 * per runtime a Spark (PySpark's package: bin/, jars/, python/lib) with the Cloud Storage
 * connector matched to its Hadoop client, and this machine's JDK. A batch runs as Dataproc runs
 * it: `spark-submit` on the main file, the batch's properties as the session's configuration.
 */
export interface SparkHome {
  /** e.g. "3.5.9" */
  version: string
  /** SPARK_HOME: PySpark's package directory. */
  home: string
  connectorJar: string
  /** Hadoop client jars that go first on the class path (Spark 3.5: Hadoop 3.3.6, as on Dataproc). */
  hadoopJars: string[]
}

export interface Jdk {
  /** JAVA_HOME, resolved through links (Debian's java is a chain of them). */
  home: string
  version: string
  /** Outside the JDK, where its conf/ links point (Debian: /etc/java-17-openjdk). */
  confDir?: string
}

export interface SparkRuntime {
  /** The default environment's Python: the drivers' and the executors'. */
  python: string
  pythonVersion: string
  jdk: Jdk
  /** Runtimes 1.x and 2.x. */
  spark35: SparkHome
  /** Runtime 3.0. */
  spark40: SparkHome
  /** e.g. "Spark 3.5.9 (2.x) and 4.0.5 (3.0), Python 3.11.7, Java 17.0.13", for READY. */
  versions: string
}

export const DEFAULT_DRIVER_ENV = fileURLToPath(new URL('../../.cache/driver-env', import.meta.url))
export const SPARK_CONF_DIR = fileURLToPath(new URL('./spark-conf', import.meta.url))
/** Two cores: the machine's, and the smallest serverless executor shape's parallelism. */
const MASTER = 'local[2]'
const DRIVER_ENV_PREFIX = 'spark.dataproc.driverEnv.'

export class MissingDriverEnvError extends Error {
  override name = 'MissingDriverEnvError'
}

const run = promisify(execFile)

export async function loadSparkRuntime(dir = DEFAULT_DRIVER_ENV): Promise<SparkRuntime> {
  const stamp = await readFile(join(dir, 'stamp'), 'utf8').catch(() => '')
  const missing = (): MissingDriverEnvError =>
    new MissingDriverEnvError(
      `the local stack runs batches on real PySpark and Kedro, and its driver environment is ` +
        `missing or incomplete at ${dir}: run scripts/driver-env.sh (npm test and npm run demo do)`
    )
  if (!stamp) throw missing()
  const python = join(dir, 'venv', 'bin', 'python')
  const [spark35, spark40] = await Promise.all([
    run(python, ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))']).then(
      ({ stdout }) => sparkHome(stdout.trim(), join(dir, 'spark-3.5')),
      () => undefined
    ),
    sparkHome(join(dir, 'spark-4.0', 'pyspark'), join(dir, 'spark-4.0'))
  ])
  if (!spark35 || !spark40) throw missing()
  const { stdout } = await run(python, ['-c', 'import platform; print(platform.python_version())'])
  const jdk = await findJdk()
  const pythonVersion = stdout.trim()
  return {
    python,
    pythonVersion,
    jdk,
    spark35,
    spark40,
    versions: `Spark ${spark35.version} (2.x) and ${spark40.version} (3.0), Python ${pythonVersion}, Java ${jdk.version}`
  }
}

async function sparkHome(home: string, connectorDir: string): Promise<SparkHome | undefined> {
  const version = await readFile(join(home, 'version.py'), 'utf8').then(
    text => /__version__[^=]*=\s*["']([^"']+)["']/.exec(text)?.[1],
    () => undefined
  )
  const jars = (dir: string): Promise<string[]> =>
    readdir(dir).then(
      names => names.filter(name => name.endsWith('.jar')).map(name => join(dir, name)),
      () => []
    )
  const connector = (await jars(connectorDir)).find(jar => /\/gcs-connector-[^/]*\.jar$/.test(jar))
  if (!version || !connector) return undefined
  return {
    version,
    home,
    connectorJar: connector,
    hadoopJars: await jars(join(connectorDir, 'hadoop'))
  }
}

/** The `java` on PATH: its home, version, and (Debian) the /etc directory its conf/ links into. */
async function findJdk(): Promise<Jdk> {
  const java = await run('sh', ['-c', 'command -v java']).then(
    ({ stdout }) => realpath(stdout.trim()),
    () => undefined
  )
  if (!java) return { home: '', version: 'missing' }
  const home = dirname(dirname(java))
  const version = await run(java, ['-version']).then(
    ({ stderr }) => /version "([^"]+)"/.exec(stderr)?.[1] ?? 'unknown',
    () => 'unknown'
  )
  const security = await realpath(join(home, 'conf', 'security', 'java.security')).catch(() => '')
  const confDir = /^\/etc\/[^/]+/.exec(security)?.[0]
  return { home, version, confDir }
}

/** The Spark of a runtime version: 3.0 and later run Spark 4.0, the others Spark 3.5. */
export function sparkFor(runtime: SparkRuntime, version: string): SparkHome {
  return Number(version.split('.')[0]) >= 3 ? runtime.spark40 : runtime.spark35
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
  /** The connector's path as the driver sees it. */
  connectorJar: string
  /** First on the driver's and executors' class path: Hadoop's client, the image's SPARK_EXTRA_CLASSPATH. */
  classPath: string[]
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
export function sparkSubmitArgv(input: SubmitInput): string[] {
  const classPath: [string, string][] =
    input.classPath.length > 0
      ? [
          ['spark.driver.extraClassPath', input.classPath.join(':')],
          ['spark.executor.extraClassPath', input.classPath.join(':')]
        ]
      : []
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
    ...classPath,
    ...Object.entries(input.properties).filter(([key]) => !key.startsWith(DRIVER_ENV_PREFIX))
  ]
  const argv = ['--master', MASTER, '--jars', [input.connectorJar, ...input.jars].join(',')]
  if (input.pyFiles.length > 0) argv.push('--py-files', input.pyFiles.join(','))
  for (const [key, value] of conf) argv.push('--conf', `${key}=${value}`)
  return [...argv, input.main, ...input.args]
}

/**
 * What the driver's environment adds, in the default environment and in an image alike: the
 * batch's driver environment, with what this machine lacks said plainly: gcsfs finds the GCS
 * emulator through STORAGE_EMULATOR_HOST, and there is no metadata server to probe for credentials.
 */
export function emulatorEnv(
  properties: Record<string, string>,
  storageUrl: string
): Record<string, string> {
  return {
    PYTHONUNBUFFERED: '1',
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
