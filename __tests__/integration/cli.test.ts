import { randomBytes } from 'node:crypto'
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runCli, waitForText } from '../helpers/cli.js'
import { makeRepo } from '../helpers/git.js'
import { checkoutExample, gitState, TINY_PROJECT } from '../helpers/project.js'
import { endedBatch, stackDataproc, stackStorage, startTestStack } from '../helpers/stack.js'

/** `kedro-dataproc` (dist/cli.js) run as a child process against the local stack. */
let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket', 'untouched-bucket')
})
afterAll(async () => stack?.stop())

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

/** Where the project keeps its settings: everything but the image and the endpoints. */
const SETTINGS = `
[tool.kedro-dataproc]
project-id = "my-project-123"
region = "europe-west1"
run-submit-bucket = "submit-bucket"
run-output-bucket = "output-bucket"

[tool.kedro-dataproc.dev]
kedro-run-args = "--pipelines=totals --params=scale=10"
labels = { team = "sensors" }
`

/** The only flags the command needs besides the project's settings. */
const endpointFlags = (): string[] => [
  '--dataproc-endpoint',
  `http://${stack.dataproc}`,
  '--storage-endpoint',
  stack.storage
]

function kedroProject(): string {
  const dir = checkoutExample('feature/cli', TINY_PROJECT)
  appendFileSync(join(dir, 'pyproject.toml'), SETTINGS)
  return dir
}

/** A project whose main file prints `lines` numbered lines, slowly or at once. */
function scriptProject(lines: number, delaySeconds: number): string {
  const dir = makeRepo('feature/cli-script')
  writeFileSync(
    join(dir, 'main.py'),
    `import time\nfor i in range(${lines}):\n    print(f"working {i}", flush=True)\n    time.sleep(${delaySeconds})\n`
  )
  writeFileSync(join(dir, 'pyproject.toml'), `${SETTINGS}\nentrypoint = "main.py"\n`)
  return dir
}

async function batchNamed(name: string) {
  const [batch] = await stackDataproc(stack).getBatch({ name })
  return batch
}

const resultOf = (stdout: string): Record<string, string> =>
  JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, string>

test('run with only --image and the endpoints: settings from pyproject.toml, driver output streamed, exit 0', async () => {
  const dir = kedroProject()
  const before = gitState(dir)
  const run = await runCli(['run', '--image', PREBUILT, ...endpointFlags()], { cwd: dir })
  expect(run.stderr).not.toMatch(/error/)
  expect(run.code).toBe(0)
  // The plan says where each value came from.
  expect(run.stdout).toMatch(
    /project-id\s+my-project-123 {2}\(pyproject \[tool\.kedro-dataproc\]\)/
  )
  expect(run.stdout).toMatch(
    /kedro-run-args\s+--pipelines=totals --params=scale=10 {2}\(pyproject \[tool\.kedro-dataproc\.dev\]\)/
  )
  expect(run.stdout).toMatch(/image\s+\S+:prebuilt {2}\(--image\)/)
  expect(run.stdout).toMatch(/branch\s+feature\/cli → feature-cli-[0-9a-f]{6}\s/)
  // Kedro's own output, as the driver printed it, then the outcome.
  expect(run.stdout).toContain('Pipeline execution completed successfully')
  expect(run.stdout).toMatch(/state\s+SUCCEEDED/)
  // The user's repository is read, never changed.
  expect(gitState(dir)).toEqual(before)
})

test('a failing pipeline exits 1 and says why', async () => {
  const run = await runCli(
    ['run', '--image', PREBUILT, '--kedro-run-args=--pipelines=failing', ...endpointFlags()],
    { cwd: kedroProject() }
  )
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(/state\s+FAILED/)
  expect(run.stderr).toMatch(/error: batch \S+ failed: .*ValueError: no sensor may report 3 values/)
})

test('--region us-central1-a exits 2 naming the region and the fix, with nothing uploaded', async () => {
  const run = await runCli(
    [
      'run',
      '--image',
      PREBUILT,
      '--region',
      'us-central1-a',
      '--run-submit-bucket',
      'untouched-bucket',
      ...endpointFlags()
    ],
    { cwd: kedroProject() }
  )
  expect(run.code).toBe(2)
  expect(run.stderr).toContain(
    "region: 'us-central1-a' is a zone; Dataproc Serverless runs in a region, e.g. 'us-central1' [--region]"
  )
  expect(run.stderr).toContain('nothing was done')
  const [files] = await stackStorage(stack).bucket('untouched-bucket').getFiles()
  expect(files).toEqual([])
})

test('without Google credentials the command says how to get them, having done nothing', async () => {
  const run = await runCli(
    [
      'run',
      '--image',
      PREBUILT,
      '--run-submit-bucket',
      'untouched-bucket',
      // TLS endpoints: these need credentials, as Google's own do.
      '--dataproc-endpoint',
      'https://127.0.0.1:9',
      '--storage-endpoint',
      'https://127.0.0.1:9'
    ],
    {
      cwd: kedroProject(),
      // No gcloud login in this HOME, and no metadata server to ask.
      env: { HOME: mkdtempSync(join(tmpdir(), 'home-')), METADATA_SERVER_DETECTION: 'none' }
    }
  )
  expect(run.code).toBe(1)
  expect(run.stderr).toMatch(
    /error: no Google Cloud credentials \(.+\): run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS/
  )
  const [files] = await stackStorage(stack).bucket('untouched-bucket').getFiles()
  expect(files).toEqual([])
})

test('an unknown key in [tool.kedro-dataproc] exits 2 naming it and the closest valid name', async () => {
  const dir = kedroProject()
  appendFileSync(join(dir, 'pyproject.toml'), 'regoin = "europe-west1"\n')
  const run = await runCli(['run', '--image', PREBUILT, '--json', ...endpointFlags()], { cwd: dir })
  expect(run.code).toBe(2)
  expect(run.stderr).toContain(
    "[tool.kedro-dataproc.dev]: unknown key 'regoin'; did you mean 'region'?"
  )
  expect(resultOf(run.stdout)).toMatchObject({ exitCode: 2, state: 'INVALID' })
})

test('SIGINT during run cancels the batch: CANCELLED, exit 1, one JSON result on stdout', async () => {
  const run = await runCli(['run', '--image', PREBUILT, '--json', ...endpointFlags()], {
    cwd: scriptProject(600, 0.1),
    onStart: child => void waitForText(child, /working 5\b/).then(() => child.kill('SIGINT'))
  })
  expect(run.code).toBe(1)
  // --json: the driver's output and the plan went to stderr, the result alone to stdout.
  expect(run.stderr).toContain('working 5')
  expect(run.stderr).toContain('press Ctrl-C again to leave it running')
  const result = resultOf(run.stdout)
  expect(run.stdout.trim().split('\n')).toHaveLength(1)
  expect(result).toMatchObject({ exitCode: 1, state: 'CANCELLED', succeeded: false })
  expect((await batchNamed(result.batchName as string)).state).toBe('CANCELLED')
})

test('leaving a batch running prints the commands to follow and cancel it, and they work', async () => {
  const dir = scriptProject(600, 0.1)
  const run = await runCli(
    ['run', '--image', PREBUILT, '--no-cancel-on-abort', ...endpointFlags()],
    {
      cwd: dir,
      onStart: child => void waitForText(child, /working 3\b/).then(() => child.kill('SIGINT'))
    }
  )
  expect(run.code).toBe(130)
  const name = /kedro-dataproc cancel (projects\/\S+)/.exec(run.stderr)?.[1] as string
  expect((await batchNamed(name)).state).toBe('RUNNING')
  expect(run.stderr).toContain(`kedro-dataproc logs ${name} --dataproc-endpoint`)
  // The hint as printed, word for word: it works.
  const cancelArgs = (/kedro-dataproc (cancel .*)/.exec(run.stderr)?.[1] as string).split(' ')
  expect(cancelArgs).toContain('--storage-endpoint')
  // And cancel reaches Dataproc alone: with no storage endpoint and no credentials at all, it
  // still cancels (the storage endpoint would be Google's, which needs credentials).
  const dataprocOnly = cancelArgs.slice(0, cancelArgs.indexOf('--dataproc-endpoint') + 2)
  const cancel = await runCli(dataprocOnly, {
    cwd: dir,
    env: { HOME: mkdtempSync(join(tmpdir(), 'home-')), METADATA_SERVER_DETECTION: 'none' }
  })
  expect(cancel.stderr).toContain('CANCELLED')
  expect(cancel.code).toBe(0)
  expect((await batchNamed(name)).state).toBe('CANCELLED')
})

test('a second Ctrl-C while CreateBatch is in flight says so and prints the batch it left, which can then be cancelled', async () => {
  // Dataproc takes the create, but its answer is held.
  stack.dataprocEmulator.faults.arm({
    route: 'dataproc.CreateBatch',
    times: 1,
    afterApply: true,
    delayMs: 20_000
  })
  const creates = (): number =>
    stack.dataprocEmulator.faults.requestCounts()['dataproc.CreateBatch'] ?? 0
  const before = creates()
  const dir = scriptProject(600, 0.1)
  const run = await runCli(['run', '--image', PREBUILT, ...endpointFlags()], {
    cwd: dir,
    onStart: child =>
      void (async () => {
        while (creates() === before) await new Promise(resolve => setTimeout(resolve, 20))
        child.kill('SIGINT')
        await waitForText(child, /as soon as its creation answers/)
        child.kill('SIGINT')
      })()
  })
  stack.dataprocEmulator.faults.clear()
  expect(run.code).toBe(130)
  expect(run.stderr).not.toContain('no batch was submitted')
  expect(run.stderr).toContain('was in flight: the batch may have been created')
  const cancelArgs = (/kedro-dataproc (cancel .*)/.exec(run.stderr)?.[1] as string).split(' ')
  const name = cancelArgs[1] as string
  expect((await batchNamed(name)).state).not.toBe('CANCELLED')
  const cancel = await runCli(cancelArgs, { cwd: dir })
  expect(cancel.code).toBe(0)
  expect((await batchNamed(name)).state).toBe('CANCELLED')
})

test('a second Ctrl-C once Dataproc accepted the cancel does not call the batch still running', async () => {
  const run = await runCli(['run', '--image', PREBUILT, ...endpointFlags()], {
    cwd: scriptProject(600, 0.1),
    onStart: child =>
      void (async () => {
        await waitForText(child, /working 3\b/)
        child.kill('SIGINT')
        await waitForText(child, /Dataproc accepted the cancel/)
        child.kill('SIGINT')
      })()
  })
  expect(run.code).toBe(130)
  expect(run.stderr).not.toContain('still running')
  expect(run.stderr).toMatch(/batch \S+ is being cancelled \(Dataproc accepted the cancel\)/)
  const name = /kedro-dataproc logs (projects\/\S+)/.exec(run.stderr)?.[1] as string
  expect((await endedBatch(stack, name)).state).toBe('CANCELLED')
})

test('logs on a finished batch prints its whole driver output, and nothing else on stdout', async () => {
  const dir = scriptProject(40, 0)
  const run = await runCli(['run', '--image', PREBUILT, '--json', ...endpointFlags()], { cwd: dir })
  expect(run.code).toBe(0)
  const { batchId } = resultOf(run.stdout)
  // A bare batch id: the project and region come from pyproject.toml, as for run.
  const logs = await runCli(['logs', batchId as string, ...endpointFlags()], { cwd: dir })
  expect(logs.code).toBe(0)
  const expected = Array.from({ length: 40 }, (_, i) => `working ${i}`)
  expect(logs.stdout.split('\n').filter(line => line.startsWith('working '))).toEqual(expected)
  expect(logs.stderr).toContain('SUCCEEDED')
})

test('not on a terminal, a code.zip of several MB shows its upload progress as a line per quarter', async () => {
  const dir = scriptProject(1, 0)
  // Random bytes are stored, not deflated: the zip is as big as the model, and streamed.
  mkdirSync(join(dir, 'data'))
  writeFileSync(join(dir, 'data', 'model.pkl'), randomBytes(12 * 1024 * 1024))
  const run = await runCli(['run', '--image', PREBUILT, ...endpointFlags()], { cwd: dir })
  expect(run.code).toBe(0)
  const progress = run.stderr.split('\n').filter(line => line.startsWith('uploading code.zip:'))
  // One line per quarter, at the first event past it (events come a chunk at a time).
  const percents = progress.map(line => Number(/: (\d+)%/.exec(line)?.[1]))
  expect(percents).toHaveLength(4)
  percents.forEach((percent, i) => {
    expect(percent).toBeGreaterThanOrEqual(25 * (i + 1))
    expect(percent).toBeLessThan(25 * (i + 2))
  })
  expect(progress[3]).toMatch(/^uploading code\.zip: 100% \((\d+\.\d)\/\1 MB\)$/)
  // No terminal: no bar, no cursor movement.
  expect(run.stderr).not.toContain('█')
  expect(run.stderr).not.toContain('\x1b[')
})
