import type { Stack } from '../../emulators/stack.js'
import {
  objectsDiffer,
  readManifest,
  writeManifest,
  type ReleaseManifest
} from '../../src/steps/release/manifest.js'
import { stackStorage, startTestStack } from '../helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'releases')
})
afterAll(async () => stack?.stop())

const bucket = () => stackStorage(stack).bucket('releases')

/** Uploads a release's two objects and returns the manifest that names them. */
async function objects(version: string, content: string): Promise<ReleaseManifest> {
  const crc = async (name: string, bytes: string): Promise<string> => {
    const file = bucket().file(`release/${version}/${name}`)
    await file.save(bytes)
    return (await file.getMetadata())[0].crc32c as string
  }
  return {
    version,
    commit: content,
    image: 'registry/repo@sha256:0',
    createdAt: new Date().toISOString(),
    actionVersion: '0.0.0',
    code: {
      uri: `gs://releases/release/${version}/code.zip`,
      crc32c: await crc('code.zip', `code ${content}`),
      bytes: 0
    },
    entrypoint: {
      uri: `gs://releases/release/${version}/entrypoint.py`,
      crc32c: await crc('entrypoint.py', `entrypoint ${content}`)
    }
  }
}

const manifestUri = (version: string): string => `gs://releases/release/${version}/release.json`

test('objects that match are committed by release.json', async () => {
  const manifest = await objects('v1', 'A')
  expect(await objectsDiffer(stackStorage(stack), manifest)).toBeUndefined()
  await writeManifest(stackStorage(stack), manifestUri('v1'), manifest, undefined)
  expect((await readManifest(stackStorage(stack), manifestUri('v1')))?.manifest).toEqual(manifest)
})

test('the winner of two racing prepares withdraws release.json when the loser replaced the code', async () => {
  const mine = await objects('v2', 'A')
  // The other prepare's upload lands after this one's: the objects are no longer the manifest's.
  await objects('v2', 'B')
  await expect(
    writeManifest(stackStorage(stack), manifestUri('v2'), mine, undefined)
  ).rejects.toThrow(
    /code\.zip is not the code it names.*release\.json was withdrawn.*prepare it again/
  )
  expect(await readManifest(stackStorage(stack), manifestUri('v2'))).toBeUndefined()
})

test('the loser, finding release.json over objects it replaced, withdraws it', async () => {
  const winner = await objects('v3', 'A')
  await writeManifest(stackStorage(stack), manifestUri('v3'), winner, undefined)
  const loser = await objects('v3', 'B')
  await expect(
    writeManifest(stackStorage(stack), manifestUri('v3'), loser, undefined)
  ).rejects.toThrow(/release\.json was withdrawn/)
  expect(await readManifest(stackStorage(stack), manifestUri('v3'))).toBeUndefined()
})

test('a retried write that went through the first time is a success', async () => {
  const manifest = await objects('v4', 'A')
  await writeManifest(stackStorage(stack), manifestUri('v4'), manifest, undefined)
  await expect(
    writeManifest(stackStorage(stack), manifestUri('v4'), manifest, undefined)
  ).resolves.toBeUndefined()
  expect(await readManifest(stackStorage(stack), manifestUri('v4'))).toBeDefined()
})
