import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { gcloudFor, type Gcloud } from '../helpers/gcloud.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { stackInputs, stackStorage, startTestStack } from '../helpers/stack.js'

/** A Kedro 1.x project that is not the example, run through the action on real Kedro and Spark. */
let stack: Stack
let gcloud: Gcloud

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
  gcloud = await gcloudFor(stack, 'my-project-123')
})
afterAll(async () => {
  await stack?.stop()
  await gcloud?.remove()
})

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

function run(runNumber: number, kedroRunArgs: string) {
  const repo = checkoutExample('feature/tiny', TINY_PROJECT)
  return runAction({
    inputs: { ...stackInputs(stack), image: PREBUILT, 'kedro-run-args': kedroRunArgs },
    env: workflowEnv({ workspace: repo, runNumber, ref: 'feature/tiny' })
  })
}

async function objectsUnder(uri: string): Promise<string[]> {
  const [, bucket, prefix] = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri) as RegExpExecArray
  const [files] = await stackStorage(stack)
    .bucket(bucket as string)
    .getFiles({ prefix: `${prefix}/` })
  return files.map(file => file.name.slice((prefix as string).length + 1))
}

test('a Spark node reading input from code.zip writes parquet under the run output prefix', async () => {
  const result = await run(701, '--pipelines=totals --params=scale=10')
  expect(result.stdout).toContain('Pipeline execution completed successfully')
  expect(result.code).toBe(0)
  expect(result.outputs.state).toBe('SUCCEEDED')
  const written = await objectsUnder(result.outputs['run-output-uri'] as string)
  expect(written).toContain('totals.parquet/_SUCCESS')
  expect(
    written.filter(name => /^totals\.parquet\/part-.*\.parquet$/.test(name)).length
  ).toBeGreaterThan(0)
  expect(written.filter(name => name.includes('_temporary'))).toEqual([])
  // An independent client sees the same outputs, Spark's _SUCCESS marker included.
  const listed = await gcloud.ok([
    'storage',
    'ls',
    '--recursive',
    `${result.outputs['run-output-uri']}/`
  ])
  expect(listed).toContain(`${result.outputs['run-output-uri']}/totals.parquet/_SUCCESS`)
  expect(listed).toMatch(/\/totals\.parquet\/part-[^\n]+\.parquet/)
})

test('a failing node ends the batch FAILED with Kedro’s exception, and fails the step', async () => {
  const result = await run(702, '--pipelines=failing')
  expect(result.code).toBe(1)
  expect(result.outputs.state).toBe('FAILED')
  expect(result.outputs['state-message']).toContain('ValueError: no sensor may report 3 values')
  expect(result.stdout).toMatch(
    /::error::kedro-dataproc-action: batch \S+ failed: .*ValueError: no sensor may report 3 values/
  )
})
