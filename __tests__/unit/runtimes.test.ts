import { checkRuntime, runtime3Problems } from '../../src/dataproc/runtimes.js'
import { buildPlan } from '../../src/plan/plan.js'
import { parse, VALID } from '../../scripts/refusals.js'

const day = (iso: string): Date => new Date(`${iso}T12:00:00Z`)

test.each([
  ['2.3', '2026-12-04', {}],
  ['2.3.7', '2027-11-27', { warning: /support for 2\.3\.7 ended on 2027-11-26/ }],
  [
    '2.2',
    '2026-12-04',
    {
      warning:
        /support for 2\.2 ended on 2026-09-30 \(it stays available until 2028-09-30\); use 2\.3/
    }
  ],
  ['2.2', '2028-10-01', { problem: /2\.2 is no longer available \(since 2028-09-30\); use 2\.3/ }],
  ['1.2', '2026-12-04', { warning: /use 2\.3/ }],
  ['3.0', '2026-12-04', {}],
  ['9.9', '2040-01-01', {}]
])('runtime %s on %s', (version, today, expected) => {
  const check = checkRuntime(version, day(today))
  expect(Object.keys(check).sort()).toEqual(Object.keys(expected).sort())
  if ('warning' in expected) expect(check.warning).toMatch(expected.warning)
  if ('problem' in expected) expect(check.problem).toMatch(expected.problem)
})

test('runtime 3.0 refuses a staging bucket and a history server; 2.x takes them', () => {
  expect(runtime3Problems('3.0', { stagingBucket: 'b', historyServerCluster: 'c' })).toHaveLength(2)
  expect(runtime3Problems('2.3', { stagingBucket: 'b', historyServerCluster: 'c' })).toEqual([])
})

const context = {
  eventName: 'push',
  branch: 'main',
  commit: 'c'.repeat(40),
  repository: 'acme/pipelines',
  runId: '1',
  runNumber: '1',
  runAttempt: '1',
  job: 'run',
  step: 'run',
  serverUrl: 'https://github.com',
  localNonce: 'x',
  shippedEntrypoint: '/action/entrypoint/entrypoint.py'
}
const executionOf = (inputs: Record<string, string>) =>
  buildPlan(parse({ ...VALID, ...inputs }), context).batch.request.batch.environmentConfig
    .executionConfig

test('with service-account the batch runs as it on every runtime; end-user on purpose; unset on 3.0 warns', () => {
  const sa = 'runner@my-project-123.iam.gserviceaccount.com'
  expect(executionOf({ 'runtime-version': '3.0', 'service-account': sa })).toMatchObject({
    serviceAccount: sa,
    authenticationConfig: { userWorkloadAuthenticationType: 'SERVICE_ACCOUNT' }
  })
  expect(executionOf({ 'runtime-version': '2.3', 'service-account': sa })).toMatchObject({
    authenticationConfig: { userWorkloadAuthenticationType: 'SERVICE_ACCOUNT' }
  })
  expect(
    executionOf({ 'runtime-version': '3.0', 'workload-authentication': 'end-user' })
  ).toMatchObject({
    authenticationConfig: { userWorkloadAuthenticationType: 'END_USER_CREDENTIALS' }
  })
  expect(executionOf({ 'runtime-version': '2.3' })?.authenticationConfig).toBeUndefined()
  expect(parse({ ...VALID, 'runtime-version': '3.0' }).warnings).toContainEqual(
    expect.stringMatching(
      /service-account: not set, so on runtime 3\.0 the batch runs with the credentials of whoever submits it/
    )
  )
  expect(
    parse({
      ...VALID,
      'runtime-version': '3.0',
      'workload-authentication': 'end-user'
    }).warnings.join()
  ).not.toMatch(/service-account: not set/)
})

test('the default runtime is 2.3, and 2.2 warns naming 2.3', () => {
  expect(parse(VALID).runtimeVersion).toBe('2.3')
  expect(parse({ ...VALID, 'runtime-version': '2.2' }).warnings).toContainEqual(
    expect.stringMatching(/runtime-version: support for 2\.2 ended on 2026-09-30.*use 2\.3/)
  )
})
