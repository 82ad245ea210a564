import { buildBaseImage } from '../emulators/base-image.js'
import { manifestDigest } from '../emulators/registry.js'
import { startStack, type Stack } from '../emulators/stack.js'
import { runAction } from './helpers/action.js'
import { checkoutExample } from './helpers/project.js'
import {
  IN_CI,
  createBuckets,
  skipWithoutDocker,
  stackDataproc,
  stackInputs
} from './helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startStack({ docker: IN_CI ? 'required' : 'auto', pendingMs: 200, teardownMs: 100 })
  await createBuckets(stack, 'submit-bucket', 'output-bucket')
}, 120_000)
afterAll(async () => stack?.stop())

test('a dev run builds the example Dockerfile, pushes it with the branch tag, and the batch runs it by digest', async () => {
  if (skipWithoutDocker(stack)) return
  const registry = stack.registry as string
  const base = await buildBaseImage({ dockerHost: stack.dockerHost as string, registry })
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      'artifact-registry': registry,
      'artifact-repository': 'kedro',
      'build-args': `BASE_IMAGE=${base}`
    },
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF_NAME: 'feature/image',
      GITHUB_RUN_ID: '501',
      GITHUB_RUN_NUMBER: '501',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKSPACE: checkoutExample('feature/image'),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(0)
  const digest = await manifestDigest(
    registry,
    'my-project-123/kedro/dataproc-serverless',
    'feature-image'
  )
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  const pinned = `${registry}/my-project-123/kedro/dataproc-serverless@${digest}`
  expect(run.outputs).toMatchObject({ image: pinned, 'image-digest': digest, state: 'SUCCEEDED' })
  const [batch] = await stackDataproc(stack).getBatch({
    name: JSON.parse(run.outputs.plan as string).batch.name
  })
  expect(batch.runtimeConfig?.containerImage).toBe(pinned)
}, 240_000)
