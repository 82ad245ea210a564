import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError, parseDuration, parseEndpoint, parseInputs } from '../src/inputs.js'

const workspace = mkdtempSync(join(tmpdir(), 'inputs-'))
mkdirSync(join(workspace, 'deployment/dataproc/serverless'), { recursive: true })
writeFileSync(join(workspace, 'deployment/dataproc/serverless/Dockerfile'), 'FROM scratch\n')
writeFileSync(join(workspace, 'run.sh'), '')

const VALID: Record<string, string> = {
  env: 'dev',
  'project-id': 'my-project-123',
  region: 'europe-west1',
  'run-submit-bucket': 'submit-bucket',
  'run-output-bucket': 'output-bucket',
  'artifact-repository': 'kedro'
}

function parse(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return parseInputs(name => inputs[name] ?? '', { GITHUB_WORKSPACE: workspace, ...env })
}

function problemsOf(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parse(inputs, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

// Each row: what is changed, the input the message must name, and words of the fix it must give.
const INVALID: [string, Record<string, string>, string, RegExp, NodeJS.ProcessEnv?][] = [
  ['unknown env', { env: 'staging' }, 'env', /use dev or prod/],
  ['release on a dev run', { release: 'v1.0.0' }, 'release', /remove it, or set env: prod/],
  ['prod without release', { env: 'prod' }, 'release', /set release: v1\.2\.3/],
  ['release with a slash', { env: 'prod', release: 'release/v1' }, 'release', /e\.g\. v1\.2\.3/],
  ['release with a space', { env: 'prod', release: 'v1 .2' }, 'release', /letters, digits/],
  ['run id with a slash', { 'run-id': 'a/b' }, 'run-id', /up to 100 letters/],
  ['run id starting with a dash', { 'run-id': '-x' }, 'run-id', /starting with a letter or digit/],
  ['run id too long', { 'run-id': 'x'.repeat(101) }, 'run-id', /up to 100/],
  [
    'params in key:value form',
    { 'kedro-run-args': "--params='param1:10,param2=a'" },
    'kedro-run-args',
    /--params=param1=10,param2=a/
  ],
  [
    'params with no value',
    { 'kedro-run-args': '--params' },
    'kedro-run-args',
    /--params=key=value/
  ],
  ['params item without key', { 'kedro-run-args': '--params==1' }, 'kedro-run-args', /key1=value1/],
  ['unclosed quote', { 'kedro-run-args': "--pipeline='x" }, 'kedro-run-args', /close it/],
  ['lone backslash', { 'kedro-run-args': 'x \\' }, 'kedro-run-args', /remove it/],
  ['missing project', { 'project-id': '' }, 'project-id', /set project-id/],
  [
    'project name instead of id',
    { 'project-id': 'My Project' },
    'project-id',
    /not the name or number/
  ],
  ['project number', { 'project-id': '123456789012' }, 'project-id', /use the id/],
  ['missing region', { region: '' }, 'region', /e\.g\. europe-west1/],
  ['zone as region', { region: 'us-central1-a' }, 'region', /'us-central1'/],
  ['global region', { region: 'global' }, 'region', /use a region/],
  ['region typo', { region: 'europe_west1' }, 'region', /use e\.g\. europe-west1/],
  ['missing submit bucket', { 'run-submit-bucket': '' }, 'run-submit-bucket', /name the bucket/],
  [
    'gs:// submit bucket',
    { 'run-submit-bucket': 'gs://b1' },
    'run-submit-bucket',
    /without gs:\/\/ \(e\.g\. 'b1'\)/
  ],
  [
    'submit bucket with a path',
    { 'run-submit-bucket': 'b1/sub' },
    'run-submit-bucket',
    /only the bucket name/
  ],
  ['uppercase bucket', { 'run-submit-bucket': 'MyBucket' }, 'run-submit-bucket', /lowercase/],
  ['missing output bucket', { 'run-output-bucket': '' }, 'run-output-bucket', /run outputs/],
  ['gs:// output bucket', { 'run-output-bucket': 'gs://out/x' }, 'run-output-bucket', /'out'/],
  ['gs:// staging bucket', { 'staging-bucket': 'gs://stage' }, 'staging-bucket', /without gs:\/\//],
  ['short staging bucket', { 'staging-bucket': 'ab' }, 'staging-bucket', /3–222/],
  [
    'service account not an email',
    { 'service-account': 'runner' },
    'service-account',
    /NAME@PROJECT\.iam\.gserviceaccount\.com/
  ],
  [
    'user email as service account',
    { 'service-account': 'me@example.com' },
    'service-account',
    /gserviceaccount/
  ],
  ['runtime version word', { 'runtime-version': 'latest' }, 'runtime-version', /'2\.2'/],
  [
    'registry with scheme',
    { 'artifact-registry': 'https://europe-docker.pkg.dev' },
    'artifact-registry',
    /no https:\/\//
  ],
  [
    'no repository and no image',
    { 'artifact-repository': '' },
    'artifact-repository',
    /give a prebuilt image/
  ],
  ['repository uppercase', { 'artifact-repository': 'Kedro' }, 'artifact-repository', /lowercase/],
  ['image name uppercase', { 'image-name': 'Dataproc' }, 'image-name', /lowercase/],
  ['image tag with slash', { 'image-tag': 'a/b' }, 'image-tag', /128 letters/],
  ['image tag starting with dot', { 'image-tag': '.x' }, 'image-tag', /not starting with/],
  ['image not a reference', { image: 'not an image' }, 'image', /HOST\/PATH\/NAME:TAG/],
  [
    'image with image tag',
    { image: 'europe-docker.pkg.dev/p/r/i:1', 'image-tag': '2' },
    'image-tag',
    /remove image-tag/
  ],
  [
    'spark property without =',
    { 'spark-properties': 'spark.executor.instances 10' },
    'spark-properties',
    /one property a line/
  ],
  [
    'spark properties glued like the guide',
    { 'spark-properties': 'spark.executor.instances=10--version' },
    '',
    /^$/
  ],
  [
    'spark property set twice',
    { 'spark-properties': 'spark.a=1\nspark.a=2' },
    'spark-properties',
    /keep one line/
  ],
  [
    'spark property reserved',
    { 'spark-properties': 'spark.dataproc.driverEnv.KEDRO_DATAPROC_RUN_ID=x' },
    'spark-properties',
    /set by the action/
  ],
  [
    'spark property bad name',
    { 'spark-properties': '--conf=1' },
    'spark-properties',
    /spark\.executor\.memory/
  ],
  ['label without =', { labels: 'team' }, 'labels', /team=data/],
  ['label key uppercase', { labels: 'Team=data' }, 'labels', /lowercase letter/],
  ['label value with dot', { labels: 'team=data.eng' }, 'labels', /a-z 0-9 _ -/],
  ['label reserved', { labels: 'env=x' }, 'labels', /choose another key/],
  ['label twice', { labels: 'a=1\na=2' }, 'labels', /keep one line/],
  [
    'too many labels',
    { labels: Array.from({ length: 26 }, (_, i) => `l${i}=v`).join('\n') },
    'labels',
    /at most 25/
  ],
  [
    'subnetwork with spaces',
    { subnetwork: 'my subnet' },
    'subnetwork',
    /projects\/P\/regions\/R\/subnetworks\/NAME/
  ],
  ['network tag uppercase', { 'network-tags': 'ok,Bad' }, 'network-tags', /lowercase/],
  ['kms key short form', { 'kms-key': 'my-key' }, 'kms-key', /keyRings/],
  ['ttl bare number', { ttl: '3600' }, 'ttl', /45m, 4h or 1d/],
  ['ttl too short', { ttl: '5m' }, 'ttl', /between 10m and 14d/],
  ['ttl too long', { ttl: '15d' }, 'ttl', /between 10m and 14d/],
  ['metastore short form', { 'metastore-service': 'hive' }, 'metastore-service', /services\/NAME/],
  [
    'history server short form',
    { 'history-server-cluster': 'phs' },
    'history-server-cluster',
    /clusters\/NAME/
  ],
  [
    'working directory missing',
    { 'working-directory': 'no/such/dir' },
    'working-directory',
    /actions\/checkout/
  ],
  [
    'dataproc endpoint with query',
    { 'dataproc-endpoint': 'http://127.0.0.1:1?x=1' },
    'dataproc-endpoint',
    /http:\/\/HOST:PORT/
  ],
  [
    'storage endpoint ftp',
    { 'storage-endpoint': 'ftp://127.0.0.1:1' },
    'storage-endpoint',
    /https:\/\/HOST/
  ],
  ['dry-run not a boolean', { 'dry-run': 'yes' }, 'dry-run', /use true or false/],
  ['dockerfile missing', { dockerfile: 'Dockerfile.nope' }, 'dockerfile', /fix the path/],
  ['build context missing', { 'build-context': 'nope' }, 'build-context', /fix the path/],
  ['build arg without =', { 'build-args': 'BASE_IMAGE' }, 'build-args', /NAME=value/],
  ['build arg bad name', { 'build-args': 'BASE-IMAGE=x' }, 'build-args', /letters, digits and _/],
  ['target with a space', { target: 'my stage' }, 'target', /name after AS/],
  [
    'image with build inputs',
    { image: 'europe-docker.pkg.dev/p/r/i:1', target: 'dev' },
    'image',
    /remove dockerfile/
  ],
  ['entrypoint missing', { entrypoint: 'nope.py' }, 'entrypoint', /fix the path/],
  ['entrypoint not python', { entrypoint: 'run.sh' }, 'entrypoint', /\.py file/],
  ['timeout bare number', { timeout: '45' }, 'timeout', /e\.g\. 45m/],
  ['timeout zero', { timeout: '0m' }, 'timeout', /e\.g\. 45m/],
  [
    'credentials choice unknown',
    { 'on-missing-credentials': 'ignore' },
    'on-missing-credentials',
    /use fail or skip/
  ],
  ['prepare false on a dev run', { prepare: 'false' }, 'prepare', /set env: prod/],
  ['submit false on a dev run', { submit: 'false' }, 'submit', /set env: prod/],
  ['force on a dev run', { force: 'true' }, 'force', /set env: prod/],
  [
    'prod with nothing to do',
    { env: 'prod', release: 'v1', prepare: 'false', submit: 'false' },
    'submit',
    /set prepare or submit/
  ],
  [
    'main file with two slashes',
    { 'main-python-file': 'file://home/kedro/code/entrypoint.py' },
    'main-python-file',
    /three slashes/
  ],
  [
    'main file not python',
    { 'main-python-file': 'gs://b/main.sh' },
    'main-python-file',
    /gs:\/\/BUCKET\/path\.py/
  ],
  ['wait not a boolean', { wait: 'no' }, 'wait', /use true or false/],
  [
    'cancel-on-abort not a boolean',
    { 'cancel-on-abort': '1' },
    'cancel-on-abort',
    /use true or false/
  ],
  [
    'emulator variable broken',
    {},
    'storage-endpoint',
    /not an endpoint/,
    { STORAGE_EMULATOR_HOST: 'http://[bad' }
  ]
]

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
    runtimeVersion: '2.2',
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
    target: 'dev',
    dockerfile: join(workspace, 'deployment/dataproc/serverless/Dockerfile'),
    buildContext: workspace,
    entrypoint: undefined
  })
})

test("a property line glued like the guide's missing comma is kept as the user wrote it", () => {
  // `spark.executor.instances=10--version` is a valid key=value line: the value is the user's business.
  expect(
    parse({ ...VALID, 'spark-properties': 'spark.executor.instances=10--version' }).sparkProperties
  ).toEqual({
    'spark.executor.instances': '10--version'
  })
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
  expect(config.dataprocEndpoint).toMatchObject({ host: '127.0.0.1', port: 7000, plaintext: true })
  expect(config.storageEndpoint).toMatchObject({ url: 'http://127.0.0.1:7001', plaintext: true })
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
