import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv, type ActionRun } from '../helpers/action.js'
import { checkoutExample, gitState, zipEntries } from '../helpers/project.js'
import {
  downloadUri,
  stackDataproc,
  stackInputs,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())

const BRANCH = 'feature/e2e-run'
const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

function pushEnv(repo: string, runNumber: string): Record<string, string> {
  return workflowEnv({
    workspace: repo,
    runNumber: Number(runNumber),
    ref: BRANCH,
    sha: 'feedface'.repeat(5)
  })
}

const download = (uri: string): Promise<Buffer> => downloadUri(stack, uri)

describe('a dev run from a branch with uncommitted work', () => {
  let repo: string
  let before: Record<string, string>
  let run: ActionRun
  const marker = join(tmpdir(), `kedro-injection-${process.pid}`)
  // Words a shell would have acted on: they must reach Kedro as plain text.
  const tricky = `--pipeline=data_processing "--params=note=a b;c \`id\`|y $(touch ${marker})"`

  beforeAll(async () => {
    repo = checkoutExample(BRANCH)
    writeFileSync(join(repo, 'conf/base/parameters.yml'), 'test_size: 0.3  # uncommitted change\n')
    writeFileSync(join(repo, 'src/spaceflights_pyspark/untracked_helper.py'), 'UNTRACKED = True\n')
    mkdirSync(join(repo, 'data/02_intermediate'), { recursive: true })
    writeFileSync(join(repo, 'data/02_intermediate/ignored.parquet'), 'ignored')
    before = gitState(repo)
    run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, 'kedro-run-args': tricky },
      env: pushEnv(repo, '101')
    })
  })

  test('succeeds, with the driver output in the log and the outputs set', () => {
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('[kedro-dataproc] kedro 1.7.0')
    expect(run.stdout).toMatch(/^local stack: Spark 3\.5\.\d+/m)
    expect(run.stdout).toContain('Pipeline execution completed successfully')
    expect(run.outputs.state).toBe('SUCCEEDED')
    expect(run.outputs['batch-id']).toMatch(
      /^kedro-dev-feature-e2e-run-[0-9a-f]{6}-r101-a1-[0-9a-f]{6}-[0-9a-f]{8}$/
    )
    expect(run.outputs['driver-output-uri']).toMatch(/^gs:\/\//)
    expect(Number(run.outputs['duration-seconds'])).toBeGreaterThanOrEqual(0)
    expect(run.summary).toContain('SUCCEEDED')
    expect(run.summary).toContain(run.outputs['batch-id'])
    expect(run.summary).toContain('console.cloud.google.com/dataproc/batches/europe-west1/')
  })

  test('the Kedro arguments arrive unchanged and nothing ran through a shell', () => {
    const argv = [
      'run',
      '--pipeline=data_processing',
      `--params=note=a b;c \`id\`|y $(touch ${marker})`
    ]
    const received = /^\[kedro-dataproc\] running: (.*)$/m.exec(run.stdout)?.[1]
    expect((JSON.parse(received ?? '[]') as string[]).slice(-argv.length)).toEqual(argv)
    expect(existsSync(marker)).toBe(false)
  })

  test('code.zip holds the uncommitted change and the untracked file, not the ignored one', async () => {
    const entries = await zipEntries(await download(run.outputs['code-uri'] as string))
    expect(entries.get('conf/base/parameters.yml')?.toString()).toBe(
      'test_size: 0.3  # uncommitted change\n'
    )
    expect(entries.has('src/spaceflights_pyspark/untracked_helper.py')).toBe(true)
    expect(entries.has('data/02_intermediate/ignored.parquet')).toBe(false)
    expect([...entries.keys()].some(name => name.startsWith('.git/'))).toBe(false)
  })

  test('the objects are at the planned URIs and the batch has the planned fields', async () => {
    const plan = JSON.parse(run.outputs.plan as string)
    expect(run.outputs['code-uri']).toMatch(
      /^gs:\/\/submit-bucket\/(feature-e2e-run-[0-9a-f]{6})\/\1-r101-a1-[0-9a-f]{6}\/code\.zip$/
    )
    expect((await download(plan.storage.entrypointUri)).toString()).toContain('kedro')
    const [batch] = await stackDataproc(stack).getBatch({ name: plan.batch.name })
    expect(batch.pysparkBatch?.mainPythonFileUri).toBe(plan.storage.entrypointUri)
    expect(batch.pysparkBatch?.archiveUris).toEqual([`${plan.storage.codeUri}#code`])
    expect(batch.pysparkBatch?.args).toEqual(plan.batch.request.batch.pysparkBatch.args)
    expect(batch.runtimeConfig?.containerImage).toBe(PREBUILT)
    expect(batch.runtimeConfig?.properties).toMatchObject({
      'spark.dataproc.driverEnv.KEDRO_DATAPROC_RUN_OUTPUT_URI': plan.storage.runOutputUri,
      'spark.executorEnv.KEDRO_DATAPROC_BRANCH': BRANCH
    })
    expect(batch.labels).toMatchObject({
      'managed-by': 'kedro-dataproc-action',
      branch: plan.branchSlug,
      env: 'dev'
    })
  })

  test("the user's repository is exactly as it was", () => {
    expect(gitState(repo)).toEqual(before)
  })
})

test('a failing pipeline fails the step with its message, and leaves the repository alone', async () => {
  const repo = checkoutExample(BRANCH)
  writeFileSync(join(repo, 'README.md'), 'changed\n')
  const before = gitState(repo)
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      image: PREBUILT,
      'kedro-run-args': '--pipeline=does_not_exist'
    },
    env: pushEnv(repo, '102')
  })
  expect(run.code).toBe(1)
  expect(run.outputs.state).toBe('FAILED')
  expect(run.stdout).toContain("Failed to find the pipeline named 'does_not_exist'")
  expect(run.stdout).toMatch(/::error::kedro-dataproc-action: batch \S+ failed: /)
  expect(run.summary).toContain('FAILED')
  expect(gitState(repo)).toEqual(before)
})

test('a run that fails midway (no such bucket) leaves the repository alone and submits nothing', async () => {
  const repo = checkoutExample(BRANCH)
  writeFileSync(join(repo, 'new-file.txt'), 'untracked\n')
  const before = gitState(repo)
  const run = await runAction({
    inputs: { ...stackInputs(stack), image: PREBUILT, 'run-submit-bucket': 'no-such-bucket' },
    env: pushEnv(repo, '103')
  })
  expect(run.code).toBe(1)
  expect(run.stdout).toContain('::error::kedro-dataproc-action:')
  expect(gitState(repo)).toEqual(before)
  const [batches] = await stackDataproc(stack).listBatches({
    parent: 'projects/my-project-123/locations/europe-west1'
  })
  expect(batches.map(batch => batch.labels?.['run-id'])).not.toContain(
    JSON.parse(run.outputs.plan as string).batch.request.batch.labels['run-id']
  )
})

test('a re-run of the same run with nothing changed uploads no bytes', async () => {
  const repo = checkoutExample(BRANCH)
  const inputs = { ...stackInputs(stack), image: PREBUILT, 'run-id': 'rerun-1' }
  const first = await runAction({ inputs, env: pushEnv(repo, '104') })
  expect(first.code).toBe(0)
  expect(first.stdout).toMatch(/^uploaded: .*code\.zip/m)
  const folder = (first.outputs['code-uri'] as string).replace(
    /^gs:\/\/submit-bucket\/|code\.zip$/g,
    ''
  )
  expect(folder).toMatch(/^feature-e2e-run-[0-9a-f]{6}\/rerun-1\/$/)
  const generations = async (): Promise<Record<string, string>> => {
    const [files] = await stackStorage(stack).bucket('submit-bucket').getFiles({ prefix: folder })
    return Object.fromEntries(files.map(file => [file.name, String(file.metadata.generation)]))
  }
  const before = await generations()
  expect(Object.keys(before).sort()).toEqual([`${folder}code.zip`, `${folder}entrypoint.py`])

  const second = await runAction({ inputs, env: pushEnv(repo, '105') })
  expect(second.code).toBe(0)
  expect(second.stdout).toMatch(/^unchanged, not uploaded: .*entrypoint\.py/m)
  expect(second.stdout).toMatch(/^unchanged, not uploaded: .*code\.zip/m)
  // A new upload, even of the same bytes, would have made a new generation.
  expect(await generations()).toEqual(before)
})

test('wait: false returns after submission with the batch still going', async () => {
  const run = await runAction({
    inputs: { ...stackInputs(stack), image: PREBUILT, wait: 'false' },
    env: pushEnv(checkoutExample(BRANCH), '106')
  })
  expect(run.code).toBe(0)
  expect(['PENDING', 'RUNNING']).toContain(run.outputs.state)
  expect(run.stdout).not.toContain('RUNNING → SUCCEEDED')
  expect(run.summary).toContain('wait: false')
  const [batch] = await stackDataproc(stack).getBatch({
    name: JSON.parse(run.outputs.plan as string).batch.name
  })
  expect(batch.name).toBeTruthy()
})
