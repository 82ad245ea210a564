import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readActionYml } from '../../scripts/docs.js'
import { parse, VALID } from '../../scripts/refusals.js'
import { parseOutputFile } from '../../scripts/runner-files.js'
import { outcomeWithoutBatch } from '../../src/deploy/outcome.js'
import { setOutputs } from '../../src/github/outputs.js'
import { givenInputs, readValues } from '../../src/inputs/table.js'
import { buildPlan, pinImage } from '../../src/plan/plan.js'

const CONTEXT = {
  eventName: 'push',
  branch: 'main',
  commit: 'abc',
  repository: 'acme/p',
  runId: '1',
  runNumber: '1',
  runAttempt: '1',
  job: 'j',
  step: 's',
  serverUrl: 'https://github.com',
  localNonce: 'n',
  shippedEntrypoint: '/action/entrypoint/entrypoint.py'
}

test('one call sets every output action.yml declares, from the outcome', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'outputs-')), 'output')
  writeFileSync(file, '')
  const before = process.env.GITHUB_OUTPUT
  process.env.GITHUB_OUTPUT = file
  const plan = buildPlan(parse(VALID), CONTEXT)
  const pinned = `${plan.image.repository}@sha256:${'c'.repeat(64)}`
  try {
    setOutputs(
      outcomeWithoutBatch(pinImage(plan, pinned, `sha256:${'c'.repeat(64)}`), 'ERROR', 'x')
    )
  } finally {
    process.env.GITHUB_OUTPUT = before
  }
  const outputs = parseOutputFile(readFileSync(file, 'utf8'))
  expect(Object.keys(outputs).sort()).toEqual(Object.keys(readActionYml().outputs).sort())
  expect(outputs.image).toBe(pinned)
  expect(JSON.parse(outputs.plan as string).image.reference).toBe(pinned)
  expect(outputs.state).toBe('ERROR')
})

test('the summary lists the inputs given with other than their defaults, never the token', () => {
  const given: Record<string, string> = { ...VALID, wait: 'true', 'github-token': 'ghs_x' }
  const values = readValues(name => given[name] ?? '')
  expect(givenInputs(values)).toEqual(Object.entries(VALID).filter(([name]) => name !== 'env'))
})
