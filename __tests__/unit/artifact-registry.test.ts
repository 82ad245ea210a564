import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { artifactRepository, checkRepository } from '../../src/clients/artifact-registry.js'

/** An HTTP server that answers the repository GET with the status a test gives it. */
let server: Server
let api: string
let status = 200
const asked: { url?: string; authorization?: string }[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push({ url: req.url, authorization: req.headers.authorization })
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise(resolve => server.close(resolve)))

const REPO = 'europe-west1-docker.pkg.dev/my-project/kedro/dataproc-serverless'

test('an Artifact Registry image repository names its project, location and repository', () => {
  expect(artifactRepository(REPO)).toEqual({
    project: 'my-project',
    location: 'europe-west1',
    repository: 'kedro'
  })
  expect(artifactRepository('127.0.0.1:5000/my-project/kedro/img')).toBeUndefined()
})

test.each([
  [200, 'exists'],
  [404, 'missing'],
  [403, 'unknown']
])('the API answers %i: %s', async (answer, kind) => {
  status = answer
  expect((await checkRepository(REPO, 'tok', api)).kind).toBe(kind)
  expect(asked.at(-1)).toEqual({
    url: '/v1/projects/my-project/locations/europe-west1/repositories/kedro',
    authorization: 'Bearer tok'
  })
})

test('another registry is not asked: nothing can be proven there before a push', async () => {
  const before = asked.length
  expect(await checkRepository('127.0.0.1:5000/p/kedro/img', undefined, api)).toMatchObject({
    kind: 'unknown'
  })
  expect(asked).toHaveLength(before)
})
