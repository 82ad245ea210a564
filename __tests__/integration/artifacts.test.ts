import { createHash } from 'node:crypto'
import { text } from 'node:stream/consumers'
import yauzl from 'yauzl'
import { uploadRunArtifacts, type ArtifactFile } from '../../src/github/artifacts.js'
import { startResultsService, type ResultsService } from '../helpers/results-service.js'

let service: ResultsService
const savedEnv = { ...process.env }

beforeAll(async () => {
  service = await startResultsService()
})
afterAll(async () => {
  await service.close()
})
// process.env's keys are names of variables, dynamic by nature.
const unset = (key: string) => Reflect.deleteProperty(process.env, key)

beforeEach(() => {
  service.reset()
  // The library reads the runner's variables from process.env; each test sets its own.
  Object.keys(process.env)
    .filter(key => /^(ACTIONS_|GITHUB_)/.test(key))
    .forEach(unset)
})
afterEach(() => {
  // Restored in place: process.env is special (it coerces to strings), a plain object is not.
  Object.keys(process.env)
    .filter(key => !(key in savedEnv))
    .forEach(unset)
  Object.assign(process.env, savedEnv)
})

function useRuntime(): void {
  process.env.ACTIONS_RUNTIME_TOKEN = service.token
  process.env.ACTIONS_RESULTS_URL = service.url
  // Any other server URL would make the library refuse as GitHub Enterprise Server.
  process.env.GITHUB_SERVER_URL = 'https://github.com'
}

const files: ArtifactFile[] = [
  {
    name: 'driver-output.log',
    content: 'Kedro 0.19.9\nPipeline execution completed successfully.\n'
  },
  { name: 'batch.json', content: JSON.stringify({ name: 'batch-1', state: 'SUCCEEDED' }) },
  { name: 'plan.json', content: JSON.stringify({ batchId: 'batch-1', args: ['--pipeline=a|`b`'] }) }
]

async function zipEntries(bytes: Buffer): Promise<Map<string, string>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true })
  const entries = new Map<string, string>()
  for await (const entry of zip.eachEntry()) {
    entries.set(entry.fileName, await text(await zip.openReadStreamPromise(entry)))
  }
  zip.close()
  return entries
}

test('the three files arrive as one zip artifact, finalized with its size and digest', async () => {
  useRuntime()
  const result = await uploadRunArtifacts('kedro-dataproc-batch-1', files)

  expect(service.artifacts).toHaveLength(1)
  const [artifact] = service.artifacts
  expect(result).toEqual({
    uploaded: true,
    name: 'kedro-dataproc-batch-1',
    id: artifact?.id,
    size: artifact?.blob?.length
  })
  expect(artifact).toMatchObject({ name: 'kedro-dataproc-batch-1', mimeType: 'application/zip' })
  expect(artifact?.contentType).toBe('application/zip')
  const blob = artifact?.blob ?? Buffer.alloc(0)
  expect(await zipEntries(blob)).toEqual(new Map(files.map(f => [f.name, f.content])))
  expect(artifact?.finalized).toEqual({
    size: String(blob.length),
    hash: `sha256:${createHash('sha256').update(blob).digest('hex')}`
  })
  // The order the library follows: create, blocks, commit, finalize.
  expect(service.requests.map(r => r.path.replace(/\?.*comp=(\w+).*/, ' $1'))).toEqual([
    '/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact',
    `${artifact?.blobPath} block`,
    `${artifact?.blobPath} blocklist`,
    '/twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact'
  ])
})

test.each([['ACTIONS_RUNTIME_TOKEN'], ['ACTIONS_RESULTS_URL']])(
  'without %s nothing is requested and the reason says why',
  async variable => {
    useRuntime()
    unset(variable)
    const result = await uploadRunArtifacts('kedro-dataproc-batch-1', files)
    expect(result).toEqual({ uploaded: false, reason: expect.stringContaining(variable) })
    expect(service.requests).toHaveLength(0)
  }
)

test('an upload the service refuses is reported, not thrown', async () => {
  useRuntime()
  expect((await uploadRunArtifacts('kedro-dataproc-batch-1', files)).uploaded).toBe(true)
  // A second upload under the same name within the run conflicts (409, not retried).
  const again = await uploadRunArtifacts('kedro-dataproc-batch-1', files)
  expect(again).toEqual({
    uploaded: false,
    reason: expect.stringMatching(/kedro-dataproc-batch-1 failed: .*409.*already exists/)
  })
})

test('a file name with a path is a caller error, caught even without the runtime', async () => {
  await expect(uploadRunArtifacts('a', [{ name: '../escape.log', content: '' }])).rejects.toThrow(
    /plain names/
  )
  await expect(
    uploadRunArtifacts('a', [...files, { name: 'batch.json', content: '' }])
  ).rejects.toThrow(/distinct/)
})
