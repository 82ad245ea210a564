import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { branchSlug } from '../../src/plan/naming.js'
import { imageLayerFiles, imageLayers, manifestDigest } from '../helpers/image-files.js'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv, type ActionRun } from '../helpers/action.js'
import { git } from '../helpers/git.js'
import { checkoutExample, gitState, zipEntries } from '../helpers/project.js'
import { runnableImage } from '../helpers/test-image.js'
import {
  downloadUri,
  skipWithoutDocker,
  stackDataproc,
  stackInputs,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'

let stack: Stack
let skip = false

const PARENT = 'projects/my-project-123/locations/europe-west1'
const REPOSITORY = 'my-project-123/kedro/dataproc-serverless'
// Made when the test runs: the repository holds no key, not even for tests.
const KEY = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
/** What google-github-actions/auth writes for a service-account key. */
const AUTH_FILE = 'gha-creds-8f2d41c0a9b7e3f1.json'
const AUTH_FILE_TEXT = JSON.stringify({
  type: 'service_account',
  project_id: 'my-project-123',
  private_key: KEY,
  client_email: 'deployer@my-project-123.iam.gserviceaccount.com'
})
/** A second credentials file, found only through the variable that names it. */
const NAMED_FILE = 'creds/application_default.json'

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
  skip = skipWithoutDocker(stack)
})
afterAll(async () => stack?.stop())

function guard(): boolean {
  if (skip) console.warn('SKIPPED: these tests build images and need Docker and the registry')
  return skip
}

/** The example project checked out, with the files the auth step leaves in the workspace. */
function workspaceWithCredentials(branch: string): string {
  const repo = checkoutExample(branch)
  writeFileSync(join(repo, AUTH_FILE), AUTH_FILE_TEXT)
  mkdirSync(join(repo, 'creds'))
  writeFileSync(join(repo, NAMED_FILE), '{"type": "external_account"}')
  return repo
}

function authEnv(repo: string): Record<string, string> {
  return {
    GOOGLE_APPLICATION_CREDENTIALS: join(repo, AUTH_FILE),
    GOOGLE_GHA_CREDS_PATH: join(repo, AUTH_FILE),
    CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: join(repo, NAMED_FILE)
  }
}

const buildInputs = (): Record<string, string> => ({
  ...stackInputs(stack),
  'artifact-registry': stack.registry as string,
  'artifact-repository': 'kedro',
  'build-network': 'host',
  'pr-comment': 'never',
  'upload-artifacts': 'false'
})

const download = (uri: string): Promise<Buffer> => downloadUri(stack, uri)

const isCredentials = (name: string): boolean => /gha-creds-|application_default\.json/.test(name)

function expectLeftOutAndSaid(run: ActionRun): void {
  expect(run.stdout).toContain(
    `not in code.zip: ${AUTH_FILE}: credentials file named by GOOGLE_APPLICATION_CREDENTIALS, never shipped`
  )
  expect(run.stdout).toContain(
    `not in code.zip: ${NAMED_FILE}: credentials file named by CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE, never shipped`
  )
  expect(run.stdout).toContain(`not in the image build context: ${AUTH_FILE}: credentials file`)
  expect(run.stdout).toContain(`not in the image build context: ${NAMED_FILE}: credentials file`)
}

test('a dev run with the auth step’s files in the workspace ships neither, says so and changes nothing', async () => {
  if (guard()) return
  const repo = workspaceWithCredentials('feature/creds')
  const before = gitState(repo)
  const run = await runAction({
    inputs: buildInputs(),
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 501, ref: 'feature/creds' }),
      ...authEnv(repo),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('SUCCEEDED')
  expectLeftOutAndSaid(run)
  const zip = await zipEntries(await download(run.outputs['code-uri'] as string))
  expect(zip.has('conf/base/catalog.yml')).toBe(true)
  expect([...zip.keys()].filter(isCredentials)).toEqual([])
  expect(gitState(repo)).toEqual(before)
})

test('a release’s code.zip and every layer of its pushed image hold no credentials file', async () => {
  if (guard()) return
  const repo = workspaceWithCredentials('release/v3')
  const before = gitState(repo)
  const sha = git(repo, 'rev-parse', 'HEAD').trim()
  const run = await runAction({
    inputs: { ...buildInputs(), env: 'prod', submit: 'false' },
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 502, ref: 'v3.0.0', refType: 'tag', sha }),
      ...authEnv(repo),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('PREPARED')
  expectLeftOutAndSaid(run)
  const zip = await zipEntries(await download('gs://submit-bucket/release/v3.0.0/code.zip'))
  expect(zip.size).toBeGreaterThan(10)
  expect([...zip.keys()].filter(isCredentials)).toEqual([])
  // The prod stage copies the project into the image: the check below reads that copy.
  const layers = await imageLayerFiles(stack.registry as string, REPOSITORY, 'v3.0.0')
  const files = layers.flat()
  expect(files).toContain('home/kedro/code/conf/base/catalog.yml')
  expect(files).toContain('home/kedro/code/creds/')
  expect(files.filter(isCredentials)).toEqual([])
  expect(gitState(repo)).toEqual(before)
})

test('a project holding deploy-key.pem is refused before anything is built, uploaded or submitted', async () => {
  if (guard()) return
  const repo = checkoutExample('feature/key')
  writeFileSync(join(repo, 'deploy-key.pem'), KEY)
  const [batchesBefore] = await stackDataproc(stack).listBatches({ parent: PARENT })
  const run = await runAction({
    inputs: buildInputs(),
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 503, ref: 'feature/key' }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    /::error::kedro-dataproc-action: The (code snapshot|image build context).* holds private keys.*deploy-key\.pem \(a private key: -----BEGIN PRIVATE KEY-----\).*allow-secret-files/
  )
  const [objects] = await stackStorage(stack)
    .bucket('submit-bucket')
    .getFiles({ prefix: `${branchSlug('feature/key')}/` })
  expect(objects).toEqual([])
  const [batchesAfter] = await stackDataproc(stack).listBatches({ parent: PARENT })
  expect(batchesAfter).toHaveLength(batchesBefore.length)
  expect(
    await manifestDigest(stack.registry as string, REPOSITORY, branchSlug('feature/key'))
  ).toBeNull()

  // Named on purpose, it ships.
  const allowed = await runAction({
    inputs: { ...buildInputs(), 'allow-secret-files': 'deploy-key.pem' },
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 504, ref: 'feature/key' }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(allowed.code).toBe(0)
  expect(allowed.stdout).toContain('allow-secret-files')
  const zip = await zipEntries(await download(allowed.outputs['code-uri'] as string))
  expect(zip.get('deploy-key.pem')?.toString()).toBe(KEY)
})

/** actions/checkout's token, as it persists it in every repository's config (submodules too). */
const TOKEN = 'ghs_checkoutTokenMarker7Qe2x9Lm4Rt8Yb1'
const TOKEN_HEADER = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
/** What `gcloud auth application-default login` writes: a user's refresh token. */
const REFRESH_TOKEN = '1//0gLoginMarkerRefreshToken-3fK9'
const USER_LOGIN = JSON.stringify({
  client_id: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
  client_secret: 'd-FL95Q19q7MQmFpd7hHD0Ty',
  refresh_token: REFRESH_TOKEN,
  type: 'authorized_user'
})

/**
 * The example checked out as actions/checkout leaves it with `submodules: true`: a real submodule,
 * and the token in the superproject's and the submodule's git config. Its .dockerignore keeps
 * `.git`, as a project whose build reads its version from git does.
 */
function checkoutWithSubmodule(branch: string): string {
  const library = mkdtempSync(join(tmpdir(), 'kedro-library-'))
  git(library, 'init', '-q', '-b', 'main')
  writeFileSync(join(library, 'helpers.py'), 'VALUE = 1\n')
  git(library, 'add', '-A')
  git(
    library,
    '-c',
    'user.email=dev@example.com',
    '-c',
    'user.name=Dev',
    'commit',
    '-q',
    '-m',
    'lib'
  )
  const repo = checkoutExample(branch)
  const dockerignore = join(repo, '.dockerignore')
  writeFileSync(dockerignore, readFileSync(dockerignore, 'utf8').replace(/^\.git$/m, ''))
  git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library, 'libs/shared')
  git(repo, 'commit', '-q', '-am', 'submodule')
  for (const dir of [repo, join(repo, 'libs/shared')]) {
    git(dir, 'config', '--local', 'http.https://github.com/.extraheader', TOKEN_HEADER)
  }
  return repo
}

test('a release with checkout’s token in a submodule’s git config, .env and Kedro credentials ships none of them, and says so', async () => {
  if (guard()) return
  const repo = checkoutWithSubmodule('release/v4')
  expect(readFileSync(join(repo, '.git/modules/libs/shared/config'), 'utf8')).toContain(
    TOKEN_HEADER
  )
  writeFileSync(join(repo, '.env'), `DB_PASSWORD=${REFRESH_TOKEN}-env\n`)
  writeFileSync(
    join(repo, 'conf/base/credentials.yml'),
    `db:\n  password: ${REFRESH_TOKEN}-kedro\n`
  )
  // Too big to be read for keys: shipped, and named in the log.
  writeFileSync(join(repo, 'data/01_raw/big.bin'), Buffer.alloc(1536 * 1024, 7))
  const sha = git(repo, 'rev-parse', 'HEAD').trim()
  const run = await runAction({
    inputs: { ...buildInputs(), env: 'prod', submit: 'false' },
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 520, ref: 'v4.0.0', refType: 'tag', sha }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('PREPARED')
  const zip = await download('gs://submit-bucket/release/v4.0.0/code.zip')
  const layers = await imageLayers(stack.registry as string, REPOSITORY, 'v4.0.0')
  const names = (await imageLayerFiles(stack.registry as string, REPOSITORY, 'v4.0.0')).flat()
  // The image does hold the repository and the submodule, less their configs.
  expect(names).toContain('home/kedro/code/.git/HEAD')
  expect(names).toContain('home/kedro/code/.git/modules/libs/shared/HEAD')
  expect(names).toContain('home/kedro/code/libs/shared/helpers.py')
  expect(names).toContain('home/kedro/code/data/01_raw/big.bin')
  for (const [where, bytes] of [
    ['code.zip', zip],
    ...layers.map((layer, i) => [`layer ${i}`, layer] as const)
  ] as const) {
    const found = [TOKEN, TOKEN_HEADER, REFRESH_TOKEN].filter(marker => bytes.includes(marker))
    expect({ where, found }).toEqual({ where, found: [] })
  }
  for (const config of ['.git/config', '.git/modules/libs/shared/config']) {
    expect(run.stdout).toContain(
      `not in the image build context: ${config}: a git config holding a credential`
    )
  }
  for (const where of ['code.zip', 'the image build context']) {
    expect(run.stdout).toContain(`not in ${where}: .env: a .env file`)
    expect(run.stdout).toContain(`not in ${where}: conf/base/credentials.yml: Kedro's credentials`)
  }
  expect(run.stdout).toContain(
    'not read for private keys or logins (over 1 MiB) in code.zip: data/01_raw/big.bin'
  )
})

test('a gcloud login anywhere in the project is refused before anything is built, uploaded or submitted', async () => {
  if (guard()) return
  const repo = checkoutExample('feature/login')
  mkdirSync(join(repo, 'home/.config/gcloud'), { recursive: true })
  const login = 'home/.config/gcloud/application_default_credentials.json'
  writeFileSync(join(repo, login), USER_LOGIN)
  const [batchesBefore] = await stackDataproc(stack).listBatches({ parent: PARENT })
  const run = await runAction({
    inputs: buildInputs(),
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 521, ref: 'feature/login' }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(1)
  expect(run.stdout).toContain(`${login} (a Google credentials file: "type": "authorized_user")`)
  expect(run.stdout).toMatch(
    /::error::.*holds private keys or Google credentials files.*allow-secret-files/
  )
  const [objects] = await stackStorage(stack)
    .bucket('submit-bucket')
    .getFiles({ prefix: 'feature-login/' })
  expect(objects).toEqual([])
  const [batchesAfter] = await stackDataproc(stack).listBatches({ parent: PARENT })
  expect(batchesAfter).toHaveLength(batchesBefore.length)
  expect(await manifestDigest(stack.registry as string, REPOSITORY, 'feature-login')).toBeNull()
})

describe('pull_request_target from a fork', () => {
  function forkEvent(repo: string): { env: Record<string, string>; event: unknown } {
    const head = git(repo, 'rev-parse', 'HEAD').trim()
    return {
      env: {
        ...workflowEnv({
          workspace: repo,
          runNumber: 510,
          event: 'pull_request_target',
          ref: 'main',
          // The base branch's commit, which the workflow runs: not what is checked out.
          sha: 'b'.repeat(40)
        }),
        GITHUB_HEAD_REF: 'patch-1'
      },
      event: {
        pull_request: {
          number: 12,
          head: { ref: 'patch-1', sha: head, repo: { full_name: 'mallory/pipelines' } },
          base: { ref: 'main', repo: { full_name: 'acme/pipelines' } }
        },
        repository: { full_name: 'acme/pipelines' }
      }
    }
  }
  const prebuilt = (): Record<string, string> => ({
    ...stackInputs(stack),
    image: '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt',
    'pr-comment': 'never',
    'upload-artifacts': 'false'
  })

  test('with the fork’s head checked out is refused, with no side effect', async () => {
    const repo = checkoutExample('patch-1')
    const [batchesBefore] = await stackDataproc(stack).listBatches({ parent: PARENT })
    const run = await runAction({ inputs: prebuilt(), ...forkEvent(repo) })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /::error::kedro-dataproc-action: pull_request_target from the fork mallory\/pipelines: working-directory holds [0-9a-f]{12}, the head of mallory\/pipelines\..*pull_request instead.*allow-fork-code: true/
    )
    expect(run.outputs).toEqual({})
    const [objects] = await stackStorage(stack)
      .bucket('submit-bucket')
      .getFiles({ prefix: 'patch-1/' })
    expect(objects).toEqual([])
    const [batchesAfter] = await stackDataproc(stack).listBatches({ parent: PARENT })
    expect(batchesAfter).toHaveLength(batchesBefore.length)
  })

  test('with allow-fork-code: true it proceeds, with a warning', async () => {
    const repo = checkoutExample('patch-1')
    const run = await runAction({
      inputs: { ...prebuilt(), image: await runnableImage(stack), 'allow-fork-code': 'true' },
      ...forkEvent(repo)
    })
    expect(run.stdout).toContain('::warning::allow-fork-code: true runs code from forks')
    expect(run.code).toBe(0)
    expect(run.outputs.state).toBe('SUCCEEDED')
  })
})
