import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { Stack } from '../../emulators/stack.js'
import { ROOT, runAction, workflowEnv } from '../helpers/action.js'
import { startTestStack } from '../helpers/stack.js'

/**
 * Runs the steps of `.github/workflows/action.yml` from its `uses: ./` step on, the way the runner
 * does: the step's `with:` as INPUT_* variables for `node dist/index.js`, its outputs substituted
 * into the checks that follow, and those checks run with bash as the runner runs them. Steps
 * before it (checkout, setup, starting the stack) are the test's own.
 */
interface Step {
  id?: string
  uses?: string
  with?: Record<string, string | boolean | number>
  env?: Record<string, string>
  run?: string
}

type Outputs = Record<string, Record<string, string>>

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/action.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>
}

function expand(text: string, outputs: Outputs): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_match, expression: string) => {
    const reference = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression)
    if (!reference) throw new Error(`the test cannot evaluate \${{ ${expression} }}`)
    return outputs[reference[1] as string]?.[reference[2] as string] ?? ''
  })
}

function checkStep(step: Step, outputs: Outputs): { status: number | null; stdout: string } {
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(value, outputs)])
  )
  const result = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8'
    }
  )
  return { status: result.status, stdout: result.stdout + result.stderr }
}

async function runJob(
  name: string,
  outputs: Outputs
): Promise<{ steps: Step[]; outputs: Outputs }> {
  const steps = workflow.jobs[name]?.steps ?? []
  const first = steps.findIndex(step => step.uses === './')
  expect(first).toBeGreaterThanOrEqual(0)
  const rest = steps.slice(first)
  for (const step of rest) {
    if (step.uses === './') {
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([input, value]) => [
          input,
          expand(String(value), outputs)
        ])
      )
      const run = await runAction({
        inputs,
        env: workflowEnv({ workspace: ROOT, runNumber: 900, ref: 'main' })
      })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      outputs[step.id as string] = run.outputs
    } else {
      expect(step.run).toBeDefined()
      const check = checkStep(step, outputs)
      if (check.status !== 0) throw new Error(`the check failed:\n${check.stdout}`)
    }
  }
  return { steps: rest, outputs }
}

test('the dry-run job: the action plans, and the check accepts its outputs and would catch bad ones', async () => {
  const { steps, outputs } = await runJob('dry-run', {})
  expect(outputs.plan?.['batch-id']).toMatch(/^kedro-dev-main-/)
  const check = steps.find(step => step.run) as Step
  const broken = { plan: { ...outputs.plan, 'code-uri': 'gs://elsewhere/code.zip' } }
  expect(checkStep(check, broken)).toMatchObject({ status: 1 })
  const wrongArgs = {
    plan: {
      ...outputs.plan,
      plan: JSON.stringify({
        env: 'dev',
        batch: { request: { batch: { pysparkBatch: { args: [] } } } }
      })
    }
  }
  expect(checkStep(check, wrongArgs)).toMatchObject({ status: 1 })
})

describe('the local-stack job', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
  })
  afterAll(async () => stack?.stop())

  test('a real dev run through uses: ./ succeeds against the stack, and the check would catch a failure', async () => {
    const { steps, outputs } = await runJob('local-stack', {
      stack: { storage: stack.storage, dataproc: `http://${stack.dataproc}` }
    })
    expect(outputs.run?.state).toBe('SUCCEEDED')
    const check = steps.find(step => step.run) as Step
    expect(checkStep(check, { run: { ...outputs.run, state: 'FAILED' } })).toMatchObject({
      status: 1
    })
  })
})
