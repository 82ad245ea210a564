import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv, type ActionRun } from '../helpers/action.js'
import { git } from '../helpers/git.js'
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { skipWithoutDocker, stackInputs, startTestStack } from '../helpers/stack.js'
import { testImage } from '../helpers/test-image.js'
import { runnerCommands } from '../helpers/workflow-commands.js'

/**
 * Failures that name their root cause, and the pipeline as a picture: real Kedro on real Spark,
 * in a real image (Kedro, kedro-datasets and gcsfs; no matplotlib), through the action on a pull
 * request, so the summary, the sticky comment and the annotations are the ones GitHub would get.
 */
let stack: Stack
let github: GitHubApi
let image: string
let skip = false

beforeAll(async () => {
  ;[stack, github] = await Promise.all([
    startTestStack('docker', 'submit-bucket', 'output-bucket'),
    startGitHubApi()
  ])
  skip = skipWithoutDocker(stack)
  if (!skip) image = await testImage(stack)
})
afterAll(async () => Promise.all([stack?.stop(), github?.close()]))

const REGISTRY = 'src/kedro_tiny/pipeline_registry.py'

/** The tiny project with four nodes in a row; under `broken`, the third raises. */
const PIPELINES = `from kedro.pipeline import Pipeline, node, pipeline
from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def total_per_sensor(measurements: DataFrame, scale: int) -> DataFrame:
    return measurements.groupBy("sensor").agg((F.sum("value") * scale).alias("total"))


def count_rows(totals: DataFrame) -> int:
    return totals.count()


def check(count: int) -> int:
    raise ValueError(f"expected 3 sensors, found {count}")


def publish(checked: int) -> int:
    return checked


def register_pipelines() -> dict[str, Pipeline]:
    counted = pipeline(
        [
            node(total_per_sensor, ["measurements", "params:scale"], "totals", name="totals"),
            node(count_rows, "totals", "sensor_count", name="count"),
        ]
    )
    broken = counted + pipeline(
        [
            node(check, "sensor_count", "checked", name="check"),
            node(publish, "checked", "published", name="publish"),
        ]
    )
    return {"__default__": counted, "counted": counted, "broken": broken}
`

/** As Kedro's starters register pipelines, with one that needs a library the image lacks. */
const FIND_PIPELINES = `from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(pipelines.values())
    return pipelines
`
const REPORTING = `import matplotlib.pyplot as plt
from kedro.pipeline import Pipeline


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline([])
`

function project(files: Record<string, string>): string {
  const repo = checkoutExample('feature/causes', TINY_PROJECT)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true })
    writeFileSync(join(repo, path), text)
  }
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'pipelines')
  return repo
}

let runNumber = 2900
function pullRequestRun(repo: string, kedroRunArgs: string): Promise<ActionRun> {
  runNumber += 1
  return runAction({
    inputs: {
      ...stackInputs(stack),
      image,
      'kedro-run-args': kedroRunArgs,
      'github-token': github.token
    },
    event: { pull_request: { number: 29, head: { ref: 'feature/causes', sha: 'a'.repeat(40) } } },
    env: {
      ...workflowEnv({ workspace: repo, runNumber, event: 'pull_request', ref: '29/merge' }),
      GITHUB_HEAD_REF: 'feature/causes',
      GITHUB_WORKFLOW: 'dataproc-dev',
      GITHUB_JOB: `run-${runNumber}`,
      GITHUB_API_URL: github.url
    }
  })
}

/** The Mermaid block of a summary or comment. */
function mermaid(text: string): string {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(text)
  if (!block) throw new Error(`no Mermaid graph in:\n${text}`)
  return block[1] as string
}

/** The sticky comment of a run (each run is its own job, so has its own comment). */
function comment(run: ActionRun): string {
  const found = github.comments.find(c => c.body.includes(run.outputs['batch-id'] as string))
  if (!found) throw new Error(`no comment names batch ${run.outputs['batch-id']}`)
  return found.body
}

test('a successful run: the summary and the comment draw every node, completed', async () => {
  if (skip) return
  const run = await pullRequestRun(project({ [REGISTRY]: PIPELINES }), '--pipelines=counted')
  expect(run.outputs.state).toBe('SUCCEEDED')
  for (const text of [run.summary, comment(run)]) {
    const graph = mermaid(text)
    expect(graph).toMatch(/\["✅ totals<br\/>[\d.]+s"\]:::completed/)
    expect(graph).toMatch(/\["✅ count<br\/>[\d.]+s"\]:::completed/)
    expect(graph).not.toMatch(/:::(failed|notrun)$/m)
    expect(graph).toMatch(/\[\("measurements"\)\]:::dataset/)
  }
  expect(run.summary).toContain('2 completed, 0 failed, 0 not run of 2 nodes')
  expect(run.summary).toContain('| slowest nodes | outcome | time |')
  expect(runnerCommands(run.stdout).filter(c => c.name === 'error')).toEqual([])
})

test('a node that raises: its line annotated, a summary row, and the graph shows where it stopped', async () => {
  if (skip) return
  const run = await pullRequestRun(project({ [REGISTRY]: PIPELINES }), '--pipelines=broken')
  expect(run.code).toBe(1)
  expect(run.outputs.state).toBe('FAILED')
  expect(run.outputs['state-message']).toBe('ValueError: expected 3 sensors, found 2')
  const raising = PIPELINES.split('\n').findIndex(line => line.includes('raise ValueError')) + 1
  const annotations = runnerCommands(run.stdout).filter(c => c.properties.file)
  expect(annotations).toEqual([
    expect.objectContaining({
      name: 'error',
      properties: { file: REGISTRY, line: String(raising) },
      data: 'Kedro node check failed: ValueError: expected 3 sensors, found 2'
    })
  ])
  expect(run.stdout).toContain(`::error file=${REGISTRY},line=${raising}::`)
  expect(run.summary).toMatch(
    /<td>failed node<\/td><td>check: ValueError: expected 3 sensors, found 2 \(raised at src\/kedro_tiny\/pipeline_registry\.py:\d+ in the project\)<\/td>/
  )
  for (const text of [run.summary, comment(run)]) {
    const graph = mermaid(text)
    expect(graph).toMatch(/\["✅ totals<br\/>[\d.]+s"\]:::completed/)
    expect(graph).toMatch(/\["✅ count<br\/>[\d.]+s"\]:::completed/)
    expect(graph).toMatch(/\["❌ check<br\/>[\d.]+s"\]:::failed/)
    expect(graph).toMatch(/\["⏸️ publish"\]:::notrun/)
  }
  expect(run.summary).toContain('2 completed, 1 failed, 1 not run of 4 nodes')
})

test('a library missing from the image: the reason is the innermost exception', async () => {
  if (skip) return
  const repo = project({
    [REGISTRY]: FIND_PIPELINES,
    'src/kedro_tiny/pipelines/__init__.py': '',
    'src/kedro_tiny/pipelines/reporting/__init__.py': REPORTING
  })
  const run = await pullRequestRun(repo, '')
  expect(run.outputs.state).toBe('FAILED')
  // Kedro's own exception says only that a module failed to import; the cause is under it.
  expect(run.outputs['state-message']).toMatch(
    /^ModuleNotFoundError: No module named 'matplotlib' \(the cause of ImportError: An error occurred while importing the 'kedro_tiny\.pipelines\.reporting' module\.\)$/
  )
  expect(run.summary).toContain(
    "<strong>ModuleNotFoundError: No module named 'matplotlib' (the cause"
  )
  expect(run.stdout).toMatch(/::error::.*No module named 'matplotlib'/)
})

test('a resolver used but not registered: the reason names it', async () => {
  if (skip) return
  const settings = 'from kedro_tiny.hooks import SparkHooks\n\nHOOKS = (SparkHooks(),)\n'
  const repo = project({ [REGISTRY]: PIPELINES, 'src/kedro_tiny/settings.py': settings })
  const run = await pullRequestRun(repo, '--pipelines=counted')
  expect(run.outputs.state).toBe('FAILED')
  expect(run.outputs['state-message']).toMatch(
    /^UnsupportedInterpolationType: Unsupported interpolation type oc\.env full_key: totals\.filepath\b/
  )
})
