import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { git } from '../helpers/git.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { skipWithoutDocker, stackDataproc, stackInputs, startTestStack } from '../helpers/stack.js'
import { testImage } from '../helpers/test-image.js'

/**
 * The image is the driver's environment: a node that imports a library only the project's
 * requirements.txt names runs once the action's own build installed it, and fails in the driver,
 * naming the module, when requirements.txt forgets it, as on Dataproc (the stack's own driver
 * environment has no tabulate). The Dockerfile starts from the test image, so the build's pip
 * installs only what requirements.txt adds to it.
 */
let stack: Stack
let base: string
let skip = false

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
  skip = skipWithoutDocker(stack)
  if (!skip) base = await testImage(stack)
})
afterAll(async () => stack?.stop())

const DOCKERFILE = `ARG BASE=python:3.11-slim
FROM \${BASE} AS dev
USER root
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt
USER spark
`

/** kedro-tiny whose node formats its totals with tabulate (pure Python, absent from driver-env). */
function project(branch: string, withTabulate: boolean): string {
  const repo = checkoutExample(branch, TINY_PROJECT)
  const registry = join(repo, 'src', 'kedro_tiny', 'pipeline_registry.py')
  const code = readFileSync(registry, 'utf8')
    .replace(
      'from pyspark.sql import DataFrame',
      'from pyspark.sql import DataFrame\nfrom tabulate import tabulate'
    )
    .replace(
      '    return measurements.groupBy',
      '    print(tabulate([["scale", scale]]))\n    return measurements.groupBy'
    )
  writeFileSync(registry, code)
  const requirements = readFileSync(join(repo, 'requirements.txt'), 'utf8')
  writeFileSync(
    join(repo, 'requirements.txt'),
    withTabulate ? `${requirements}tabulate==0.9.0\n` : requirements
  )
  mkdirSync(join(repo, 'deployment', 'dataproc', 'serverless'), { recursive: true })
  writeFileSync(join(repo, 'deployment', 'dataproc', 'serverless', 'Dockerfile'), DOCKERFILE)
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'tabulate')
  return repo
}

function run(repo: string, branch: string, runNumber: number) {
  return runAction({
    inputs: {
      ...stackInputs(stack),
      'artifact-registry': stack.registry as string,
      'artifact-repository': 'kedro',
      'build-network': 'host',
      'build-args': `BASE=${base}`,
      'kedro-run-args': '--pipelines=totals',
      'runtime-version': '2.3',
      'pr-comment': 'never',
      'upload-artifacts': 'false'
    },
    env: {
      ...workflowEnv({ workspace: repo, runNumber, ref: branch }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
}

test('a library that only requirements.txt names: installed by the build, imported by the node', async () => {
  if (skip) return
  const result = await run(project('feature/tabulate', true), 'feature/tabulate', 801)
  expect(result.stdout).toMatch(/Successfully installed tabulate-0\.9\.0/)
  expect(result.stdout).toMatch(/^local stack: Spark 3\.5\.\d+, .*, UID 1099$/m)
  expect(result.stdout).toContain('Pipeline execution completed successfully')
  expect(result.outputs.state).toBe('SUCCEEDED')
  expect(result.code).toBe(0)
})

test('the same project with the line removed fails in the driver, naming the module', async () => {
  if (skip) return
  const result = await run(project('feature/no-tabulate', false), 'feature/no-tabulate', 802)
  expect(result.outputs.state).toBe('FAILED')
  expect(result.stdout).toContain("ModuleNotFoundError: No module named 'tabulate'")
  // The reason line: the batch's stateMessage, and the step's error.
  const [batch] = await stackDataproc(stack).getBatch({
    name: `projects/my-project-123/locations/europe-west1/batches/${result.outputs['batch-id']}`
  })
  expect(batch.stateMessage).toMatch(
    /^Job failed with message \[ModuleNotFoundError: No module named 'tabulate'\]/
  )
  expect(result.stdout).toMatch(/::error::.*ModuleNotFoundError: No module named 'tabulate'/)
  expect(result.code).not.toBe(0)
})
