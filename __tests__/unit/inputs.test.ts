import { join } from 'node:path'
import { InputError } from '../../src/inputs/reader.js'
import { parseDuration, parseEndpoint } from '../../src/inputs/syntax.js'
import { INVALID, VALID, parse, problemsOf, refusalWorkspace } from '../../scripts/refusals.js'

describe('invalid inputs are refused with the input named and the fix given', () => {
  const rows = INVALID.filter(([, , name]) => name !== '')
  test('the catalogue is large', () => expect(rows.length).toBeGreaterThanOrEqual(60))

  // A rest parameter: jest hands a callback with more parameters than the row a `done` callback.
  test.each(rows)('%s', (...[, change, name, fix, env]) => {
    const problems = problemsOf({ ...VALID, ...change }, env)
    const mine = problems.filter(problem => problem.startsWith(`${name}: `))
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatch(fix)
  })
})

test('every problem is reported at once, in one message', () => {
  const error = (() => {
    try {
      parse({ ...VALID, env: 'qa', region: 'us-central1-a', 'dry-run': 'maybe' })
    } catch (e) {
      return e as InputError
    }
  })()
  expect(error).toBeInstanceOf(InputError)
  expect(error?.problems.map(p => p.split(':')[0])).toEqual(['env', 'region', 'dry-run'])
  expect(error?.message).toMatch(/^3 invalid inputs:\n {2}- env:/)
})

test('a valid dev configuration is read with its defaults', () => {
  const workspace = refusalWorkspace()
  const config = parse({
    ...VALID,
    'kedro-run-args': '--pipeline=dp --params="a=1,b=x y"',
    'spark-properties': '# sizing\nspark.executor.instances=10\n\nspark.executor.memory=4g',
    labels: 'team=data',
    'network-tags': 'a, b\nc',
    ttl: '1h30m'
  })
  expect(config).toMatchObject({
    env: 'dev',
    runtimeVersion: '2.3',
    artifactRegistry: 'europe-west1-docker.pkg.dev',
    imageName: 'dataproc-serverless',
    kedroRunArgs: ['--pipeline=dp', '--params=a=1,b=x y'],
    sparkProperties: { 'spark.executor.instances': '10', 'spark.executor.memory': '4g' },
    labels: { team: 'data' },
    networkTags: ['a', 'b', 'c'],
    ttlSeconds: 5400,
    workingDirectory: workspace,
    dryRun: false,
    wait: true,
    cancelOnAbort: true,
    build: {
      target: 'dev',
      dockerfile: join(workspace, 'deployment/dataproc/serverless/Dockerfile'),
      context: workspace,
      buildArgs: {},
      secrets: {}
    },
    entrypoint: undefined
  })
})

test("a property line glued like the guide's missing comma is refused as the service would refuse it", () => {
  // `spark.executor.instances=10--version` is a key=value line, but not a count of executors.
  expect(
    problemsOf({ ...VALID, 'spark-properties': 'spark.executor.instances=10--version' })
  ).toEqual([
    'spark-properties: spark.executor.instances=10--version is not a whole number of executors'
  ])
  expect(
    parse({ ...VALID, 'spark-properties': 'spark.executor.instances=10\nspark.executor.memory=9g' })
      .sparkProperties
  ).toEqual({ 'spark.executor.instances': '10', 'spark.executor.memory': '9g' })
})

test('prod takes its release from a tag push when none is given', () => {
  const config = parse(
    { ...VALID, env: 'prod' },
    { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v0.2.0' }
  )
  expect(config.release).toBe('v0.2.0')
})

test('prod accepts an optional run id, as the guide’s own triggers pass one', () => {
  expect(parse({ ...VALID, env: 'prod', release: 'v0.2.0', 'run-id': 'nightly-1' }).runId).toBe(
    'nightly-1'
  )
})

test.each([
  [
    'http://127.0.0.1:8080',
    { host: '127.0.0.1', port: 8080, plaintext: true, url: 'http://127.0.0.1:8080' }
  ],
  [
    'https://dataproc.googleapis.com',
    { host: 'dataproc.googleapis.com', port: 443, plaintext: false }
  ],
  [
    'europe-west1-dataproc.googleapis.com:443',
    { host: 'europe-west1-dataproc.googleapis.com', port: 443, plaintext: false }
  ],
  ['http://localhost:9000/storage/', { url: 'http://localhost:9000/storage' }]
])('endpoint %s', (value, expected) => {
  expect(parseEndpoint(value, false)).toMatchObject(expected)
})

test('emulator variables mean plaintext host:port', () => {
  const config = parse(VALID, {
    DATAPROC_EMULATOR_HOST: '127.0.0.1:7000',
    STORAGE_EMULATOR_HOST: 'http://127.0.0.1:7001'
  })
  expect(config.endpoints.dataproc).toMatchObject({
    host: '127.0.0.1',
    port: 7000,
    plaintext: true
  })
  expect(config.endpoints.storage).toMatchObject({ url: 'http://127.0.0.1:7001', plaintext: true })
})

test.each([
  ['45m', 2700],
  ['4h', 14400],
  ['14400s', 14400],
  ['1d2h', 93600],
  ['10', undefined],
  ['1.5h', undefined],
  ['', undefined]
])('duration %s', (value, seconds) => expect(parseDuration(value)).toBe(seconds))

test.each([
  ['', undefined],
  ['host', 'host'],
  ['none', 'none']
])("build-network '%s' reaches the plan's build as %s", (value, network) => {
  expect(parse({ ...VALID, 'build-network': value }).build.network).toBe(network)
})
