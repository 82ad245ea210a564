import { createHash } from 'node:crypto'
import { appendFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { protos } from '@google-cloud/dataproc'
import { startRegistry, type Registry } from '../../emulators/registry.js'
import type { Stack } from '../../emulators/stack.js'
import { branchSlug, imageTag, labelValue } from '../../src/plan/naming.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js'
import { runCli } from '../helpers/cli.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { stackDataproc, stackInputs, stackStorage, startTestStack } from '../helpers/stack.js'

/**
 * `kedro-dataproc clean --branch NAME` against the local stack and a real registry: two branches
 * share one fingerprint image, and a release sits beside them.
 */
let stack: Stack
let registry: Registry
let github: GitHubApi

const PARENT = 'projects/my-project-123/locations/europe-west1'
const IMAGE = 'my-project-123/kedro/dataproc-serverless'
const A = 'feature/old-work'
const B = 'feature/other-work'
const [slugA, slugB] = [branchSlug(A), branchSlug(B)]

beforeAll(async () => {
  stack = await startTestStack('off', 'clean-submit', 'clean-output')
  registry = await startRegistry({ stateDir: mkdtempSync(join(tmpdir(), 'clean-registry-')) })
  github = await startGitHubApi()
})
afterAll(async () => {
  await registry?.close()
  await github?.close()
  await stack?.stop()
})

const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const v2 = (path: string): string => `http://${registry.address}/v2/${IMAGE}/${path}`

async function pushBlob(bytes: Buffer): Promise<string> {
  const digest = sha256(bytes)
  const start = await fetch(v2('blobs/uploads/'), { method: 'POST' })
  const location = new URL(start.headers.get('location') as string, v2(''))
  location.searchParams.set('digest', digest)
  const put = await fetch(location, { method: 'PUT', body: bytes })
  expect(put.status).toBe(201)
  return digest
}

/** A small image (one layer of `content`) under each of `tags`; returns its digest. */
async function pushImage(content: string, tags: string[]): Promise<string> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', content }))
  const layer = Buffer.from(content)
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: config.length,
      digest: await pushBlob(config)
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: layer.length,
        digest: await pushBlob(layer)
      }
    ]
  })
  for (const tag of tags) {
    const put = await fetch(v2(`manifests/${tag}`), {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
      body: manifest
    })
    expect(put.status).toBe(201)
  }
  return sha256(manifest)
}

const manifestStatus = async (reference: string): Promise<number> =>
  (
    await fetch(v2(`manifests/${reference}`), {
      method: 'HEAD',
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' }
    })
  ).status

async function upload(bucket: string, name: string, content = 'x'.repeat(100)): Promise<void> {
  await stackStorage(stack).bucket(bucket).file(name).save(content)
}

async function names(bucket: string): Promise<string[]> {
  const [files] = await stackStorage(stack).bucket(bucket).getFiles()
  return files.map(file => file.name).sort()
}

/** A batch of `branch` that runs until cancelled; its operation's name. */
async function runningBatch(branch: string, id: string): Promise<string> {
  const client = stackDataproc(stack)
  const [operation] = await client.createBatch({
    parent: PARENT,
    batchId: id,
    batch: {
      pysparkBatch: { mainPythonFileUri: 'gs://clean-submit/scratch/sleep.py' },
      labels: { branch: labelValue(branchSlug(branch)), env: 'dev' }
    }
  })
  return operation.name ?? ''
}

async function stateOf(name: string): Promise<string> {
  const [batch] = await stackDataproc(stack).getBatch({ name })
  return String(batch.state)
}

function project(): string {
  const dir = checkoutExample('feature/clean', TINY_PROJECT)
  appendFileSync(
    join(dir, 'pyproject.toml'),
    [
      '[tool.kedro-dataproc]',
      'project-id = "my-project-123"',
      'region = "europe-west1"',
      'run-submit-bucket = "clean-submit"',
      'run-output-bucket = "clean-output"',
      `artifact-registry = "${registry.address}"`,
      'artifact-repository = "kedro"',
      ''
    ].join('\n')
  )
  return dir
}

const flags = (): string[] => [
  '--dataproc-endpoint',
  `http://${stack.dataproc}`,
  '--storage-endpoint',
  stack.storage,
  '--json'
]
const resultOf = (stdout: string): Record<string, unknown> =>
  JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, unknown>

test('clean cancels the branch, deletes its folders and tag, keeps the shared image, the other branch and the release; --dry-run lists exactly that', async () => {
  const shared = await pushImage('shared', ['fp-0123456789ab', imageTag(slugA), imageTag(slugB)])
  const release = await pushImage('release', ['fp-feedfacefeed', 'v1.0.0'])
  await upload('clean-submit', 'scratch/sleep.py', 'import time\ntime.sleep(600)\n')
  for (const run of ['run-1', 'run-2']) await upload('clean-submit', `${slugA}/${run}/code.zip`)
  await upload('clean-submit', `${slugB}/run-1/code.zip`)
  await upload('clean-submit', 'release/v1.0.0/code.zip')
  await upload('clean-output', `${slugA}/run-1/part-0.parquet`)
  // Both batches run until cancelled.
  const mine = `${PARENT}/batches/clean-a-running`
  const theirs = `${PARENT}/batches/clean-b-running`
  await runningBatch(A, 'clean-a-running')
  const theirsOperation = await runningBatch(B, 'clean-b-running')
  for (const name of [mine, theirs]) {
    while ((await stateOf(name).catch(() => 'NONE')) !== 'RUNNING')
      await new Promise(resolve => setTimeout(resolve, 100))
  }
  const before = { submit: await names('clean-submit'), output: await names('clean-output') }

  const dir = project()
  const dry = await runCli(['clean', '--branch', A, '--dry-run', ...flags()], { cwd: dir })
  expect(dry.stderr).not.toMatch(/error/)
  expect(dry.code).toBe(0)
  const listed = resultOf(dry.stdout)
  expect(listed.items).toEqual([
    `cancel ${mine}`,
    `delete gs://clean-submit/${slugA}/run-1/code.zip`,
    `delete gs://clean-submit/${slugA}/run-2/code.zip`,
    `untag ${imageTag(slugA)}`
  ])
  expect(listed.kept).toEqual([
    `${registry.address}/${IMAGE}@${shared} (also tagged ${imageTag(slugB)})`
  ])
  // The dry run changed nothing.
  expect(await stateOf(mine)).toBe('RUNNING')
  expect(await names('clean-submit')).toEqual(before.submit)
  expect(await manifestStatus(imageTag(slugA))).toBe(200)

  const real = await runCli(['clean', '--branch', A, ...flags()], { cwd: dir })
  expect(real.code).toBe(0)
  const done = resultOf(real.stdout)
  expect(done.items).toEqual(listed.items)
  expect(done).toMatchObject({ cancelled: 1, folders: 2, objects: 2, bytes: 200 })
  expect(real.stderr).toMatch(/2 run folder\(s\) deleted \(2 object\(s\), 200 bytes\)/)

  const cancelledStates = ['CANCELLING', 'CANCELLED']
  expect(cancelledStates).toContain(await stateOf(mine))
  expect(await stateOf(theirs)).toBe('RUNNING')
  expect(await names('clean-submit')).toEqual(
    before.submit.filter(name => !name.startsWith(`${slugA}/`))
  )
  // Outputs are data: kept without delete-outputs.
  expect(await names('clean-output')).toEqual(before.output)
  expect(await manifestStatus(imageTag(slugA))).toBe(404)
  expect(await manifestStatus(imageTag(slugB))).toBe(200)
  expect(await manifestStatus(shared)).toBe(200)
  expect(await manifestStatus('v1.0.0')).toBe(200)
  expect(await manifestStatus(release)).toBe(200)

  await stackDataproc(stack).operationsClient.cancelOperation(
    protos.google.longrunning.CancelOperationRequest.create({
      name: theirsOperation
    })
  )
})

test('keep-runs: 2 after four runs leaves the newest two run folders; cleanup: true on the closed pull request then removes the branch, its outputs and batch records', async () => {
  const branch = 'feature/keep'
  const slug = branchSlug(branch)
  // Three earlier runs' folders, oldest first, then a fourth run by the action.
  for (const run of ['run-1', 'run-2', 'run-3']) {
    await upload('clean-submit', `${slug}/${run}/code.zip`)
    await upload('clean-submit', `${slug}/${run}/entrypoint.py`)
  }
  await upload('clean-output', `${slug}/run-1/part-0.parquet`)
  await upload('clean-submit', 'scratch/quick.py', 'print("done")\n')
  const inputs = {
    ...stackInputs(stack),
    'run-submit-bucket': 'clean-submit',
    'run-output-bucket': 'clean-output',
    image: '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt',
    'main-python-file': 'gs://clean-submit/scratch/quick.py'
  }
  const env = workflowEnv({
    workspace: checkoutExample(branch, TINY_PROJECT),
    runNumber: 31,
    ref: branch
  })
  const run = await runAction({ inputs: { ...inputs, 'keep-runs': '2' }, env })
  expect(run.code).toBe(0)
  const runId = JSON.parse(run.outputs.plan as string).runId as string
  const folders = async (): Promise<string[]> => [
    ...new Set(
      (await names('clean-submit'))
        .filter(name => name.startsWith(`${slug}/`))
        .map(name => name.split('/')[1] ?? '')
    )
  ]
  expect((await folders()).sort()).toEqual([runId, 'run-3'].sort())
  expect(run.stdout).toContain('keep-runs: 2 run folder(s) deleted (4 object(s), 400 bytes)')

  const batch = JSON.parse(run.outputs.plan as string).batch.name as string
  expect(await stateOf(batch)).toBe('SUCCEEDED')

  const cleanup = await runAction({
    inputs: {
      ...inputs,
      cleanup: 'true',
      'delete-outputs': 'true',
      'delete-batches': 'true',
      'github-token': github.token
    },
    event: { action: 'closed', pull_request: { number: 43, head: { ref: branch } } },
    env: {
      ...workflowEnv({
        workspace: checkoutExample(branch, TINY_PROJECT),
        runNumber: 32,
        event: 'pull_request',
        ref: '43/merge'
      }),
      GITHUB_HEAD_REF: branch,
      GITHUB_API_URL: github.url
    }
  })
  expect(cleanup.code).toBe(0)
  expect(await folders()).toEqual([])
  expect((await names('clean-output')).filter(name => name.startsWith(`${slug}/`))).toEqual([])
  await expect(stateOf(batch)).rejects.toThrow(/NOT_FOUND|not found/i)
  const comment = github.comments.find(c => c.issue === 'acme/pipelines#43')
  expect(comment?.body).toContain(`branch ${branch} cleaned up`)
  expect(comment?.body).toMatch(/- 2 run folder\(s\) deleted \(\d+ object\(s\), \d+ bytes\)/)
  expect(comment?.body).toContain('- 1 finished batch record(s) deleted')
  expect(cleanup.summary).toContain(`branch ${branch} cleaned up`)
  expect(cleanup.summary).toMatch(/2 run folder\(s\) deleted \(\d+ object\(s\), \d+ bytes\)/)
})
