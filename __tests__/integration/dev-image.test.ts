import { manifestDigest } from '../helpers/image-files.js'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { checkoutExample } from '../helpers/project.js'
import { skipWithoutDocker, stackDataproc, stackInputs, startTestStack } from '../helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())

test('a dev run builds the example Dockerfile, pushes it with the branch tag, and the batch runs it by digest', async () => {
  if (skipWithoutDocker(stack)) return
  const registry = stack.registry as string
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      'artifact-registry': registry,
      'artifact-repository': 'kedro',
      'build-network': 'host'
    },
    env: {
      ...workflowEnv({
        workspace: checkoutExample('feature/image'),
        runNumber: 501,
        ref: 'feature/image'
      }),
      DOCKER_HOST: stack.dockerHost as string
    }
  })
  expect(run.code).toBe(0)
  const plan = JSON.parse(run.outputs.plan as string)
  expect(plan.image.tag).toMatch(/^feature-image-[0-9a-f]{6}$/)
  // The example's Dockerfile, unchanged, really installs on the stack's python:3.11-slim.
  expect(run.stdout).toContain('Setting up tini')
  expect(run.stdout).toMatch(/Successfully installed .*kedro-1\.7\.0/)
  const digest = await manifestDigest(
    registry,
    'my-project-123/kedro/dataproc-serverless',
    plan.image.tag
  )
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  const pinned = `${registry}/my-project-123/kedro/dataproc-serverless@${digest}`
  expect(run.outputs).toMatchObject({ image: pinned, 'image-digest': digest, state: 'SUCCEEDED' })
  // The batch ran in the image: its interpreter, as Dataproc's spark user.
  expect(run.stdout).toMatch(
    /^local stack: Spark 3\.5\.\d+, Python 3\.11\.\d+ \(\/usr\/local\/bin\/python\), .*, image \S+@sha256:[0-9a-f]{64}, .*, UID 1099$/m
  )
  // The plan output is the plan as submitted: the digest, not the tag the build started from.
  expect(plan.image).toMatchObject({ reference: pinned, digest })
  expect(plan.batch.request.batch.runtimeConfig.containerImage).toBe(pinned)
  const [batch] = await stackDataproc(stack).getBatch({ name: plan.batch.name })
  expect(batch.runtimeConfig?.containerImage).toBe(pinned)
})
