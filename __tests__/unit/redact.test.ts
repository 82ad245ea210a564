import { parse, VALID } from '../../scripts/refusals.js'
import { INPUT_NAMES, type InputValues } from '../../src/inputs/table.js'
import type { RunFacts } from '../../src/plan/facts.js'
import { buildPlan } from '../../src/plan/plan.js'
import {
  isSecretKey,
  planSecrets,
  redactInputs,
  redactPlan,
  redactUrls,
  scrub
} from '../../src/report/redact.js'

const FACTS: RunFacts = {
  branch: 'feature/x',
  commit: 'abc123',
  repository: 'acme/pipelines',
  runId: '1',
  runNumber: '1',
  runAttempt: '1',
  job: 'deploy',
  step: 'step',
  localNonce: 'n',
  shippedEntrypoint: '/action/entrypoint/entrypoint.py'
}

test.each([
  ['spark.hadoop.db.password', true],
  ['PIP_TOKEN', true],
  ['spark.dataproc.driverEnv.AWS_SECRET_ACCESS_KEY', true],
  ['apiKey', true],
  ['spark.executor.memory', false],
  ['BASE_IMAGE', false]
])('%s looks secret: %s', (key, secret) => {
  expect(isSecretKey(key)).toBe(secret)
})

test.each([
  ['https://user:pass@host/simple', 'https://***@host/simple'],
  [
    'pip install -i https://ghp_token123@pypi.example.com/x y',
    'pip install -i https://***@pypi.example.com/x y'
  ],
  ['gs://bucket/path@v1 and https://host/a@b', 'gs://bucket/path@v1 and https://host/a@b'],
  ['no url', 'no url']
])('redactUrls(%j)', (text, shown) => {
  expect(redactUrls(text)).toBe(shown)
})

test('scrub replaces every given value and URL passwords', () => {
  expect(scrub('a hunter22 b https://u:p@h/ hunter22', ['hunter22'])).toBe(
    'a *** b https://***@h/ ***'
  )
})

test('redactInputs hides secret keys in key=value inputs and URL passwords in any input', () => {
  const values = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<string, string>
  values['spark-properties'] = 'spark.x.password=p1\nspark.executor.memory=4g\n# a comment = here'
  values['build-args'] = 'PIP_TOKEN = t1\nINDEX=https://u:p2@host/simple'
  values['kedro-run-args'] = '--params=url=https://bob:p3@db.example.com/x'
  const shown = redactInputs(values as InputValues)
  expect(shown['spark-properties']).toBe(
    'spark.x.password=***\nspark.executor.memory=4g\n# a comment = here'
  )
  expect(shown['build-args']).toBe('PIP_TOKEN = ***\nINDEX=https://***@host/simple')
  expect(shown['kedro-run-args']).toBe('--params=url=https://***@db.example.com/x')
})

test('redactPlan hides what planSecrets lists; the plan itself keeps the real values', () => {
  const config = parse({
    ...VALID,
    'kedro-run-args': '--pipeline=keyword_pipeline --params=db.password=pw-param-1,rows=10',
    'spark-properties': 'spark.dataproc.driverEnv.API_TOKEN=tok-prop-2\nspark.x.key.enabled=true',
    'build-args': 'INDEX=https://u:pw-url-3@pypi.example.com/simple',
    'build-secrets': 'pip=pw-secret-4'
  })
  const plan = buildPlan(config, FACTS)
  const secrets = ['pw-param-1', 'tok-prop-2', 'pw-url-3', 'pw-secret-4']
  // A boolean would mask every "true" in the log: redacted where shown, never masked.
  expect([...planSecrets(plan)].sort()).toEqual([...secrets].sort())
  const shown = JSON.stringify(redactPlan(plan))
  for (const secret of [...secrets, 'spark.x.key.enabled":"true']) {
    expect(shown).not.toContain(secret)
  }
  expect(redactPlan(plan).kedroRunArgs).toEqual([
    '--pipeline=keyword_pipeline',
    '--params=db.password=***,rows=10'
  ])
  for (const secret of secrets) expect(JSON.stringify(plan)).toContain(secret)
})

test('a percent-encoded password is masked as written and as decoded', () => {
  const config = parse({
    ...VALID,
    'build-args': 'INDEX=https://u:p%40ss-word@pypi.example.com/simple'
  })
  const plan = buildPlan(config, FACTS)
  expect(planSecrets(plan).sort()).toEqual(['p%40ss-word', 'p@ss-word'])
})
