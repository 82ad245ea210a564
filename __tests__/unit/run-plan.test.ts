import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { DeployHooks } from '../../src/deploy/deploy.js'
import { outcomeWithoutBatch, type Outcome } from '../../src/deploy/outcome.js'
import { failureMessage, runPlan } from '../../src/deploy/run.js'
import { setLogSink } from '../../src/lib/log.js'
import type { RunFacts } from '../../src/plan/facts.js'
import { buildPlan } from '../../src/plan/plan.js'
import { parse, VALID } from '../../scripts/refusals.js'

const FACTS: RunFacts = {
  branch: 'feature/x',
  commit: 'abc',
  repository: '',
  runId: '',
  runNumber: '',
  runAttempt: '',
  job: '',
  step: 'deploy',
  localNonce: 'n',
  shippedEntrypoint: '/entrypoint.py'
}

/** Google's endpoints, so credentials are needed; none are found (a key file that is not there). */
const planOf = (inputs: Record<string, string> = {}) =>
  buildPlan(parse({ ...VALID, image: 'europe-west1-docker.pkg.dev/p/r/i:t', ...inputs }), FACTS)

const lines: string[] = []
const hooks: DeployHooks = {
  abort: new AbortController().signal,
  credentialsHint: ': log in first',
  onSubmitting: () => undefined,
  onSubmitted: () => undefined,
  onSettled: () => undefined,
  onLine: () => undefined
}
const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS

beforeAll(() => {
  process.env.GOOGLE_APPLICATION_CREDENTIALS = join(tmpdir(), 'kedro-dataproc-no-such-key.json')
  setLogSink({
    info: line => lines.push(line),
    notice: line => lines.push(line),
    warning: line => lines.push(line),
    error: line => lines.push(line),
    output: line => lines.push(line),
    secret: () => undefined,
    group: (_title, body) => body()
  })
})
afterAll(() => {
  if (previous === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = previous
})

test('a dry run is planned by the core itself: nothing is looked for, built or submitted', async () => {
  const outcome = await runPlan(planOf({ 'dry-run': 'true' }), hooks)
  expect(outcome.state).toBe('PLANNED')
  expect(outcome.stateMessage).toBe('dry run: nothing was built, uploaded or submitted')
  expect(lines).toContain('dry-run: nothing was built, uploaded or submitted.')
  expect(failureMessage(outcome)).toBeUndefined()
})

test('an error becomes an ERROR outcome, explained, ending in the front end’s hint', async () => {
  const outcome = await runPlan(planOf(), hooks)
  expect(outcome.state).toBe('ERROR')
  expect(outcome.stateMessage).toMatch(/^no Google Cloud credentials \(.+\): log in first$/)
  expect(failureMessage(outcome)).toBe(outcome.stateMessage)
})

test('the failure message names the batch and its state, or is undefined on success', () => {
  const plan = planOf()
  const batch = (state: Outcome['state'], stateMessage: string): Outcome => ({
    ...outcomeWithoutBatch(plan, 'ERROR', stateMessage),
    state
  })
  expect(failureMessage(batch('FAILED', 'boom'))).toBe(`batch ${plan.batch.id} failed: boom`)
  expect(failureMessage(batch('CANCELLED', ''))).toBe(`batch ${plan.batch.id} cancelled`)
  expect(failureMessage(batch('SUCCEEDED', ''))).toBeUndefined()
})
