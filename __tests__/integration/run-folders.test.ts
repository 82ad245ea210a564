import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv, type ActionRun } from '../helpers/action.js'
import { git, makeRepo } from '../helpers/git.js'
import { stackDataproc, stackInputs, stackStorage, startTestStack } from '../helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())

const PARENT = 'projects/my-project-123/locations/europe-west1'
const INPUTS = {
  image: '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt',
  entrypoint: 'main.py',
  'pr-comment': 'never',
  'upload-artifacts': 'false'
}

/** A project whose batch prints the marker that its own code.zip carries. */
function project(marker: string): string {
  const repo = makeRepo('feature/shared')
  writeFileSync(join(repo, 'marker.txt'), `${marker}\n`)
  writeFileSync(
    join(repo, 'main.py'),
    'print("marker:", open("code/marker.txt").read().strip(), flush=True)\n'
  )
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', marker)
  return repo
}

let runNumber = 700
const run = (
  repo: string,
  inputs: Record<string, string>,
  number = ++runNumber
): Promise<ActionRun> =>
  runAction({
    inputs: { ...stackInputs(stack), ...INPUTS, ...inputs },
    env: workflowEnv({
      workspace: repo,
      runNumber: number,
      ref: 'feature/shared',
      sha: git(repo, 'rev-parse', 'HEAD').trim()
    })
  })

async function batchesOf(runId: string) {
  const [batches] = await stackDataproc(stack).listBatches({ parent: PARENT })
  return batches.filter(batch => batch.labels?.['run-id'] === runId)
}

async function generations(folder: string): Promise<Record<string, string>> {
  const [files] = await stackStorage(stack).bucket('submit-bucket').getFiles({ prefix: folder })
  return Object.fromEntries(files.map(file => [file.name, String(file.metadata.generation)]))
}

const folderOf = (done: ActionRun): string =>
  (done.outputs['code-uri'] as string).replace(/^gs:\/\/submit-bucket\/|code\.zip$/g, '')

const REFUSED =
  /::error::kedro-dataproc-action: run-id shared-\d was already used on branch feature\/shared: gs:\/\/submit-bucket\/feature-shared-[0-9a-f]{6}\/shared-\d\/ holds code\.zip from other code \(commit [0-9a-f]{12}\)\. A run's folder is immutable once written.*set a different run-id/

test('one explicit run id, other code: refused before anything is uploaded; the first batch runs its own code, and its retry reattaches', async () => {
  const a = project('A')
  const b = project('B')
  const aNumber = ++runNumber
  // Submitted, not yet watched: its batch reads its folder after this step has returned.
  const first = await run(a, { 'run-id': 'shared-1', wait: 'false' }, aNumber)
  expect(first.code).toBe(0)
  const folder = folderOf(first)
  const objects = await generations(folder)
  expect(Object.keys(objects)).toHaveLength(2)
  const batches = await batchesOf('shared-1')
  expect(batches).toHaveLength(1)

  const other = await run(b, { 'run-id': 'shared-1' })
  expect(other.code).toBe(1)
  expect(other.stdout).toMatch(REFUSED)
  expect(await generations(folder)).toEqual(objects)
  expect(await batchesOf('shared-1')).toHaveLength(1)

  // A retry of the first run (same workflow run and attempt) follows its batch to the end.
  const retry = await run(a, { 'run-id': 'shared-1' }, aNumber)
  expect(retry.code).toBe(0)
  expect(retry.stdout).toContain(`reattached to batch ${first.outputs['batch-id']}`)
  expect(retry.stdout).toMatch(/^marker: A$/m)
  expect(retry.outputs.state).toBe('SUCCEEDED')
  expect(await generations(folder)).toEqual(objects)
  expect(await batchesOf('shared-1')).toHaveLength(1)

  // Another workflow run of the same code may use the run id again: nothing is uploaded.
  const again = await run(a, { 'run-id': 'shared-1' })
  expect(again.code).toBe(0)
  expect(again.stdout).toMatch(/^unchanged, not uploaded: .*code\.zip/m)
  expect(again.stdout).toMatch(/^marker: A$/m)
  expect(await generations(folder)).toEqual(objects)
})

test('two runs racing for one explicit run id with other code: one runs its own code, the other is refused', async () => {
  const runs = await Promise.all([
    run(project('C'), { 'run-id': 'shared-2' }),
    run(project('D'), { 'run-id': 'shared-2' })
  ])
  const passed = runs.filter(done => done.code === 0)
  const refused = runs.filter(done => done.code !== 0)
  expect(passed).toHaveLength(1)
  expect(refused).toHaveLength(1)
  const winner = passed[0] as ActionRun
  const mine = winner === runs[0] ? 'C' : 'D'
  expect(winner.stdout).toMatch(new RegExp(`^marker: ${mine}$`, 'm'))
  // Refused when planning (it saw the winner's code.zip) or by the upload's precondition.
  expect((refused[0] as ActionRun).stdout).toMatch(
    /::error::kedro-dataproc-action: .*shared-2\/.*A run's folder is immutable once written/
  )
  expect(await batchesOf('shared-2')).toHaveLength(1)
})
