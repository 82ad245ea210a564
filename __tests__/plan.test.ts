import type { RunContext } from '../src/github/context.js'
import type { Config } from '../src/inputs/inputs.js'
import { buildPlan, configurationKey, PlanError } from '../src/plan/plan.js'
import {
  BATCH_ID_PATTERN,
  LABEL_KEY_PATTERN,
  LABEL_VALUE_PATTERN,
  REQUEST_ID_PATTERN
} from '../src/plan/naming.js'

const CONFIG: Config = {
  env: 'dev',
  kedroRunArgs: ['--pipeline=dp'],
  kedroRunArgsText: '--pipeline=dp',
  projectId: 'my-project-123',
  region: 'europe-west1',
  runSubmitBucket: 'submit',
  runOutputBucket: 'output',
  runtimeVersion: '2.2',
  artifactRegistry: 'europe-west1-docker.pkg.dev',
  artifactRepository: 'kedro',
  imageName: 'dataproc-serverless',
  sparkProperties: {},
  labels: {},
  networkTags: [],
  workingDirectory: '/work',
  dryRun: true,
  dockerfile: '/work/Dockerfile',
  buildContext: '/work',
  buildArgs: {},
  target: 'dev',
  wait: true,
  cancelOnAbort: true,
  onMissingCredentials: 'fail',
  prepare: true,
  submit: true,
  force: false,
  githubToken: '',
  prComment: 'auto',
  uploadArtifacts: true,
  allowSecretFiles: [],
  kedro: {
    version: [1, 7],
    known: true,
    reason: 'requirements.txt asks for kedro~=1.7: Kedro 1.7'
  },
  allowForkCode: false,
  warnings: []
}

const CONTEXT: RunContext = {
  eventName: 'pull_request',
  branch: 'feature/x',
  commit: 'abc123',
  refType: 'branch',
  refName: '1/merge',
  repository: 'acme/pipelines',
  runId: '555',
  runNumber: '12',
  runAttempt: '1',
  job: 'deploy',
  step: '__acme_kedro-dataproc-action',
  serverUrl: 'https://github.com',
  pullRequest: 1,
  localNonce: 'n0nce',
  now: new Date('2026-01-02T03:04:05Z')
}

test.each<[string, Partial<Config>, Partial<RunContext>, Record<string, unknown>]>([
  [
    'dev defaults',
    {},
    {},
    {
      runId: 'feature-x-r12-a1-{key}',
      'image.reference':
        'europe-west1-docker.pkg.dev/my-project-123/kedro/dataproc-serverless:feature-x',
      'storage.codeUri': 'gs://submit/feature-x/feature-x-r12-a1-{key}/code.zip',
      'storage.entrypointUri': 'gs://submit/feature-x/feature-x-r12-a1-{key}/entrypoint.py',
      'storage.runOutputUri': 'gs://output/feature-x/feature-x-r12-a1-{key}'
    }
  ],
  [
    'dev with a run id',
    { runId: 'exp-7' },
    {},
    { 'storage.codeUri': 'gs://submit/feature-x/exp-7/code.zip' }
  ],
  ['dev with an image tag', { imageTag: 'mine' }, {}, { 'image.tag': 'mine' }],
  [
    'dev with a prebuilt image',
    { image: 'host/p/r/i@sha256:' + 'a'.repeat(64) },
    {},
    { 'image.prebuilt': true, 'image.repository': undefined }
  ],
  [
    'prod',
    { env: 'prod', release: 'v0.2.0', target: 'prod' },
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
    { env: 'prod', release: 'v1', runId: 'nightly' },
    {},
    { 'storage.runOutputUri': 'gs://output/release/v1/nightly' }
  ],
  [
    'outside Actions',
    {},
    { runId: '', runNumber: '', runAttempt: '' },
    { runId: 'feature-x-local-n0nce' }
  ],
  ['a second attempt', {}, { runAttempt: '2' }, { runId: 'feature-x-r12-a2-{key}' }]
])('%s', (_name, config, context, expected) => {
  const plan = buildPlan({ ...CONFIG, ...config }, { ...CONTEXT, ...context })
  const key = configurationKey({ ...CONFIG, ...config }, { ...CONTEXT, ...context })
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
  const config: Config = {
    ...CONFIG,
    serviceAccount: 'runner@my-project-123.iam.gserviceaccount.com',
    subnetwork: 'projects/p/regions/europe-west1/subnetworks/s',
    networkTags: ['spark'],
    kmsKey: 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
    ttlSeconds: 7200,
    stagingBucket: 'staging',
    metastoreService: 'projects/p/locations/l/services/hive',
    historyServerCluster: 'projects/p/regions/r/clusters/phs',
    sparkProperties: { 'spark.executor.instances': '10' },
    labels: { team: 'data' }
  }
  const plan = buildPlan(config, CONTEXT)
  const key = configurationKey(config, CONTEXT)
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
      stagingBucket: 'staging'
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
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_RUN_ID': `feature-x-r12-a1-${key}`,
    'spark.executorEnv.KEDRO_DATAPROC_RUN_ID': `feature-x-r12-a1-${key}`,
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_RUN_OUTPUT_URI': `gs://output/feature-x/feature-x-r12-a1-${key}`,
    'spark.executorEnv.KEDRO_DATAPROC_RUN_OUTPUT_URI': `gs://output/feature-x/feature-x-r12-a1-${key}`,
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_BRANCH': 'feature/x',
    'spark.executorEnv.KEDRO_DATAPROC_BRANCH': 'feature/x',
    'spark.dataproc.driverEnv.KEDRO_DATAPROC_COMMIT': 'abc123',
    'spark.executorEnv.KEDRO_DATAPROC_COMMIT': 'abc123'
  })
  expect(batch.labels).toEqual({
    team: 'data',
    'managed-by': 'kedro-dataproc-action',
    env: 'dev',
    'run-id': `feature-x-r12-a1-${key}`,
    'request-id': requestId,
    branch: 'feature-x',
    commit: 'abc123'
  })
})

test('an unset execution config stays empty rather than sending blanks', () => {
  expect(buildPlan(CONFIG, CONTEXT).batch.request.batch.environmentConfig).toEqual({
    executionConfig: {}
  })
})

test('batch ids are the same for a retry of an attempt and differ across attempts, runs and repositories', () => {
  const id = (context: Partial<RunContext>) =>
    buildPlan(CONFIG, { ...CONTEXT, ...context }).batch.id
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
  expect(() => buildPlan(CONFIG, { ...CONTEXT, branch: '' })).toThrow(PlanError)
})

test('a prod run from a tag has no branch and still plans', () => {
  const plan = buildPlan({ ...CONFIG, env: 'prod', release: 'v1.0.0' }, { ...CONTEXT, branch: '' })
  expect(plan.batch.request.batch.labels.branch).toBeUndefined()
  expect(plan.batch.request.batch.labels.release).toBe('v1-0-0')
})

test('matrix legs and separate steps plan separate runs; behaviour-only inputs do not', () => {
  const plan = (config: Partial<Config>, context: Partial<RunContext> = {}) =>
    buildPlan({ ...CONFIG, ...config }, { ...CONTEXT, ...context })
  const base = plan({})
  const legs = [
    plan({ kedroRunArgs: ['--pipeline=other'] }),
    plan({ workingDirectory: '/work/other-project' }),
    plan({ sparkProperties: { 'spark.executor.instances': '4' } }),
    plan({}, { step: '__acme_kedro-dataproc-action_2' })
  ]
  for (const leg of legs) {
    expect(leg.runId).not.toBe(base.runId)
    expect(leg.storage.codeUri).not.toBe(base.storage.codeUri)
    expect(leg.batch.id).not.toBe(base.batch.id)
  }
  const sameRun = plan({
    dryRun: false,
    wait: false,
    timeoutSeconds: 60,
    prComment: 'never',
    githubToken: 'x'
  })
  expect(sameRun.batch.id).toBe(base.batch.id)
  expect(sameRun.runId).toBe(base.runId)
})
