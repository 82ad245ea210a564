import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunFacts } from '../../src/plan/facts.js'
import { buildPlan, configurationKey, pinImage, PlanError } from '../../src/plan/plan.js'
import {
  BATCH_ID_PATTERN,
  LABEL_KEY_PATTERN,
  LABEL_VALUE_PATTERN,
  REQUEST_ID_PATTERN
} from '../../src/dataproc/names.js'
import { parse, refusalWorkspace, VALID } from '../../scripts/refusals.js'

const BASE = {
  ...VALID,
  'run-submit-bucket': 'submit',
  'run-output-bucket': 'output',
  'kedro-run-args': '--pipeline=dp'
}
const configOf = (inputs: Record<string, string> = {}) => parse({ ...BASE, ...inputs })

const CONTEXT: RunFacts = {
  // Its slug differs from it, so it carries a hash of the branch: feature-x-b3ed95.
  branch: 'feature/x',
  commit: 'abc123',
  repository: 'acme/pipelines',
  runId: '555',
  runNumber: '12',
  runAttempt: '1',
  job: 'deploy',
  step: '__acme_kedro-dataproc-action',
  localNonce: 'n0nce',
  shippedEntrypoint: '/action/entrypoint/entrypoint.py'
}

test.each<[string, Record<string, string>, Partial<RunFacts>, Record<string, unknown>]>([
  [
    'dev defaults',
    {},
    {},
    {
      runId: 'feature-x-b3ed95-r12-a1-{key}',
      'image.reference':
        'europe-west1-docker.pkg.dev/my-project-123/kedro/dataproc-serverless:feature-x-b3ed95',
      'storage.codeUri': 'gs://submit/feature-x-b3ed95/feature-x-b3ed95-r12-a1-{key}/code.zip',
      'storage.entrypointUri':
        'gs://submit/feature-x-b3ed95/feature-x-b3ed95-r12-a1-{key}/entrypoint.py',
      'storage.runOutputUri': 'gs://output/feature-x-b3ed95/feature-x-b3ed95-r12-a1-{key}'
    }
  ],
  [
    'dev with a run id',
    { 'run-id': 'exp-7' },
    {},
    { 'storage.codeUri': 'gs://submit/feature-x-b3ed95/exp-7/code.zip' }
  ],
  ['dev with an image tag', { 'image-tag': 'mine' }, {}, { 'image.tag': 'mine' }],
  [
    'dev with a prebuilt image',
    {
      image: 'europe-west1-docker.pkg.dev/p/r/i@sha256:' + 'a'.repeat(64),
      'artifact-repository': ''
    },
    {},
    { 'image.prebuilt': true, 'image.repository': undefined }
  ],
  [
    'prod',
    { env: 'prod', release: 'v0.2.0' },
    {},
    {
      runId: 'v0.2.0-r12-a1-{key}',
      'image.tag': 'v0.2.0',
      'storage.codeUri': 'gs://submit/release/v0.2.0/code.zip',
      'storage.runOutputUri': 'gs://output/release/v0.2.0/v0.2.0-r12-a1-{key}'
    }
  ],
  [
    'prod with a run id',
    { env: 'prod', release: 'v1', 'run-id': 'nightly' },
    {},
    { 'storage.runOutputUri': 'gs://output/release/v1/nightly' }
  ],
  [
    'outside Actions',
    {},
    { runId: '', runNumber: '', runAttempt: '' },
    { runId: 'feature-x-b3ed95-local-n0nce' }
  ],
  ['a second attempt', {}, { runAttempt: '2' }, { runId: 'feature-x-b3ed95-r12-a2-{key}' }]
])('%s', (_name, config, context, expected) => {
  const plan = buildPlan(configOf(config), { ...CONTEXT, ...context })
  const key = configurationKey(configOf(config), CONTEXT.step)
  for (const [path, template] of Object.entries(expected)) {
    const value = typeof template === 'string' ? template.replace('{key}', key) : template
    const actual = path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], plan)
    expect([path, actual]).toEqual([path, value])
  }
  expect(plan.batch.id).toMatch(BATCH_ID_PATTERN)
  expect(plan.batch.request.requestId).toMatch(REQUEST_ID_PATTERN)
  for (const [key, value] of Object.entries(plan.batch.request.batch.labels)) {
    expect(key).toMatch(LABEL_KEY_PATTERN)
    expect(value).toMatch(LABEL_VALUE_PATTERN)
  }
})

test('the CreateBatch request carries everything the inputs ask for', () => {
  const config = configOf({
    'service-account': 'runner@my-project-123.iam.gserviceaccount.com',
    subnetwork: 'projects/p/regions/europe-west1/subnetworks/s',
    'network-tags': 'spark',
    'kms-key': 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
    ttl: '2h',
    'staging-bucket': 'staging',
    'metastore-service': 'projects/p/locations/l/services/hive',
    'history-server-cluster': 'projects/p/regions/r/clusters/phs',
    'spark-properties': 'spark.executor.instances=10',
    labels: 'team=data'
  })
  const plan = buildPlan(config, CONTEXT)
  const key = configurationKey(config, CONTEXT.step)
  const { batch, parent, batchId, requestId } = plan.batch.request
  expect(parent).toBe('projects/my-project-123/locations/europe-west1')
  expect(batchId).toBe(plan.batch.id)
  expect(requestId).toHaveLength(32)
  expect(batch.pysparkBatch).toEqual({
    mainPythonFileUri: plan.storage.entrypointUri,
    args: ['--', '--pipeline=dp'],
    archiveUris: [`${plan.storage.codeUri}#code`]
  })
  expect(batch.environmentConfig).toEqual({
    executionConfig: {
      serviceAccount: 'runner@my-project-123.iam.gserviceaccount.com',
      subnetworkUri: 'projects/p/regions/europe-west1/subnetworks/s',
      networkTags: ['spark'],
      kmsKey: 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
      ttl: { seconds: 7200 },
      stagingBucket: 'staging',
      authenticationConfig: { userWorkloadAuthenticationType: 'SERVICE_ACCOUNT' }
    },
    peripheralsConfig: {
      metastoreService: 'projects/p/locations/l/services/hive',
      sparkHistoryServerConfig: { dataprocCluster: 'projects/p/regions/r/clusters/phs' }
    }
  })
  expect(batch.runtimeConfig.properties).toEqual({
    'spark.executor.instances': '10',
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_ENV': 'dev',
    'spark.executorEnv.KEDRO_DATAPROC_ENV': 'dev',
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_RUN_ID': `feature-x-b3ed95-r12-a1-${key}`,
    'spark.executorEnv.KEDRO_DATAPROC_RUN_ID': `feature-x-b3ed95-r12-a1-${key}`,
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_RUN_OUTPUT_URI': `gs://output/feature-x-b3ed95/feature-x-b3ed95-r12-a1-${key}`,
    'spark.executorEnv.KEDRO_DATAPROC_RUN_OUTPUT_URI': `gs://output/feature-x-b3ed95/feature-x-b3ed95-r12-a1-${key}`,
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_BRANCH': 'feature/x',
    'spark.executorEnv.KEDRO_DATAPROC_BRANCH': 'feature/x',
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_COMMIT': 'abc123',
    'spark.executorEnv.KEDRO_DATAPROC_COMMIT': 'abc123'
  })
  expect(batch.labels).toEqual({
    team: 'data',
    'managed-by': 'kedro-dataproc-action',
    env: 'dev',
    'run-id': `feature-x-b3ed95-r12-a1-${key}`,
    'request-id': requestId,
    branch: 'feature-x-b3ed95',
    commit: 'abc123'
  })
})

test('an unset execution config stays empty rather than sending blanks', () => {
  expect(buildPlan(configOf(), CONTEXT).batch.request.batch.environmentConfig).toEqual({
    executionConfig: {}
  })
})

test('batch ids are the same for a retry of an attempt and differ across attempts, runs and repositories', () => {
  const id = (context: Partial<RunFacts>) =>
    buildPlan(configOf(), { ...CONTEXT, ...context }).batch.id
  const ids = [
    id({}),
    id({ runAttempt: '2' }),
    id({ runId: '556' }),
    id({ repository: 'acme/other' }),
    id({ job: 'other' })
  ]
  expect(new Set(ids).size).toBe(ids.length)
  expect(id({})).toBe(ids[0])
  // Outside Actions each run gets its own nonce.
  expect(id({ runId: '', localNonce: 'a' })).not.toBe(id({ runId: '', localNonce: 'b' }))
})

test('a dev run needs a branch to name its folders', () => {
  expect(() => buildPlan(configOf(), { ...CONTEXT, branch: '' })).toThrow(PlanError)
})

test('a prod run from a tag has no branch and still plans', () => {
  const plan = buildPlan(configOf({ env: 'prod', release: 'v1.0.0' }), { ...CONTEXT, branch: '' })
  expect(plan.batch.request.batch.labels.branch).toBeUndefined()
  expect(plan.batch.request.batch.labels.release).toBe('v1-0-0')
})

test('matrix legs and separate steps plan separate runs; behaviour-only inputs do not', () => {
  const other = join(refusalWorkspace(), 'other-project', 'deployment/dataproc/serverless')
  mkdirSync(other, { recursive: true })
  writeFileSync(join(other, 'Dockerfile'), 'FROM scratch\n')
  const plan = (inputs: Record<string, string>, context: Partial<RunFacts> = {}) =>
    buildPlan(configOf(inputs), { ...CONTEXT, ...context })
  const base = plan({})
  const legs = [
    plan({ 'kedro-run-args': '--pipeline=other' }),
    plan({ 'working-directory': 'other-project' }),
    plan({ 'spark-properties': 'spark.executor.instances=4' }),
    plan({}, { step: '__acme_kedro-dataproc-action_2' })
  ]
  for (const leg of legs) {
    expect(leg.runId).not.toBe(base.runId)
    expect(leg.storage.codeUri).not.toBe(base.storage.codeUri)
    expect(leg.batch.id).not.toBe(base.batch.id)
  }
  const sameRun = plan({
    'dry-run': 'true',
    wait: 'false',
    timeout: '60s',
    'pr-comment': 'never',
    'github-token': 'x'
  })
  expect(sameRun.batch.id).toBe(base.batch.id)
  expect(sameRun.runId).toBe(base.runId)
})

test('the plan is complete: build, code, behaviour and credentials are decided in it', () => {
  const plan = buildPlan(configOf({ 'build-args': 'A=1', timeout: '1h' }), CONTEXT)
  expect(plan.build).toEqual({
    dockerfile: join(refusalWorkspace(), 'deployment/dataproc/serverless/Dockerfile'),
    context: refusalWorkspace(),
    target: 'dev',
    buildArgs: { A: '1' },
    secrets: {},
    platform: 'linux/amd64'
  })
  expect(plan.code).toEqual({
    directory: refusalWorkspace(),
    entrypoint: CONTEXT.shippedEntrypoint,
    allowSecretFiles: []
  })
  expect(plan.behaviour).toMatchObject({ wait: true, timeoutSeconds: 3600, cancelOnAbort: true })
  expect(plan.credentials).toEqual({ needed: true, onMissing: 'fail' })
  const local = buildPlan(
    parse(
      { ...BASE, 'artifact-registry': '127.0.0.1:5000' },
      { DATAPROC_EMULATOR_HOST: '127.0.0.1:1', STORAGE_EMULATOR_HOST: '127.0.0.1:2' }
    ),
    CONTEXT
  )
  expect(local.credentials.needed).toBe(false)
  const prebuilt = buildPlan(
    configOf({
      image: `europe-west1-docker.pkg.dev/p/r/i@sha256:${'a'.repeat(64)}`,
      'artifact-repository': ''
    }),
    CONTEXT
  )
  expect(prebuilt.build).toBeUndefined()
})

test('the plan as submitted names the pinned image in both the plan and the request', () => {
  const plan = buildPlan(configOf(), CONTEXT)
  const pinned = `${plan.image.repository}@sha256:${'b'.repeat(64)}`
  const submitted = pinImage(plan, pinned, `sha256:${'b'.repeat(64)}`)
  expect(submitted.image).toMatchObject({ reference: pinned, digest: `sha256:${'b'.repeat(64)}` })
  expect(submitted.batch.request.batch.runtimeConfig.containerImage).toBe(pinned)
  expect(plan.batch.request.batch.runtimeConfig.containerImage).toBe(plan.image.reference)
})

test('an object name over 1,024 bytes (a 965-character branch) is refused before anything happens', () => {
  const branch = `feature/${'x'.repeat(957)}`
  expect(() => buildPlan(configOf(), { ...CONTEXT, branch })).toThrow(
    /is 1\d{3} bytes; Cloud Storage allows 1024: .*branch \(965 characters\).*shorter branch name/
  )
  expect(() => buildPlan(configOf(), { ...CONTEXT, branch: 'x'.repeat(700) })).not.toThrow()
})
