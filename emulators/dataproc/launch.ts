import { basename, delimiter, dirname, join } from 'node:path'
import {
  bundledSpark,
  bundledSparkWarning,
  docker,
  SPARK_UID,
  type ContainerHost,
  type PulledImage
} from './container.js'
import {
  emulatorEnv,
  SPARK_CONF_DIR,
  sparkSubmitArgv,
  type SparkHome,
  type SparkRuntime,
  type SubmitInput
} from './spark.js'

/**
 * The process that runs a batch's driver: `spark-submit` on the host in the runtime's default
 * environment, or `docker run` of the batch's image with the runtime's Spark and JDK mounted
 * read-only, as Dataproc runs a custom container. Both start the driver through LAUNCHER, in the
 * Python the driver runs on.
 */
export interface Launch {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  /** Removes what outlives a killed client (the container), after a cancellation. */
  cleanUp?(): Promise<void>
}

/**
 * argv: HEAD TAIL WARNING CHECK SPARK-SUBMIT ARGS…. Prints the first output line (what the driver
 * runs on), then WARNING if any, and CHECK ("{}": where) when the image's own Python can import a
 * pyspark (checked before spark-submit puts the mounted Spark first on the path); points stderr at
 * stdout's pipe (one pipe keeps the two in the order they were written, as in the service's driver
 * output, where two pipes would race in the reader); and execs spark-submit.
 */
const LAUNCHER = `import importlib.util, os, platform, sys
print(f"{sys.argv[1]}, Python {platform.python_version()} ({sys.executable}), {sys.argv[2]}, UID {os.getuid()}", flush=True)
if sys.argv[3]:
    print(sys.argv[3], flush=True)
spec = importlib.util.find_spec("pyspark") if sys.argv[4] else None
if spec:
    print(sys.argv[4].replace("{}", os.path.dirname(spec.origin)), flush=True)
os.dup2(1, 2)
os.execv(sys.argv[5], sys.argv[5:])`

/** Where a batch's container sees the runtime's parts. */
const MOUNTED = {
  spark: '/usr/lib/spark',
  connector: '/usr/lib/spark-connectors/gcs-connector.jar',
  hadoop: '/usr/lib/spark-hadoop',
  conf: '/etc/spark/conf'
}

export interface LaunchInput extends Omit<SubmitInput, 'connectorJar' | 'classPath'> {
  runtime: SparkRuntime
  spark: SparkHome
  workDir: string
}

function head(input: LaunchInput): string {
  return `local stack: Spark ${input.spark.version}`
}

function tail(input: LaunchInput, where: string): string {
  return `Java ${input.runtime.jdk.version}, ${where}, spark-submit --master local[2]`
}

/**
 * In the runtime's default environment (the stack's driver environment): unchanged behaviour.
 * `note` says why a batch that names an image runs here instead.
 */
export function defaultLaunch(input: LaunchInput, note?: string): Launch {
  const { runtime, spark } = input
  const argv = sparkSubmitArgv({
    ...input,
    connectorJar: spark.connectorJar,
    classPath: spark.hadoopJars
  })
  return {
    command: runtime.python,
    args: [
      '-c',
      LAUNCHER,
      head(input),
      tail(input, note ? `default environment (${note})` : 'default environment'),
      '',
      '',
      join(spark.home, 'bin', 'spark-submit'),
      ...argv
    ],
    env: {
      ...process.env,
      // As in an image whose Python has Kedro installed: its scripts (`kedro`) are on PATH.
      PATH: [dirname(runtime.python), process.env.PATH].filter(Boolean).join(delimiter),
      PYSPARK_PYTHON: runtime.python,
      PYSPARK_DRIVER_PYTHON: runtime.python,
      SPARK_HOME: spark.home,
      SPARK_CONF_DIR,
      ...(runtime.jdk.home ? { JAVA_HOME: runtime.jdk.home } : {}),
      ...emulatorEnv(input.properties, input.storageUrl)
    }
  }
}

/**
 * In the batch's image: `docker run` on the stack's daemon, host networking (the emulators listen
 * on loopback; the daemon has no bridge), as UID/GID 1099, with the image's ENV, its
 * PYSPARK_PYTHON (else python3, Spark's default) and SPARK_EXTRA_CLASSPATH. Spark, the connector
 * (and Spark 3.5's Hadoop client) and the JDK are mounted read-only: they never come from the image.
 */
export function containerLaunch(
  input: LaunchInput,
  host: ContainerHost,
  image: PulledImage,
  name: string
): Launch {
  const { runtime, spark, workDir } = input
  const python = image.env.PYSPARK_PYTHON || 'python3'
  const hadoopJars = spark.hadoopJars.map(jar => [jar, `${MOUNTED.hadoop}/${basename(jar)}`])
  const extra = image.env.SPARK_EXTRA_CLASSPATH
  const argv = sparkSubmitArgv({
    ...input,
    connectorJar: MOUNTED.connector,
    classPath: [...hadoopJars.map(([, to]) => to as string), ...(extra ? [extra] : [])]
  })
  const { jdk } = runtime
  const mounts = [
    [spark.home, MOUNTED.spark],
    [spark.connectorJar, MOUNTED.connector],
    ...hadoopJars,
    [SPARK_CONF_DIR, MOUNTED.conf],
    ...(jdk.home ? [[jdk.home, jdk.home]] : []),
    ...(jdk.confDir ? [[jdk.confDir, jdk.confDir]] : [])
  ].flatMap(([from, to]) => ['--volume', `${from}:${to}:ro`])
  const env = {
    ...emulatorEnv(input.properties, input.storageUrl),
    PYSPARK_PYTHON: python,
    SPARK_HOME: MOUNTED.spark,
    SPARK_CONF_DIR: MOUNTED.conf,
    ...(jdk.home ? { JAVA_HOME: jdk.home } : {})
  }
  const dockerArgs = ['-H', host.dockerHost, 'run', '--rm', '--name', name, '--network', 'host']
  dockerArgs.push('--user', `${SPARK_UID}:${SPARK_UID}`, ...mounts)
  dockerArgs.push('--volume', `${workDir}:${workDir}`, '--workdir', workDir)
  for (const [key, value] of Object.entries(env)) dockerArgs.push('--env', `${key}=${value}`)
  dockerArgs.push('--entrypoint', python, image.reference, '-c', LAUNCHER, head(input))
  dockerArgs.push(tail(input, `image ${image.reference}`), bundledSparkWarning(image) ?? '')
  dockerArgs.push(bundledSpark('pyspark importable from the image at {}'))
  dockerArgs.push(`${MOUNTED.spark}/bin/spark-submit`, ...argv)
  return {
    command: 'docker',
    args: dockerArgs,
    env: process.env,
    cleanUp: () =>
      docker(host, ['rm', '--force', name]).then(
        () => undefined,
        () => undefined
      )
  }
}
