import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { manifestDigest } from '../helpers/image-files.js'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv, type ActionRun } from '../helpers/action.js'
import { git } from '../helpers/git.js'
import { checkoutExample, zipEntries } from '../helpers/project.js'
import {
  skipWithoutDocker,
  stackDataproc,
  stackInputs,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'

let stack: Stack
let inputs: Record<string, string>
let repo: string
let skip = false

const REPOSITORY = 'my-project-123/kedro/dataproc-serverless'
const PARENT = 'projects/my-project-123/locations/europe-west1'

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
  skip = skipWithoutDocker(stack)
  if (skip) return
  inputs = {
    ...stackInputs(stack),
    env: 'prod',
    'artifact-registry': stack.registry as string,
    'artifact-repository': 'kedro',
    'build-network': 'host',
    'kedro-run-args': '--pipelines=data_processing'
  }
  repo = checkoutExample('release/v0.2')
})
afterAll(async () => stack?.stop())

let runNumber = 300
function tagPush(version: string): Record<string, string> {
  runNumber += 1
  const sha = git(repo, 'rev-parse', 'HEAD').trim()
  return {
    ...workflowEnv({ workspace: repo, runNumber, ref: version, refType: 'tag', sha }),
    DOCKER_HOST: stack.dockerHost ?? ''
  }
}

const prepare = (version: string, extra: Record<string, string> = {}): Promise<ActionRun> =>
  runAction({ inputs: { ...inputs, submit: 'false', ...extra }, env: tagPush(version) })
const trigger = (release: string): Promise<ActionRun> =>
  runAction({
    inputs: { ...inputs, release, prepare: 'false' },
    env: {
      ...tagPush(release),
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_REF_NAME: 'main'
    }
  })

async function releaseObjects(version: string): Promise<Record<string, string>> {
  const [files] = await stackStorage(stack)
    .bucket('submit-bucket')
    .getFiles({ prefix: `release/${version}/` })
  return Object.fromEntries(
    files.map(file => [file.name.split('/').pop() as string, String(file.metadata.generation)])
  )
}

async function manifestOf(version: string): Promise<Record<string, string>> {
  const [bytes] = await stackStorage(stack)
    .bucket('submit-bucket')
    .file(`release/${version}/release.json`)
    .download()
  return JSON.parse(bytes.toString()) as Record<string, string>
}

function guard(): boolean {
  if (skip) console.warn('SKIPPED: prod release tests need Docker and the registry')
  return skip
}

test('prepare v0.2.0 (tag push, no trigger): image tagged v0.2.0, three files, manifest digest = registry digest', async () => {
  if (guard()) return
  const run = await prepare('v0.2.0')
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('PREPARED')
  expect(Object.keys(await releaseObjects('v0.2.0')).sort()).toEqual([
    'code.zip',
    'entrypoint.py',
    'release.json'
  ])
  const manifest = await manifestOf('v0.2.0')
  const digest = await manifestDigest(stack.registry as string, REPOSITORY, 'v0.2.0')
  expect(manifest).toMatchObject({
    version: 'v0.2.0',
    imageDigest: digest,
    image: `${stack.registry}/${REPOSITORY}@${digest}`
  })
  expect(manifest.commit).toBe(git(repo, 'rev-parse', 'HEAD').trim())
  expect(manifest.actionVersion).toMatch(/^\d+\.\d+\.\d+/)
  expect(Number.isNaN(Date.parse(manifest.createdAt ?? ''))).toBe(false)
  const [batches] = await stackDataproc(stack).listBatches({ parent: PARENT })
  expect(batches.filter(batch => batch.labels?.release === 'v0-2-0')).toHaveLength(0)
})

test('preparing the same content again succeeds without uploading anything', async () => {
  if (guard()) return
  const before = await releaseObjects('v0.2.0')
  const run = await prepare('v0.2.0')
  expect(run.code).toBe(0)
  expect(run.stdout).toContain('already prepared with identical content')
  expect(await releaseObjects('v0.2.0')).toEqual(before)
})

test('two triggers run two batches of the pinned digest, with their own run ids and outputs', async () => {
  if (guard()) return
  const manifest = await manifestOf('v0.2.0')
  const runs = [await trigger('v0.2.0'), await trigger('v0.2.0')]
  const plans = runs.map(run => JSON.parse(run.outputs.plan as string))
  for (const [index, run] of runs.entries()) {
    expect(run.code).toBe(0)
    expect(run.outputs.state).toBe('SUCCEEDED')
    const [batch] = await stackDataproc(stack).getBatch({ name: plans[index].batch.name })
    expect(batch.runtimeConfig?.containerImage).toBe(manifest.image)
    expect(batch.pysparkBatch?.mainPythonFileUri).toBe(
      'gs://submit-bucket/release/v0.2.0/entrypoint.py'
    )
    expect(run.outputs['run-output-uri']).toMatch(
      /^gs:\/\/output-bucket\/release\/v0\.2\.0\/v0\.2\.0-r\d+-a1-[0-9a-f]{6}$/
    )
  }
  expect(plans[0].runId).not.toBe(plans[1].runId)
  expect(plans[0].batch.id).not.toBe(plans[1].batch.id)
})

test('triggering a release that was never prepared fails clearly and submits nothing', async () => {
  if (guard()) return
  const [before] = await stackDataproc(stack).listBatches({ parent: PARENT })
  const run = await trigger('v9.9.9')
  expect(run.code).toBe(1)
  expect(run.stdout).toContain('::error::kedro-dataproc-action: release v9.9.9 was never prepared')
  const [after] = await stackDataproc(stack).listBatches({ parent: PARENT })
  expect(after).toHaveLength(before.length)
})

test('re-preparing v0.2.0 from changed code is refused and overwrites nothing; force replaces it', async () => {
  if (guard()) return
  const objects = await releaseObjects('v0.2.0')
  const digest = await manifestDigest(stack.registry as string, REPOSITORY, 'v0.2.0')
  writeFileSync(join(repo, 'conf/base/parameters.yml'), 'changed_after_release: true\n')

  const refused = await prepare('v0.2.0')
  expect(refused.code).toBe(1)
  expect(refused.stdout).toMatch(
    /::error::kedro-dataproc-action: release v0\.2\.0 was already prepared from other code .*immutable.*force: true/
  )
  expect(await releaseObjects('v0.2.0')).toEqual(objects)
  expect(await manifestDigest(stack.registry as string, REPOSITORY, 'v0.2.0')).toBe(digest)

  const forced = await prepare('v0.2.0', { force: 'true' })
  expect(forced.code).toBe(0)
  const replaced = await releaseObjects('v0.2.0')
  expect(replaced['code.zip']).not.toBe(objects['code.zip'])
  expect(replaced['release.json']).not.toBe(objects['release.json'])
  const manifest = await manifestOf('v0.2.0')
  expect(manifest.imageDigest).toBe(
    await manifestDigest(stack.registry as string, REPOSITORY, 'v0.2.0')
  )
  expect(manifest.imageDigest).not.toBe(digest)
})

test('a prepare that failed in the build releases nothing; the fixed prepare replaces what it left, then tags', async () => {
  if (guard()) return
  const bucket = stackStorage(stack).bucket('submit-bucket')
  // What an earlier prepare that died part way left: code and entrypoint, no release.json.
  await bucket.file('release/v0.3.0/code.zip').save('partial')
  await bucket.file('release/v0.3.0/entrypoint.py').save('partial')
  writeFileSync(join(repo, 'conf/base/parameters.yml'), 'fixed_in_v0_3: false\n')
  // The release's build fails in its prod stage; the fix takes that step out again.
  const dockerfile = join(repo, 'deployment/dataproc/serverless/Dockerfile')
  const working = readFileSync(dockerfile, 'utf8')
  writeFileSync(dockerfile, `${working}RUN echo 'broken release step' && exit 3\n`)
  const broken = await prepare('v0.3.0')
  writeFileSync(dockerfile, working)
  expect(broken.code).toBe(1)
  expect(broken.stdout).toContain('broken release step')
  expect(Object.keys(await releaseObjects('v0.3.0'))).not.toContain('release.json')
  expect(await manifestDigest(stack.registry as string, REPOSITORY, 'v0.3.0')).toBeNull()

  writeFileSync(join(repo, 'conf/base/parameters.yml'), 'fixed_in_v0_3: true\n')
  const fixed = await prepare('v0.3.0')
  expect(fixed.code).toBe(0)
  expect(fixed.outputs.state).toBe('PREPARED')
  const manifest = await manifestOf('v0.3.0')
  expect(manifest.imageDigest).toBe(
    await manifestDigest(stack.registry as string, REPOSITORY, 'v0.3.0')
  )
  const [code] = await bucket.file('release/v0.3.0/code.zip').download()
  const entries = await zipEntries(code)
  expect(entries.get('conf/base/parameters.yml')?.toString()).toBe('fixed_in_v0_3: true\n')
  const [entrypoint] = await bucket.file('release/v0.3.0/entrypoint.py').download()
  expect(entrypoint.toString()).toContain('kedro')
})

test('a prepare whose upload fails pushes no release tag and writes no release.json', async () => {
  if (guard()) return
  writeFileSync(join(repo, 'conf/base/parameters.yml'), 'upload_fails: true\n')
  stack.gcs.faults.arm({ route: 'gcs.upload', times: 50, status: 403 })
  try {
    const run = await prepare('v0.4.0')
    expect(run.code).toBe(1)
  } finally {
    stack.gcs.faults.clear()
  }
  expect(Object.keys(await releaseObjects('v0.4.0'))).not.toContain('release.json')
  expect(await manifestDigest(stack.registry as string, REPOSITORY, 'v0.4.0')).toBeNull()
})
