/**
 * The snapshot key: a hash of each entry's name, mode and content id, which names the zip's bytes
 * without writing it. A clean tracked file's content id is git's blob id from the index (no read
 * needed); any other file is hashed as git would hash it. Since the zip is a pure function of the
 * entries' names, modes and bytes (and of KEY_FORMAT), equal keys mean equal zips.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import path from 'node:path'
import type { Entry } from './entries.js'

/** Names the zip format: a change to how entries are written must change every key. */
const KEY_FORMAT =
  'kedro-dataproc-snapshot/3 records-1 whole-1MiB dos-1980 0644/0755 deflate-1 ' +
  'store-if-4KiB-middle-sample-deflates-above-90%'

/** How many files are hashed at once (the libuv pool has 4 threads; reads queue behind them). */
const HASH_CONCURRENCY = 32

/** `entries` sorted as in the zip; `cleanBlobs` from the listing; `root` the project directory. */
export async function snapshotKey(
  entries: readonly Entry[],
  cleanBlobs: ReadonlyMap<string, string>,
  root: string
): Promise<string> {
  // Ids are git blob ids either way, so a file git reports as touched but unchanged keeps its id.
  const algorithm = [...cleanBlobs.values()][0]?.length === 64 ? 'sha256' : 'sha1'
  const ids = await mapLimited(entries, HASH_CONCURRENCY, async entry => {
    const blob = cleanBlobs.get(entry.name)
    // A followed symlink's blob is the link text, not the bytes that go into the zip.
    if (blob && entry.source === path.join(root, ...entry.name.split('/'))) return blob
    return gitBlobId(entry.source, entry.size, algorithm)
  })
  const key = createHash('sha256').update(`${KEY_FORMAT}\n`)
  entries.forEach((entry, i) => {
    key.update(`${entry.name}\0${entry.executable ? '755' : '644'}\0${ids[i]}\n`)
  })
  return key.digest('hex')
}

/** What `git hash-object` would say of the file: the object id of a blob with its bytes. */
async function gitBlobId(
  file: string,
  size: number,
  algorithm: 'sha1' | 'sha256'
): Promise<string> {
  const hash = createHash(algorithm).update(`blob ${size}\0`)
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
