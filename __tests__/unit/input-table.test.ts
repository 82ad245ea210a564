import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readActionYml, ROOT } from '../../scripts/docs.js'
import { parse, VALID } from '../../scripts/refusals.js'
import { INPUT_NAMES, INPUTS, type InputName } from '../../src/inputs/table.js'
import { configurationKey } from '../../src/plan/plan.js'

const declared = readActionYml().inputs as Record<string, { default?: unknown; required?: boolean }>

test('the input table and action.yml name the same inputs, in the same order', () => {
  expect(INPUT_NAMES).toEqual(Object.keys(declared))
})

test.each(INPUT_NAMES)('%s has the default action.yml gives it and a role', name => {
  const yml = declared[name]
  expect(INPUTS[name].default).toBe(yml?.default === undefined ? '' : String(yml.default))
  expect(['shapes', 'behaviour', 'report']).toContain(INPUTS[name].role)
})

test('every input is read by the parser or the GitHub front end', () => {
  const sources = ['where', 'build', 'batch', 'behaviour', 'parse', 'pricing', 'cleanup']
    .map(file => join(ROOT, 'src/inputs', `${file}.ts`))
    .map(file => readFileSync(file, 'utf8'))
    .join('\n')
  const read = new Set([...sources.matchAll(/'([a-z-]+)'/g)].map(match => match[1]))
  expect(INPUT_NAMES.filter(name => !read.has(name))).toEqual([])
})

/** A valid value other than the default for each input, to see what it changes. */
const CHANGED: Record<InputName, string> = {
  env: 'prod',
  release: 'v9',
  'run-id': 'other',
  'kedro-run-args': '--pipeline=x',
  'project-id': 'other-project-1',
  region: 'us-central1',
  'run-submit-bucket': 'other-submit',
  'run-output-bucket': 'other-output',
  'service-account': 'sa@p-123456.iam.gserviceaccount.com',
  'workload-authentication': 'end-user',
  'runtime-version': '3.0',
  'artifact-registry': 'us-docker.pkg.dev',
  'artifact-repository': 'other',
  'image-name': 'other',
  'image-tag': 'other',
  image: `europe-west1-docker.pkg.dev/p/r/i@sha256:${'a'.repeat(64)}`,
  dockerfile: 'run.sh',
  'build-context': 'deployment',
  'build-args': 'A=1',
  'build-secrets': 'pip_token=s3cr3t',
  target: 'other',
  'build-network': 'host',
  entrypoint: 'deployment/../run.py',
  prepare: 'false',
  submit: 'false',
  force: 'true',
  'main-python-file': 'gs://b/main.py',
  'spark-properties': 'spark.executor.memory=4g',
  labels: 'team=x',
  subnetwork: 'other',
  'network-tags': 'other',
  'kms-key': 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
  ttl: '1h',
  'staging-bucket': 'other-staging',
  'metastore-service': 'projects/p/locations/l/services/m',
  'history-server-cluster': 'projects/p/regions/r/clusters/c',
  'working-directory': 'deployment',
  wait: 'false',
  timeout: '1h',
  'max-dcu-hours': '2',
  'dcu-price': '0.05',
  'shuffle-price': '0.03',
  cleanup: 'true',
  'delete-outputs': 'true',
  'delete-batches': 'true',
  'keep-runs': '3',
  'cancel-on-abort': 'false',
  'on-missing-credentials': 'skip',
  'allow-fork-code': 'true',
  'allow-secret-files': 'run.sh',
  'github-token': 'token',
  'pr-comment': 'never',
  'upload-artifacts': 'false',
  'dataproc-endpoint': 'http://127.0.0.1:1',
  'storage-endpoint': 'http://127.0.0.1:2',
  'logging-endpoint': 'http://127.0.0.1:3',
  'dry-run': 'true',
  preflight: 'false'
}

// Parsing is not needed to know the key, so the values need not make a valid run together.
const keyOf = (values: Record<string, string>): string =>
  configurationKey(
    {
      values: Object.fromEntries(INPUT_NAMES.map(name => [name, values[name] ?? ''])) as Record<
        InputName,
        string
      >,
      release: values.release || undefined
    },
    'step'
  )

test.each(INPUT_NAMES)('%s changes the configuration key exactly when its role is shapes', name => {
  const changes = keyOf({ ...VALID, [name]: CHANGED[name] }) !== keyOf(VALID)
  expect([name, changes]).toEqual([name, INPUTS[name].role === 'shapes'])
})

test('the valid inputs parse, so the changed values above are compared from a real run', () => {
  expect(parse(VALID).values.env).toBe('dev')
})
