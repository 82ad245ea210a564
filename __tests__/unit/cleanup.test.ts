import { parseArgv, UsageError } from '../../src/cli/args.js'
import { cleanupTarget, CleanupError } from '../../src/cleanup/target.js'
import type { RunFacts } from '../../src/plan/facts.js'
import { buildPlan } from '../../src/plan/plan.js'
import { parse, VALID } from '../../scripts/refusals.js'

const CONTEXT: RunFacts = {
  branch: 'feature/x',
  commit: 'abc123',
  repository: 'acme/pipelines',
  runId: '555',
  runNumber: '12',
  runAttempt: '1',
  job: 'cleanup',
  step: 'step',
  localNonce: 'n0nce',
  shippedEntrypoint: '/action/entrypoint/entrypoint.py'
}
const planOf = (inputs: Record<string, string>, branch = 'feature/x') =>
  buildPlan(
    parse({ ...VALID, 'run-submit-bucket': 'submit', 'run-output-bucket': 'output', ...inputs }),
    { ...CONTEXT, branch }
  )
const options = { deleteOutputs: false, deleteBatches: false }

test('the target is the branch folder in both buckets, its label and its image tag', () => {
  const target = cleanupTarget(planOf({ 'delete-outputs': 'true' }), options)
  expect(target).toMatchObject({
    branchSlug: 'feature-x-b3ed95',
    branchLabel: 'feature-x-b3ed95',
    submitBucket: 'submit',
    outputBucket: 'output'
  })
  expect(target.image?.tag).toBe('feature-x-b3ed95')
})

test('prod releases and a branch whose folder would be release/ are never cleaned', () => {
  expect(() => cleanupTarget(planOf({ env: 'prod', release: 'v1.0.0' }, ''), options)).toThrow(
    CleanupError
  )
  expect(() => cleanupTarget(planOf({}, 'release'), options)).toThrow(/release\//)
})

test('keep-runs takes a whole number of runs', () => {
  expect(planOf({ 'keep-runs': '2' }).cleanup.keepRuns).toBe(2)
  expect(() => planOf({ 'keep-runs': '0' })).toThrow(/keep-runs: '0' is not a number of runs/)
  expect(() => planOf({ 'max-dcu-hours': 'lots' })).toThrow(
    /max-dcu-hours: 'lots' is not a positive number/
  )
})

test('clean takes --branch and the input flags; --branch belongs to clean only', () => {
  expect(parseArgv(['clean', '--branch', 'feature/x', '--dry-run'])).toMatchObject({
    command: 'clean',
    branch: 'feature/x',
    flags: { 'dry-run': 'true' }
  })
  expect(() => parseArgv(['run', '--branch', 'x'])).toThrow(UsageError)
  expect(() => parseArgv(['clean', 'extra'])).toThrow(/clean takes no arguments/)
})

test('a cleanup builds nothing: a Dockerfile that is gone does not stop it, as it stops a run', () => {
  const gone = { dockerfile: 'no-such/Dockerfile' }
  expect(() => planOf(gone)).toThrow(/dockerfile: 'no-such\/Dockerfile' does not exist/)
  expect(planOf({ ...gone, cleanup: 'true' }).cleanup.cleanup).toBe(true)
})
