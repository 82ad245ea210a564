import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BASE_IMAGE_TAG } from '../../emulators/base-image.js'
import type { Stack } from '../../emulators/stack.js'
import { setLogSink } from '../../src/lib/log.js'
import { readBuildContext } from '../../src/steps/image/build-context.js'
import { execRunner, type Runner } from '../../src/steps/image/docker.js'
import { prepareImage } from '../../src/steps/image/image.js'
import { secretRules } from '../../src/steps/secrets.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { imageLayers, layerFile, manifestDigest } from '../helpers/image-files.js'
import { checkoutExample } from '../helpers/project.js'
import {
  skipWithoutDocker,
  stackDataproc,
  stackInputs,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'

let stack: Stack
let skip = false
/** The stack's daemon has it from its start (emulators/base-image.ts). */
const baseImage = BASE_IMAGE_TAG

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
  skip = skipWithoutDocker(stack)
})
afterAll(async () => stack?.stop())

const SECRET = 'pip-index-token-5b9e0c7d1f'

/** Uses the secret, and keeps only its length: the layer shows it was there, not what it was. */
const DOCKERFILE = `ARG BASE_IMAGE
FROM \${BASE_IMAGE} AS dev
RUN --mount=type=secret,id=pip wc -c < /run/secrets/pip > /secret-length
`

/**
 * The Docker CLI that builds with BuildKit here: Debian's 20.10 (/usr/bin/docker), whose BuildKit
 * is built in (the newer CLI on PATH has no buildx). This stack's daemon has no bridge network, so
 * BuildKit's RUN steps need `--network=host` (see emulators/docker.ts); the argv is otherwise the
 * action's own. Every line of output is kept.
 */
const OLD_CLI = '/usr/bin/docker'
function buildkitRunner(output: string[]): Runner {
  return async (_file, args, options) => {
    const argv = args[0] === 'build' ? ['build', '--network=host', ...args.slice(1)] : args
    const result = await execRunner(OLD_CLI, argv, { ...options, stream: false })
    output.push(`${argv.join(' ')}\n${result.output}`)
    return result
  }
}

test('a RUN --mount=type=secret step reads the secret; no layer and no log holds it', async () => {
  if (process.env.CI === 'true' && !existsSync(OLD_CLI))
    throw new Error(`CI needs ${OLD_CLI} (Debian's docker.io): its BuildKit takes the secrets`)
  if (skip || !existsSync(OLD_CLI)) {
    console.warn(`SKIPPED: needs Docker and the registry, and ${OLD_CLI} (Debian's docker.io)`)
    return
  }
  const context = await mkdtemp(join(tmpdir(), 'kda-secret-ctx-'))
  await writeFile(join(context, 'Dockerfile'), DOCKERFILE)
  const logged: string[] = []
  setLogSink({
    info: message => logged.push(message),
    notice: message => logged.push(message),
    warning: message => logged.push(message),
    error: message => logged.push(message),
    secret: () => undefined,
    output: text => logged.push(text),
    group: (title, body) => (logged.push(title), body())
  })
  const runnerTemp = await mkdtemp(join(tmpdir(), 'kda-runner-temp-'))
  process.env.RUNNER_TEMP = runnerTemp
  const output: string[] = []
  const repository = `${stack.registry as string}/proj/repo/with-secret`
  const result = await prepareImage(
    {
      repository,
      tag: 'feature-secret',
      dockerfile: join(context, 'Dockerfile'),
      context: await readBuildContext(context, join(context, 'Dockerfile'), secretRules([], {})),
      target: 'dev',
      buildArgs: { BASE_IMAGE: baseImage },
      secrets: { pip: SECRET },
      platform: 'linux/amd64',
      dockerHost: stack.dockerHost as string
    },
    { runner: buildkitRunner(output) }
  )
  expect(result.built).toBe(true)
  const layers = await imageLayers(
    stack.registry as string,
    'proj/repo/with-secret',
    'feature-secret'
  )
  expect((await layerFile(layers, 'secret-length'))?.toString().trim()).toBe(String(SECRET.length))
  for (const layer of layers) expect(layer.includes(SECRET)).toBe(false)
  const everything = [...logged, ...output].join('\n')
  expect(everything).toContain('--secret id=pip,src=')
  expect(everything).not.toContain(SECRET)
  // The secret's file went with the step's private directory.
  expect(await readdir(runnerTemp)).toEqual([])
  delete process.env.RUNNER_TEMP
  await rm(context, { recursive: true, force: true })
})

test('where no builder can take secrets, the run is refused before anything is built, uploaded or submitted', async () => {
  if (skip) {
    console.warn('SKIPPED: needs Docker and the registry')
    return
  }
  const repo = checkoutExample('feature/build-secret')
  const parent = 'projects/my-project-123/locations/europe-west1'
  const [batchesBefore] = await stackDataproc(stack).listBatches({ parent })
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      'artifact-registry': stack.registry as string,
      'artifact-repository': 'kedro',
      'build-args': `BASE_IMAGE=${baseImage}`,
      'build-secrets': `pip=${SECRET}`,
      'pr-comment': 'never',
      'upload-artifacts': 'false'
    },
    // The Docker CLI on PATH here is 28 without buildx: neither buildx nor a built-in BuildKit.
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 701, ref: 'feature/build-secret' }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    /::error::kedro-dataproc-action: build-secrets needs BuildKit, and this Docker CLI \(Docker version \d+.*\) has neither buildx nor BuildKit built in; the classic builder cannot take secrets.*setup-buildx-action/
  )
  // Masked, and printed nowhere else.
  const mentions = run.stdout.split('\n').filter(line => line.includes(SECRET))
  expect(mentions).toEqual([`::add-mask::${SECRET}`])
  const [objects] = await stackStorage(stack)
    .bucket('submit-bucket')
    .getFiles({ prefix: 'feature-build-secret/' })
  expect(objects).toEqual([])
  const [batchesAfter] = await stackDataproc(stack).listBatches({ parent })
  expect(batchesAfter).toHaveLength(batchesBefore.length)
  const image = 'my-project-123/kedro/dataproc-serverless'
  expect(await manifestDigest(stack.registry as string, image, 'feature-build-secret')).toBeNull()
})
