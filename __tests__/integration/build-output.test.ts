import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { checkoutExample } from '../helpers/project.js'
import { skipWithoutDocker, stackInputs, startTestStack } from '../helpers/stack.js'
import { runnerCommands } from '../helpers/workflow-commands.js'

/** Docker's build output, streamed to the step log, read the way the runner reads it. */
let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())

/** A RUN step that prints commands: raw, at a `\r`, after U+0085, and in the legacy form. */
const DOCKERFILE = String.raw`FROM python:3.11-slim AS base
RUN printf '::add-mask::INJECTED-BUILD\nstep\r::error::INJECTED-BUILD-CR\n\302\205::warning::INJECTED-BUILD-NEL\nmid ##[error]INJECTED-BUILD-LEGACY\n'
RUN groupadd -g 1099 spark && useradd -u 1099 -g 1099 -d /home/spark -m spark
USER spark

FROM base AS dev

FROM base AS prod
COPY --chown=spark:spark . /home/kedro/code
`

test('a build whose RUN step prints commands: the runner sees only the action’s', async () => {
  if (skipWithoutDocker(stack)) return
  const registry = stack.registry as string
  const workspace = checkoutExample('feature/hostile-build')
  writeFileSync(join(workspace, 'deployment', 'dataproc', 'serverless', 'Dockerfile'), DOCKERFILE)
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      'artifact-registry': registry,
      'artifact-repository': 'kedro',
      'build-network': 'host',
      wait: 'false'
    },
    env: {
      ...workflowEnv({ workspace, runNumber: 3301, ref: 'feature/hostile-build' }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(0)
  const foreign = runnerCommands(run.stdout).filter(
    command => !['group', 'endgroup', 'notice', 'warning'].includes(command.name)
  )
  expect(foreign.map(({ name, data }) => `${name}: ${data}`)).toEqual([])
  const injected = runnerCommands(run.stdout).filter(command => command.line.includes('INJECTED'))
  expect(injected.map(command => command.line)).toEqual([])
  // Not vacuous: the build's output was streamed, each hostile line whole.
  expect(run.stdout).toMatch(/^::add-mask::INJECTED-BUILD$/m)
  expect(run.stdout).toMatch(/^step\r::error::INJECTED-BUILD-CR$/m)
  expect(run.stdout).toMatch(/^\u0085::warning::INJECTED-BUILD-NEL$/m)
  expect(run.stdout).toMatch(/^mid ##\[error\]INJECTED-BUILD-LEGACY$/m)
})
