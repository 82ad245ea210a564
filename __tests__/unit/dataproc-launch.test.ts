import { bundledSparkWarning } from '../../emulators/dataproc/container.js'
import {
  containerLaunch,
  defaultLaunch,
  type LaunchInput
} from '../../emulators/dataproc/launch.js'
import { sparkFor, type SparkRuntime } from '../../emulators/dataproc/spark.js'

/** How the Dataproc emulator starts a driver: in the default environment or in the batch's image. */
const runtime: SparkRuntime = {
  python: '/env/venv/bin/python',
  pythonVersion: '3.11.7',
  jdk: { home: '/usr/lib/jvm/java-17', version: '17.0.15', confDir: '/etc/java-17-openjdk' },
  spark35: {
    version: '3.5.9',
    home: '/env/pyspark35',
    connectorJar: '/env/spark-3.5/gcs-3.0.jar',
    hadoopJars: ['/env/spark-3.5/hadoop/hadoop-client-api-3.3.6.jar']
  },
  spark40: {
    version: '4.0.5',
    home: '/env/spark-4.0/pyspark',
    connectorJar: '/env/gcs-3.1.jar',
    hadoopJars: []
  },
  versions: 'Spark 3.5.9 (2.x) and 4.0.5 (3.0)'
}

const input = (version: string): LaunchInput => ({
  batchId: 'b-1',
  main: '/work/b/main.py',
  args: ['--x'],
  pyFiles: [],
  jars: [],
  properties: { 'spark.dataproc.driverEnv.FOO': 'bar', 'spark.executor.cores': '4' },
  storageUrl: 'http://127.0.0.1:4443',
  runtime,
  spark: sparkFor(runtime, version),
  workDir: '/work/b'
})

const host = { dockerHost: 'unix:///s/docker.sock', registry: '127.0.0.1:5000' }
const image = {
  reference: '127.0.0.1:5000/p/r/i@sha256:abc',
  env: { PYSPARK_PYTHON: '/usr/local/bin/python', SPARK_EXTRA_CLASSPATH: '/opt/spark/jars/*' }
}

const pairs = (args: string[], flag: string): string[] =>
  args.flatMap((arg, index) => (arg === flag ? [args[index + 1] as string] : []))

test('runtime 3.0 runs Spark 4.0 with its own connector; 2.x runs Spark 3.5', () => {
  expect(sparkFor(runtime, '3.0').version).toBe('4.0.5')
  expect(sparkFor(runtime, '2.3').version).toBe('3.5.9')
  expect(sparkFor(runtime, '1.2').version).toBe('3.5.9')
  const launch = defaultLaunch(input('3.0'))
  expect(launch.args).toContain('/env/spark-4.0/pyspark/bin/spark-submit')
  expect(pairs(launch.args, '--jars')).toEqual(['/env/gcs-3.1.jar'])
  expect(launch.args.join(' ')).not.toContain('extraClassPath')
  // 2.x: Spark 3.5 with Hadoop's 3.3.6 client first, as Dataproc 2.2 and 2.3 run it.
  expect(pairs(defaultLaunch(input('2.3')).args, '--conf')).toContain(
    'spark.driver.extraClassPath=/env/spark-3.5/hadoop/hadoop-client-api-3.3.6.jar'
  )
  expect(launch.env).toMatchObject({ SPARK_HOME: '/env/spark-4.0/pyspark', FOO: 'bar' })
})

test('an image runs with host networking, as 1099:1099, with Spark, connector and JDK read-only', () => {
  const launch = containerLaunch(input('2.3'), host, image, 'kda-batch-x')
  const { args } = launch
  expect(launch.command).toBe('docker')
  expect(args.slice(0, 3)).toEqual(['-H', 'unix:///s/docker.sock', 'run'])
  expect(pairs(args, '--network')).toEqual(['host'])
  expect(pairs(args, '--user')).toEqual(['1099:1099'])
  expect(pairs(args, '--volume')).toEqual([
    '/env/pyspark35:/usr/lib/spark:ro',
    '/env/spark-3.5/gcs-3.0.jar:/usr/lib/spark-connectors/gcs-connector.jar:ro',
    '/env/spark-3.5/hadoop/hadoop-client-api-3.3.6.jar:/usr/lib/spark-hadoop/hadoop-client-api-3.3.6.jar:ro',
    expect.stringMatching(/\/emulators\/dataproc\/spark-conf:\/etc\/spark\/conf:ro$/),
    '/usr/lib/jvm/java-17:/usr/lib/jvm/java-17:ro',
    '/etc/java-17-openjdk:/etc/java-17-openjdk:ro',
    '/work/b:/work/b'
  ])
  // The image's Python runs the driver; its ENV is the container's, the batch's on top.
  expect(pairs(args, '--entrypoint')).toEqual(['/usr/local/bin/python'])
  expect(pairs(args, '--env')).toEqual(
    expect.arrayContaining([
      'PYSPARK_PYTHON=/usr/local/bin/python',
      'SPARK_HOME=/usr/lib/spark',
      'JAVA_HOME=/usr/lib/jvm/java-17',
      'FOO=bar'
    ])
  )
  expect(pairs(args, '--conf')).toEqual(
    expect.arrayContaining([
      'spark.driver.extraClassPath=/usr/lib/spark-hadoop/hadoop-client-api-3.3.6.jar:/opt/spark/jars/*',
      'spark.executor.extraClassPath=/usr/lib/spark-hadoop/hadoop-client-api-3.3.6.jar:/opt/spark/jars/*',
      'spark.executor.cores=4'
    ])
  )
  expect(args).toContain('/usr/lib/spark/bin/spark-submit')
  expect(args.slice(-2)).toEqual(['/work/b/main.py', '--x'])
})

test('an image without PYSPARK_PYTHON runs python3, as Spark does by default', () => {
  const launch = containerLaunch(input('3.0'), host, { ...image, env: {} }, 'kda-batch-x')
  expect(pairs(launch.args, '--entrypoint')).toEqual(['python3'])
  expect(launch.args.join(' ')).not.toContain('extraClassPath')
})

test('an image that sets SPARK_HOME is warned about', () => {
  expect(bundledSparkWarning(image)).toBeUndefined()
  expect(bundledSparkWarning({ ...image, env: { SPARK_HOME: '/opt/spark' } })).toMatch(
    /^WARNING: the container image bundles Spark \(SPARK_HOME=\/opt\/spark\)/
  )
})
