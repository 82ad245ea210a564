import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { checkoutExample } from '../helpers/project.js'
import { stackDataproc, stackInputs, startTestStack } from '../helpers/stack.js'

/** What a batch costs, and the spending guard that stops a costly one, end to end. */
let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'cost-submit', 'cost-output')
})
afterAll(async () => stack?.stop())

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

function inputs(extra: Record<string, string>): Record<string, string> {
  return {
    ...stackInputs(stack),
    'run-submit-bucket': 'cost-submit',
    'run-output-bucket': 'cost-output',
    image: PREBUILT,
    'kedro-run-args': '--pipeline=data_processing',
    ...extra
  }
}

const env = (runNumber: number): Record<string, string> =>
  workflowEnv({ workspace: checkoutExample('feature/cost'), runNumber, ref: 'feature/cost' })

test("a finished batch's price is its usage times the published price, in the summary and the cost output", async () => {
  const run = await runAction({ inputs: inputs({}), env: env(901) })
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('SUCCEEDED')
  const plan = JSON.parse(run.outputs.plan as string)
  const [batch] = await stackDataproc(stack).getBatch({ name: plan.batch.name })
  const usage = batch.runtimeInfo?.approximateUsage
  const dcuHours = Number(usage?.milliDcuSeconds) / 1000 / 3600
  const shuffleGbHours = Number(usage?.shuffleStorageGbSeconds) / 3600
  expect(dcuHours).toBeGreaterThan(0)
  // The README's prices: $0.06 per DCU-hour and $0.04 per GB-month (730 hours) of shuffle storage.
  const expected = dcuHours * 0.06 + (shuffleGbHours * 0.04) / 730
  expect(Number(run.outputs.cost)).toBeCloseTo(expected, 6)
  expect(run.summary).toContain(`$${expected.toFixed(4)}`)
  expect(run.summary).toContain('standard tier list price')
  // The plan (in the log) bounds it: dynamic allocation's default 1,000 executors for the 4-hour ttl.
  expect(run.stdout).toMatch(
    /most it can cost +\$960\.96 of compute at most: 4004 DCUs \(driver and 1000 executors\)/
  )
})

test('a batch that runs past max-dcu-hours is cancelled, and the reason names the limit and the usage', async () => {
  // 50 executors: 204 DCUs pass 0.02 DCU-hours in well under a second of running.
  const run = await runAction({
    inputs: inputs({
      'max-dcu-hours': '0.02',
      'spark-properties': 'spark.executor.instances=50\nspark.dynamicAllocation.enabled=false'
    }),
    env: env(902)
  })
  expect(run.code).not.toBe(0)
  expect(run.outputs.state).toBe('CANCELLED')
  expect(run.outputs['state-message']).toMatch(
    /^the batch used 0\.\d{4} DCU-hours, past max-dcu-hours of 0\.02, and was cancelled by the spending guard$/
  )
  const used = Number(/used (\S+) DCU-hours/.exec(run.outputs['state-message'] ?? '')?.[1])
  expect(used).toBeGreaterThanOrEqual(0.02)
  expect(run.stdout).toContain('max-dcu-hours passed: cancelling batch')
})
