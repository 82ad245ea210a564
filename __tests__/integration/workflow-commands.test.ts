import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { stackInputs, startTestStack } from '../helpers/stack.js'
import { runnerCommands, type WorkflowCommand } from '../helpers/workflow-commands.js'

/**
 * The raw standard output of the real action, read the way the runner reads it: whatever the
 * inputs it echoes and the driver's output hold, the only workflow commands are its own.
 */
let stack: Stack

beforeAll(async () => {
  // The staging bucket made up front: the emulator says RUNNING before it creates the bucket,
  // and a first poll in between would end the driver output this test reads.
  stack = await startTestStack(
    'off',
    'submit-bucket',
    'output-bucket',
    'dataproc-staging-europe-west1-emulator'
  )
})
afterAll(async () => stack?.stop())

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

/** Lines a Kedro node prints, each a workflow command if the action printed it raw. */
const HOSTILE_LINES = [
  '::add-mask::INJECTED-MASK',
  'progress 10%\\r::set-output name=x::INJECTED-CR',
  '\\u0085::error::INJECTED-NEL',
  '\\u2028::warning::INJECTED-LS',
  'a line with ##[error]INJECTED-LEGACY in it',
  'and ##[set-output name=y;]INJECTED-LEGACY-OUTPUT',
  '::stop-commands::guess',
  '::guess::',
  '::error::INJECTED-AFTER-GUESS',
  '::stop-commands::pause-logging',
  '##[add-mask]INJECTED-LEGACY-MASK'
]

const HOSTILE_PIPELINE = `from kedro.pipeline import Pipeline, node, pipeline

HOSTILE = [${HOSTILE_LINES.map(line => `"${line}"`).join(', ')}]


def hostile(note):
    print(f"note: {note}", flush=True)
    for line in HOSTILE:
        print(line, flush=True)


def register_pipelines() -> dict[str, Pipeline]:
    hostile_pipeline = pipeline([node(hostile, "params:note", None, name="hostile")])
    return {"__default__": hostile_pipeline, "hostile": hostile_pipeline}
`

function hostileProject(): string {
  const repo = checkoutExample('feature/hostile', TINY_PROJECT)
  writeFileSync(join(repo, 'src', 'kedro_tiny', 'pipeline_registry.py'), HOSTILE_PIPELINE)
  appendFileSync(join(repo, 'conf', 'base', 'parameters.yml'), 'note: none\n')
  return repo
}

/** What the action itself says through commands: folds, annotations, the failure. */
const OWN = new Set(['group', 'endgroup', 'notice', 'warning', 'error'])

function expectOnlyOwn(commands: WorkflowCommand[]): void {
  const foreign = commands.filter(command => !OWN.has(command.name))
  expect(foreign.map(({ name, data }) => `${name}: ${data}`)).toEqual([])
}

test('a Kedro node and echoed inputs that print commands: the runner sees only the action’s', async () => {
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      image: PREBUILT,
      'kedro-run-args': `--pipelines=hostile --params="note=ok\n::add-mask::INJECTED-ARGS"`,
      'spark-properties': 'spark.executorEnv.NOTE=##[error]INJECTED-PROPERTY'
    },
    env: workflowEnv({ workspace: hostileProject(), runNumber: 3201, ref: 'feature/hostile' })
  })
  expect(run.outputs.state).toBe('SUCCEEDED')
  expect(run.code).toBe(0)
  const commands = runnerCommands(run.stdout)
  expectOnlyOwn(commands)
  expect(commands.filter(command => JSON.stringify(command).includes('INJECTED'))).toEqual([])
  // Not vacuous: every hostile line reached the log as text, and so did the echoed inputs.
  for (const marker of ['MASK', 'CR', 'NEL', 'LS', 'LEGACY', 'LEGACY-OUTPUT', 'AFTER-GUESS'])
    expect(run.stdout).toContain(`INJECTED-${marker}`)
  expect(run.stdout).toContain('::stop-commands::pause-logging')
  // The plan shows the newline it was given, on one line.
  expect(run.stdout).toContain(`'--params=note=ok\\n::add-mask::INJECTED-ARGS'`)
  expect(run.stdout).toContain('"spark.executorEnv.NOTE": "##[error]INJECTED-PROPERTY"')
})

test('an input error quotes the value with its newline shown, in the one error annotation', async () => {
  const run = await runAction({
    inputs: { ...stackInputs(stack), image: PREBUILT, 'dry-run': 'true\n::add-mask::INJECTED' },
    env: workflowEnv({ workspace: hostileProject(), runNumber: 3202, ref: 'feature/hostile' })
  })
  expect(run.code).toBe(1)
  const commands = runnerCommands(run.stdout)
  expect(commands.map(command => command.name)).toEqual(['error'])
  expect(commands[0]?.data).toContain(`dry-run: 'true\\n::add-mask::INJECTED' is not a boolean`)
})
