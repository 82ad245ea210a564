import { Storage } from '@google-cloud/storage'
import { PassThroughClient } from 'google-auth-library'
import { googleAuthLibrary, grpc } from 'google-gax'
import { v1 } from '@google-cloud/dataproc'
import { startStack, type Stack } from '../../emulators/stack.js'

// In CI a missing Docker daemon or registry is a failure, never a silent skip.
export const IN_CI = Boolean(process.env.CI)

/** True when the Docker part of a test must be skipped (outside CI only, and said aloud). */
export function skipWithoutDocker(
  stack: Pick<Stack, 'dockerHost' | 'registry' | 'dockerUnavailable'>
): boolean {
  if (stack.dockerHost && stack.registry) return false
  if (IN_CI) throw new Error(`CI needs Docker and the registry: ${stack.dockerUnavailable}`)
  console.warn(`SKIPPED (Docker part): ${stack.dockerUnavailable}`)
  return true
}

export function stackStorage(stack: Stack): Storage {
  return new Storage({
    apiEndpoint: stack.storage,
    projectId: 'my-project-123',
    authClient: new PassThroughClient(),
    useAuthWithCustomEndpoint: false
  })
}

export function stackDataproc(stack: Stack): v1.BatchControllerClient {
  const [host, port] = stack.dataproc.split(':')
  return new v1.BatchControllerClient({
    apiEndpoint: host,
    port: Number(port),
    sslCreds: grpc.credentials.createInsecure(),
    authClient: new googleAuthLibrary.PassThroughClient()
  })
}

/** The inputs and environment that point the action at a stack. */
export function stackInputs(stack: Stack): Record<string, string> {
  return {
    'project-id': 'my-project-123',
    region: 'europe-west1',
    'run-submit-bucket': 'submit-bucket',
    'run-output-bucket': 'output-bucket',
    'dataproc-endpoint': `http://${stack.dataproc}`,
    'storage-endpoint': stack.storage
  }
}

export async function createBuckets(stack: Stack, ...names: string[]): Promise<void> {
  const storage = stackStorage(stack)
  for (const name of names) await storage.createBucket(name)
}

/** A stack with fast batch timings and the buckets a test needs. */
export async function startTestStack(
  docker: 'off' | 'docker',
  ...buckets: string[]
): Promise<Stack> {
  const stack = await startStack({
    docker: docker === 'off' ? 'off' : IN_CI ? 'required' : 'auto',
    pendingMs: 200,
    teardownMs: 100
  })
  await createBuckets(stack, ...buckets)
  return stack
}

const ENDED = new Set(['CANCELLED', 'SUCCEEDED', 'FAILED'])

/**
 * The batch once it has ended, however long that takes on a loaded machine: jest's limit for the
 * test is the only one. Asserting on its state then says which end it came to.
 */
export async function endedBatch(stack: Stack, name: string) {
  const client = stackDataproc(stack)
  try {
    for (;;) {
      const [batch] = await client.getBatch({ name })
      if (ENDED.has(String(batch.state))) return batch
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  } finally {
    await client.close()
  }
}

/** The bytes of a `gs://` object in the stack. */
export async function downloadUri(stack: Stack, uri: string): Promise<Buffer> {
  const [, bucket, name] = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri) as RegExpExecArray
  const [bytes] = await stackStorage(stack)
    .bucket(bucket as string)
    .file(name as string)
    .download()
  return bytes
}
