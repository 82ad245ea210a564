import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Storage, type Bucket } from '@google-cloud/storage'
import { PassThroughClient } from 'google-auth-library'
import { startGcsEmulator, type GcsEmulator } from '../../../emulators/gcs/server.js'

const MiB = 1024 * 1024

let emu: GcsEmulator
let storage: Storage
let bucket: Bucket
let workDir: string

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('base64')

// With a custom apiEndpoint the client skips authentication unless `useAuthWithCustomEndpoint`
// is set, and the resumable uploader switches to bare gaxios. A PassThroughClient stands in for
// the default GoogleAuth so that nothing can look for credentials or probe the metadata server
// either. The client's retry backoff cannot go below one second, so the delay is pinned there.
const makeStorage = (): Storage =>
  new Storage({
    apiEndpoint: emu.url,
    projectId: 'test-project',
    authClient: new PassThroughClient(),
    useAuthWithCustomEndpoint: false,
    retryOptions: { maxRetryDelay: 1, retryDelayMultiplier: 1, totalTimeout: 60 }
  })

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'gcs-emulator-test-'))
  emu = await startGcsEmulator({ dataDir: join(workDir, 'data') })
  storage = makeStorage()
  ;[bucket] = await storage.createBucket('test-bucket')
})

afterAll(async () => {
  await emu.close()
  rmSync(workDir, { recursive: true, force: true })
})

beforeEach(() => emu.faults.clear())

describe('buckets', () => {
  it('creates, lists and gets buckets; a second create conflicts', async () => {
    await storage.createBucket('other-bucket')
    const [buckets] = await storage.getBuckets()
    expect(buckets.map(b => b.name)).toEqual(['other-bucket', 'test-bucket'])
    const [metadata] = await storage.bucket('other-bucket').getMetadata()
    expect(metadata).toMatchObject({ kind: 'storage#bucket', name: 'other-bucket' })
    await expect(storage.createBucket('other-bucket')).rejects.toMatchObject({ code: 409 })
    await expect(storage.bucket('missing-bucket').getMetadata()).rejects.toMatchObject({
      code: 404
    })
  })

  it('refuses to delete a bucket that still has objects', async () => {
    const doomed = storage.bucket('other-bucket')
    await doomed.file('x').save('x', { resumable: false })
    await expect(doomed.delete()).rejects.toMatchObject({ code: 409 })
    await doomed.file('x').delete()
    await doomed.delete()
    const [exists] = await doomed.exists()
    expect(exists).toBe(false)
  })
})

describe('small uploads', () => {
  it('stores a media upload and serves it back', async () => {
    const response = await fetch(
      `${emu.url}/upload/storage/v1/b/test-bucket/o?uploadType=media&name=${encodeURIComponent('dir/media.txt')}`,
      { method: 'POST', body: 'media body', headers: { 'content-type': 'text/plain' } }
    )
    expect(response.status).toBe(200)
    const resource = (await response.json()) as Record<string, unknown>
    expect(resource).toMatchObject({ name: 'dir/media.txt', size: '10', contentType: 'text/plain' })
    const [contents] = await bucket.file('dir/media.txt').download()
    expect(contents.toString()).toBe('media body')
  })

  it('stores a multipart upload with its metadata and checksums', async () => {
    const data = Buffer.from('multipart body\n')
    const file = bucket.file('multi/part.json')
    await file.save(data, {
      resumable: false,
      validation: 'crc32c',
      contentType: 'application/json',
      metadata: { metadata: { origin: 'test' } }
    })
    const [metadata] = await file.getMetadata()
    expect(metadata).toMatchObject({
      kind: 'storage#object',
      name: 'multi/part.json',
      bucket: 'test-bucket',
      size: String(data.length),
      contentType: 'application/json',
      md5Hash: md5(data),
      metageneration: '1',
      storageClass: 'STANDARD',
      metadata: { origin: 'test' }
    })
    expect(metadata.generation).toMatch(/^\d+$/)
    const [contents] = await file.download({ validation: 'crc32c' })
    expect(contents).toEqual(data)
  })

  it('accepts multipart bodies with bare LF line endings, as gcloud sends them', async () => {
    const body =
      '--===1==\nContent-Type: application/json\nMIME-Version: 1.0\n\n{"name": "lf.txt"}\n' +
      '--===1==\nContent-Type: text/plain\nContent-Transfer-Encoding: binary\n\nline one\r\n--===1==--\n'
    const response = await fetch(
      `${emu.url}/upload/storage/v1/b/test-bucket/o?uploadType=multipart`,
      {
        method: 'POST',
        body,
        headers: { 'content-type': "multipart/related; boundary='===1=='" }
      }
    )
    expect(response.status).toBe(200)
    const [contents] = await bucket.file('lf.txt').download()
    expect(contents.toString()).toBe('line one\r')
  })

  it('round-trips names with spaces, plus signs, percent signs and non-ASCII', async () => {
    const file = bucket.file('odd names/a+b %41 ü.txt')
    await file.save('odd', { resumable: false })
    const [files] = await bucket.getFiles({ prefix: 'odd names/' })
    expect(files.map(f => f.name)).toEqual(['odd names/a+b %41 ü.txt'])
    const [contents] = await file.download()
    expect(contents.toString()).toBe('odd')
  })

  it('patches custom metadata and bumps the metageneration', async () => {
    const file = bucket.file('patched.txt')
    await file.save('patch me', {
      resumable: false,
      metadata: { metadata: { keep: 'yes', drop: 'x' } }
    })
    await file.setMetadata({ metadata: { drop: null, added: '1' } })
    const [metadata] = await file.getMetadata()
    expect(metadata.metadata).toEqual({ keep: 'yes', added: '1' })
    expect(metadata.metageneration).toBe('2')
  })

  it('gives each write a new, increasing generation', async () => {
    const file = bucket.file('generations.txt')
    await file.save('one', { resumable: false })
    const [first] = await file.getMetadata()
    await file.save('two', { resumable: false })
    const [second] = await file.getMetadata()
    expect(BigInt(String(second.generation))).toBeGreaterThan(BigInt(String(first.generation)))
  })
})

describe('resumable uploads', () => {
  it('uploads 40 MB in 8 MiB chunks with crc32c validation', async () => {
    const data = randomBytes(40 * 1000 * 1000)
    const path = join(workDir, 'big.bin')
    writeFileSync(path, data)
    const before = emu.faults.requestCounts()['gcs.upload'] ?? 0
    await bucket.upload(path, {
      destination: 'big/forty.bin',
      resumable: true,
      chunkSize: 8 * MiB,
      validation: 'crc32c'
    })
    // one request starts the session, then five chunks of at most 8 MiB
    expect((emu.faults.requestCounts()['gcs.upload'] ?? 0) - before).toBe(6)
    const [metadata] = await bucket.file('big/forty.bin').getMetadata()
    expect(metadata.size).toBe(String(data.length))
    expect(metadata.md5Hash).toBe(md5(data))
    const [contents] = await bucket.file('big/forty.bin').download({ validation: 'crc32c' })
    expect(contents.equals(data)).toBe(true)
  })

  it('lets the client resume a chunked upload after a dropped connection', async () => {
    const data = randomBytes(3 * MiB + 123)
    // the client retries uploads only when a precondition makes them idempotent
    const preconditionOpts = { ifGenerationMatch: 0 }
    const file = makeStorage().bucket('test-bucket').file('resumed/by-client.bin')
    const [uri] = await file.createResumableUpload({ preconditionOpts })
    emu.faults.arm({ route: 'gcs.upload', times: 1, drop: true })
    const before = emu.faults.requestCounts()['gcs.upload'] ?? 0
    await file.save(data, {
      uri,
      resumable: true,
      chunkSize: MiB,
      validation: 'crc32c',
      preconditionOpts
    })
    // four chunks plus at least the dropped attempt
    expect((emu.faults.requestCounts()['gcs.upload'] ?? 0) - before).toBeGreaterThanOrEqual(5)
    const [contents] = await file.download()
    expect(contents.equals(data)).toBe(true)
  })

  it('reports progress after an interrupted chunk and completes from there', async () => {
    const data = randomBytes(2 * MiB + 5)
    const file = bucket.file('resumed/by-hand.bin')
    const [uri] = await file.createResumableUpload({
      metadata: { contentType: 'application/x-test' }
    })
    expect(uri.startsWith(`${emu.url}/upload/storage/v1/b/test-bucket/o?`)).toBe(true)
    expect(new URL(uri).searchParams.get('upload_id')).toBeTruthy()

    const put = (body: Buffer | undefined, range: string): Promise<Response> =>
      fetch(uri, { method: 'PUT', body, headers: { 'content-range': range } })

    const first = await put(data.subarray(0, MiB), `bytes 0-${MiB - 1}/*`)
    expect(first.status).toBe(308)
    expect(first.headers.get('range')).toBe(`bytes=0-${MiB - 1}`)

    emu.faults.arm({ route: 'gcs.upload', times: 1, drop: true })
    await expect(
      put(data.subarray(MiB, 2 * MiB), `bytes ${MiB}-${2 * MiB - 1}/*`)
    ).rejects.toThrow()

    const progress = await put(undefined, 'bytes */*')
    expect(progress.status).toBe(308)
    expect(progress.headers.get('range')).toBe(`bytes=0-${MiB - 1}`)

    const last = await put(data.subarray(MiB), `bytes ${MiB}-${data.length - 1}/${data.length}`)
    expect(last.status).toBe(200)
    expect(await last.json()).toMatchObject({
      name: 'resumed/by-hand.bin',
      size: String(data.length),
      contentType: 'application/x-test',
      md5Hash: md5(data)
    })
    const done = await put(undefined, `bytes */${data.length}`)
    expect(done.status).toBe(200)
    const [contents] = await file.download()
    expect(contents.equals(data)).toBe(true)
  })

  it('checksums a chunk that overlaps what it already has from the data itself', async () => {
    // Hashes are taken as bytes arrive in order; a chunk that starts before the end of the last
    // one rewrites bytes already hashed, so the object's checksums must come from the file.
    const data = randomBytes(2 * MiB)
    const [uri] = await bucket.file('resumed/overlap.bin').createResumableUpload()
    const put = (from: number, to: number, total = '*'): Promise<Response> =>
      fetch(uri, {
        method: 'PUT',
        body: data.subarray(from, to + 1),
        headers: { 'content-range': `bytes ${from}-${to}/${total}` }
      })
    expect((await put(0, MiB - 1)).status).toBe(308)
    const last = await put(MiB / 2, data.length - 1, String(data.length))
    expect(last.status).toBe(200)
    expect(await last.json()).toMatchObject({ size: String(data.length), md5Hash: md5(data) })
  })

  it('accepts the whole body in one PUT', async () => {
    const file = bucket.file('resumed/single-put.txt')
    await file.save('all at once', { resumable: true })
    const [contents] = await file.download()
    expect(contents.toString()).toBe('all at once')
  })
})

describe('downloads', () => {
  const data = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz')

  beforeAll(async () => {
    await bucket.file('ranged.txt').save(data, { resumable: false })
  })

  it('serves byte ranges', async () => {
    const [middle] = await bucket.file('ranged.txt').download({ start: 10, end: 19 })
    expect(middle.toString()).toBe('abcdefghij')
    const tail = await fetch(`${emu.url}/download/storage/v1/b/test-bucket/o/ranged.txt`, {
      headers: { range: 'bytes=30-' }
    })
    expect(tail.status).toBe(206)
    expect(tail.headers.get('content-range')).toBe(`bytes 30-35/${data.length}`)
    expect(await tail.text()).toBe('uvwxyz')
  })

  it('answers 416 to a range past the end and sends the service headers', async () => {
    const url = `${emu.url}/storage/v1/b/test-bucket/o/ranged.txt?alt=media`
    const past = await fetch(url, { headers: { range: 'bytes=100-200' } })
    expect(past.status).toBe(416)
    const whole = await fetch(url)
    expect(whole.headers.get('x-goog-hash')).toMatch(/^crc32c=[A-Za-z0-9+/]{6}==,md5=/)
    expect(whole.headers.get('x-goog-stored-content-length')).toBe(String(data.length))
    expect(whole.headers.get('x-goog-generation')).toMatch(/^\d+$/)
  })
})

describe('listing', () => {
  beforeAll(async () => {
    const names = [
      ...Array.from({ length: 25 }, (_, i) => `list/obj-${String(i).padStart(2, '0')}`),
      'list/sub/a',
      'list/sub/b'
    ]
    for (const name of names) await bucket.file(name).save(name, { resumable: false })
  })

  it('pages through a prefix in lexicographic order', async () => {
    const [page, next] = await bucket.getFiles({
      prefix: 'list/',
      maxResults: 10,
      autoPaginate: false
    })
    expect(page.map(f => f.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `list/obj-${String(i).padStart(2, '0')}`)
    )
    expect(next).toMatchObject({ pageToken: expect.any(String) })
    const sizes = [page.length]
    let query = next as { pageToken?: string } | null
    const names = page.map(f => f.name)
    while (query?.pageToken) {
      const [more, following] = await bucket.getFiles({ ...query, autoPaginate: false })
      sizes.push(more.length)
      names.push(...more.map(f => f.name))
      query = following as { pageToken?: string } | null
    }
    expect(sizes).toEqual([10, 10, 7])
    expect(names).toEqual([...names].sort())
    expect(names.at(-1)).toBe('list/sub/b')
  })

  it('folds names past the delimiter into prefixes', async () => {
    const [files, , response] = await bucket.getFiles({
      prefix: 'list/',
      delimiter: '/',
      autoPaginate: false
    })
    expect(files).toHaveLength(25)
    expect((response as { prefixes?: string[] }).prefixes).toEqual(['list/sub/'])
    const [top, , topResponse] = await bucket.getFiles({ delimiter: '/', autoPaginate: false })
    expect(top.map(f => f.name)).not.toContain('list/obj-00')
    expect((topResponse as { prefixes?: string[] }).prefixes).toContain('list/')
  })

  it('honours startOffset and endOffset', async () => {
    const [files] = await bucket.getFiles({
      prefix: 'list/',
      startOffset: 'list/obj-20',
      endOffset: 'list/obj-23'
    })
    expect(files.map(f => f.name)).toEqual(['list/obj-20', 'list/obj-21', 'list/obj-22'])
  })
})

describe('preconditions and deletes', () => {
  it('creates only once with ifGenerationMatch=0', async () => {
    const file = bucket.file('once.txt')
    await file.save('first', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })
    await expect(
      file.save('second', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })
    ).rejects.toMatchObject({ code: 412 })
    const [contents] = await file.download()
    expect(contents.toString()).toBe('first')
  })

  it('checks generations on read and delete', async () => {
    const file = bucket.file('guarded.txt')
    await file.save('guarded', { resumable: false })
    const [{ generation }] = await file.getMetadata()
    const url = `${emu.url}/storage/v1/b/test-bucket/o/guarded.txt`
    expect((await fetch(`${url}?ifGenerationNotMatch=${generation}`)).status).toBe(304)
    expect((await fetch(`${url}?ifGenerationMatch=1`)).status).toBe(412)
    await expect(file.delete({ ifGenerationMatch: 1 })).rejects.toMatchObject({ code: 412 })
    await file.delete({ ifGenerationMatch: Number(generation) })
    const [exists] = await file.exists()
    expect(exists).toBe(false)
    await expect(file.delete()).rejects.toMatchObject({ code: 404 })
  })
})

describe('concurrency and persistence', () => {
  it('lets exactly one of many racing ifGenerationMatch=0 uploads win', async () => {
    const upload = (i: number): Promise<Response> =>
      fetch(
        `${emu.url}/upload/storage/v1/b/test-bucket/o?uploadType=media&name=race.txt&ifGenerationMatch=0`,
        { method: 'POST', body: randomBytes(256 * 1024 + i) }
      )
    const statuses = (await Promise.all(Array.from({ length: 10 }, (_, i) => upload(i)))).map(
      r => r.status
    )
    expect(statuses.filter(status => status === 200)).toHaveLength(1)
    expect(statuses.filter(status => status === 412)).toHaveLength(9)
  })

  it('keeps buckets and objects across a restart on the same data directory', async () => {
    const dataDir = join(workDir, 'restart')
    const first = await startGcsEmulator({ dataDir })
    const url = `${first.url}/upload/storage/v1/b/kept/o?uploadType=media&name=k.txt`
    await fetch(`${first.url}/storage/v1/b?project=p`, { method: 'POST', body: '{"name":"kept"}' })
    expect((await fetch(url, { method: 'POST', body: 'kept' })).status).toBe(200)
    await first.close()
    const second = await startGcsEmulator({ dataDir })
    try {
      const response = await fetch(`${second.url}/storage/v1/b/kept/o/k.txt?alt=media`)
      expect(await response.text()).toBe('kept')
    } finally {
      await second.close()
    }
  })
})

describe('fault injection', () => {
  it('lets the client retry through three 503s on upload', async () => {
    emu.faults.arm({ route: 'gcs.upload', times: 3, status: 503 })
    const before = emu.faults.requestCounts()['gcs.upload'] ?? 0
    // A fresh client: a save without preconditions switches autoRetry off on its Storage for good.
    const file = makeStorage().bucket('test-bucket').file('flaky.txt')
    await file.save('survived', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })
    expect((emu.faults.requestCounts()['gcs.upload'] ?? 0) - before).toBe(4)
    const [contents] = await file.download()
    expect(contents.toString()).toBe('survived')
  })

  it('answers 503 in the JSON API error shape', async () => {
    emu.faults.arm({ route: 'gcs.get', times: 1, status: 503 })
    const response = await fetch(`${emu.url}/storage/v1/b/test-bucket/o/flaky.txt`)
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({
      error: { code: 503, errors: [{ reason: 'backendError' }] }
    })
  })
})
