import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Storage } from '@google-cloud/storage'
import { PassThroughClient } from 'google-auth-library'
import { preflight } from '../../src/deploy/preflight.js'
import { buildPlan } from '../../src/plan/plan.js'
import type { RunFacts } from '../../src/plan/facts.js'
import { parse, VALID } from '../../scripts/refusals.js'

/**
 * The bucket checks against a server that answers testIamPermissions as Cloud Storage does for
 * an identity holding only some permissions (the emulator has no identities: it grants all).
 */
let server: Server
let storage: Storage
let granted: string[] = []
const asked: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '', 'http://x')
    asked.push(url.pathname)
    const bucket = /\/b\/([^/]+)\/iam\/testPermissions$/.exec(url.pathname)?.[1]
    const found = bucket !== 'missing-bucket'
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
    const permissions = url.searchParams.getAll('permissions').filter(p => granted.includes(p))
    res.end(
      JSON.stringify(
        found
          ? { kind: 'storage#testIamPermissionsResponse', permissions }
          : { error: { code: 404, message: 'The specified bucket does not exist.' } }
      )
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  storage = new Storage({
    apiEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    projectId: 'p',
    authClient: new PassThroughClient(),
    useAuthWithCustomEndpoint: false,
    retryOptions: { autoRetry: false }
  })
})
afterAll(() => new Promise(resolve => server.close(resolve)))

const FACTS = {
  branch: 'feature/x',
  commit: 'abc',
  step: 'deploy',
  localNonce: 'n',
  shippedEntrypoint: '/entrypoint.py'
} as unknown as RunFacts

const planOf = (inputs: Record<string, string> = {}) =>
  buildPlan(parse({ ...VALID, image: 'europe-west1-docker.pkg.dev/p/r/i:t', ...inputs }), FACTS)

test('the code bucket must take writes from the deploying identity', async () => {
  granted = ['storage.objects.get']
  await expect(preflight(planOf(), storage, undefined)).rejects.toThrow(
    /run-submit-bucket: the deploying identity may not write the code to bucket 'submit-bucket' \(lacks storage\.objects\.create\); grant it roles\/storage\.objectAdmin/
  )
  granted = ['storage.objects.get', 'storage.objects.create']
  await expect(preflight(planOf(), storage, undefined)).resolves.toBeUndefined()
  // The output and staging buckets are written by the batch's service account: only asked about.
  expect(asked).toContain('/storage/v1/b/output-bucket/iam/testPermissions')
})

test('a missing staging bucket is named with its input', async () => {
  granted = ['storage.objects.get', 'storage.objects.create']
  await expect(
    preflight(planOf({ 'staging-bucket': 'missing-bucket' }), storage, undefined)
  ).rejects.toThrow(/staging-bucket: bucket 'missing-bucket' does not exist; create it/)
})
