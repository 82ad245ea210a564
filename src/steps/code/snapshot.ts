/**
 * The code snapshot: `code.zip` of the Kedro project exactly as it is in the working tree, built
 * without touching anything the user owns. The reference workflow stashed, checked out and
 * committed to get there; here git is only ever asked to list files (`git ls-files`, which never
 * writes) with `GIT_OPTIONAL_LOCKS=0`, and the bytes come straight from disk.
 *
 * What goes in (entry names relative to `projectDir`, which may be a subdirectory of the repository):
 * - tracked files with their uncommitted changes; tracked files deleted on disk are left out;
 * - untracked files that `.gitignore`, `.git/info/exclude` and `core.excludesFile` do not exclude;
 * - symlinks are followed when their target is a regular file inside `projectDir` and stored as that
 *   file. Zip symlink entries were an option (yazl takes any mode), but what unpacks the archive on
 *   Dataproc (Hadoop's `FileUtil.unZip`, and Python's `zipfile` in the local emulator) writes such an
 *   entry as a small file holding the target path, which would silently break the project. Links that
 *   escape `projectDir`, dangle or point at a directory are skipped and reported in `skipped`;
 * - submodules and nested repositories are skipped (reported): their files belong to another
 *   repository, and following them would drag in that repository's ignored files too.
 * Outside a git repository the directory is walked instead (everything but `.git`), same rules for
 * symlinks.
 *
 * The archive is deterministic — same tree, same bytes — so its checksum can name and dedupe
 * uploads: entries sorted by UTF-8 bytes, a fixed timestamp, permissions reduced to 0644/0755, no
 * extra fields. Files are streamed one at a time, and the CRC32C that GCS reports is computed
 * while the archive is written, so a later upload can be verified without reading it again.
 */
import { createHash } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  lstatSync,
  readFileSync,
  realpathSync,
  statSync
} from 'node:fs'
import type { Stats } from 'node:fs'
import { mkdir, readdir, realpath, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import { HashingStream, type Checksums } from '../../lib/checksum.js'
import { Coalesce } from '../../lib/coalesce.js'
import { git } from '../../lib/git.js'
import {
  credentialReason,
  findPrivateKeys,
  privateKeyError,
  secretRules,
  type SecretRules
} from '../secrets.js'
import { Tee } from '../../lib/tee.js'

export interface Snapshot {
  /** The written zip file. */
  path: string
  /** Number of entries in the zip. */
  files: number
  /** Size of the zip in bytes. */
  bytes: number
  /** CRC32C of the zip, big-endian, base64 — compare with a GCS object's `crc32c`. */
  crc32c: string
  /** Paths left out on purpose, each as `path: reason` (symlinks, submodules, odd names). */
  skipped: string[]
}

export interface SnapshotOptions {
  projectDir: string
  outFile: string
  /**
   * Credentials files are left out; private keys elsewhere refuse the snapshot. Default: the
   * credentials this process's environment names, no file allowed.
   */
  secrets?: SecretRules
}

/**
 * Extensions of formats that are already compressed: deflating them again costs time and gains
 * nothing, so they are stored as they are.
 */
const COMPRESSED_EXTENSIONS = new Set([
  '.zip',
  '.gz',
  '.tgz',
  '.bz2',
  '.tbz2',
  '.xz',
  '.txz',
  '.zst',
  '.lz4',
  '.lzo',
  '.br',
  '.7z',
  '.rar',
  '.jar',
  '.whl',
  '.egg',
  '.npz',
  '.parquet',
  '.orc',
  '.snappy',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.avif',
  '.heic',
  '.mp3',
  '.mp4',
  '.m4a',
  '.mov',
  '.mkv',
  '.webm',
  '.ogg',
  '.flac',
  '.woff',
  '.woff2',
  '.docx',
  '.xlsx',
  '.pptx'
])

/** How many files are hashed at once for the key (the libuv pool has 4 threads). */
const HASH_CONCURRENCY = 32

interface Entry {
  /** Name inside the zip: relative to projectDir, `/`-separated. */
  name: string
  /** File whose bytes become the entry (a followed symlink's target). */
  source: string
  size: number
  executable: boolean
  /** Device and inode of the source, to recognise the output file among the inputs. */
  identity: string
}

type Candidate =
  { kind: 'file'; entry: Entry } | { kind: 'skip'; reason: string } | { kind: 'gone' }

/**
 * What a snapshot of `projectDir` will hold, and a key that names its bytes without writing it:
 * a hash of each entry's name, mode and content id. A clean tracked file's content id is git's
 * blob id from the index (no read needed); any other file is hashed as git would hash it. Equal
 * keys mean equal zips, so a re-run can skip zipping and uploading when the stored object carries
 * the same key.
 */
export interface SnapshotPlan {
  key: string
  files: number
  /** The files' total size: the zip's size, give or take compression and headers. */
  bytes: number
  skipped: string[]
  /** Writes the zip; `alsoTo` receives the same bytes as they are written (see Tee). */
  write(alsoTo?: Writable): Promise<Snapshot>
}

/** Names the zip format: a change to how entries are written must change every key. */
const KEY_FORMAT =
  'kedro-dataproc-snapshot/2 yazl-3 buffered-1MiB-window-32MiB dos-1980 0644/0755 deflate-1'

export async function planSnapshot(options: SnapshotOptions): Promise<SnapshotPlan> {
  const root = path.resolve(options.projectDir)
  const outFile = path.resolve(options.outFile)
  const secrets = options.secrets ?? secretRules([])
  // git starts before anything is awaited, so it works while the caller goes on (see deploy); a
  // missing directory fails it too, but realProjectDir says so better.
  const listed = listProjectFiles(root)
  listed.catch(() => undefined)
  const rootReal = await realProjectDir(root)
  const listing = await listed
  const skipped = listing.skipped.map(s => `${s.name}: ${s.reason}`)
  const outIdentity = await identity(outFile)

  const candidates = listing.names.map(name => inspect(root, rootReal, name))
  const entries: Entry[] = []
  candidates.forEach((candidate, i) => {
    const name = listing.names[i] as string
    if (candidate.kind === 'skip') skipped.push(`${name}: ${candidate.reason}`)
    if (candidate.kind !== 'file') return
    const credentials = credentialReason(name, candidate.entry.source, secrets.credentials)
    if (credentials) {
      skipped.push(`${name}: ${credentials}`)
      return
    }
    // A previous code.zip written inside the project must not end up inside the new one.
    if (candidate.entry.identity === outIdentity) {
      skipped.push(`${name}: the snapshot's own output file`)
      return
    }
    entries.push(candidate.entry)
  })
  const keys = findPrivateKeys(entries, secrets.allowed)
  if (keys.length > 0) throw privateKeyError('The code snapshot (working-directory)', keys)
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))

  // Ids are git blob ids either way, so a file git reports as touched but unchanged keeps its id.
  const algorithm = [...listing.cleanBlobs.values()][0]?.length === 64 ? 'sha256' : 'sha1'
  const ids = await mapLimited(entries, HASH_CONCURRENCY, async entry => {
    const blob = listing.cleanBlobs.get(entry.name)
    // A followed symlink's blob is the link text, not the bytes that go into the zip.
    if (blob && entry.source === path.join(root, ...entry.name.split('/'))) return blob
    return gitBlobId(entry.source, entry.size, algorithm)
  })
  const key = createHash('sha256').update(`${KEY_FORMAT}\n`)
  entries.forEach((entry, i) => {
    key.update(`${entry.name}\0${entry.executable ? '755' : '644'}\0${ids[i]}\n`)
  })
  const sortedSkipped = skipped.sort()
  return {
    key: key.digest('hex'),
    files: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    skipped: sortedSkipped,
    write: async alsoTo => ({
      path: outFile,
      files: entries.length,
      ...(await writeZip(entries, outFile, alsoTo)),
      skipped: sortedSkipped
    })
  }
}

/** Writes the snapshot of `projectDir` to `outFile` (overwritten) and describes it. */
export async function snapshotWorkingTree(options: SnapshotOptions): Promise<Snapshot> {
  return (await planSnapshot(options)).write()
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

async function realProjectDir(root: string): Promise<string> {
  let stats: Stats
  try {
    stats = await stat(root)
  } catch (error) {
    throw new Error(
      `The project directory ${root} does not exist or cannot be read (${errorCode(error)}): ` +
        'check the working-directory input and that the repository is checked out.'
    )
  }
  if (!stats.isDirectory()) {
    throw new Error(`The project directory ${root} is not a directory: check working-directory.`)
  }
  return realpath(root)
}

interface Listing {
  names: string[]
  skipped: { name: string; reason: string }[]
  /** Git's blob id of each tracked regular file whose working-tree copy matches the index. */
  cleanBlobs: Map<string, string>
}

/**
 * Lists with git straight away, all three listings at once, and tells from a failure whether the
 * directory is in a work tree at all: one git process and one round trip fewer than asking first.
 */
async function listProjectFiles(root: string): Promise<Listing> {
  // -z: names come raw and NUL-separated, never C-quoted (core.quotePath only applies without it),
  // so spaces, newlines and non-ASCII characters survive. Two listings rather than one combined
  // `--cached --others`: with `--stage` the cached one carries each file's mode, which is how a
  // submodule (gitlink, mode 160000) is told apart from a tracked file replaced by a directory.
  const results = await Promise.all([
    git(root, ['ls-files', '-z', '--cached', '--stage']),
    git(root, ['ls-files', '-z', '--others', '--exclude-standard']),
    // Read-only: compares the index's stat data with the disk (and the content where racy).
    git(root, ['diff-files', '-z', '--name-only', '--relative'])
  ])
  const failed = results.find(result => result.code !== 0)
  if (failed) {
    // Only a plain "not a repository" may fall back to walking: any other failure (e.g. git's
    // "dubious ownership" refusal) would otherwise silently pack ignored files such as secrets.
    if (/not a git repository/i.test(failed.stderr)) return walk(root)
    throw notAWorkTree(root, failed.stderr)
  }
  const [cached, others, dirty] = results.map(result => result.stdout) as [Buffer, Buffer, Buffer]
  return gitListing(cached, others, dirty)
}

function notAWorkTree(root: string, stderr: string): Error {
  if (/must be run in a work tree/i.test(stderr)) {
    return new Error(
      `${root} is inside a git directory or a bare repository, not a working tree: ` +
        'point working-directory at the checked-out project.'
    )
  }
  return new Error(
    `git could not read the repository at ${root}: ${stderr.trim()}. ` +
      'If git reports dubious ownership, run `git config --global --add safe.directory <path>` ' +
      'in an earlier step (actions/checkout does this for its own checkout).'
  )
}

function gitListing(cached: Buffer, others: Buffer, dirty: Buffer): Listing {
  const dirtyNames = new Set(splitNul(dirty).map(raw => raw.toString('utf8')))
  const cleanBlobs = new Map<string, string>()
  const names = new Set<string>()
  const skipped: Listing['skipped'] = []
  const accept = (raw: Buffer, gitlink: boolean): void => {
    const decoded = decodeName(raw)
    if (decoded.kind === 'skip') {
      skipped.push({ name: decoded.name, reason: decoded.reason })
    } else if (gitlink) {
      skipped.push({ name: decoded.name, reason: 'git submodule, its files are not included' })
    } else if (decoded.name.endsWith('/')) {
      // `--others` names an untracked nested repository as a directory and does not descend.
      skipped.push({
        name: decoded.name.slice(0, -1),
        reason: 'nested git repository, its files are not included'
      })
    } else {
      names.add(decoded.name)
    }
  }
  for (const record of splitNul(cached)) {
    // "<mode> <object> <stage>\t<path>"; conflicted paths appear once per stage, the Set dedupes.
    const tab = record.indexOf(0x09)
    const [mode, blob, stage] = record.subarray(0, tab).toString().split(' ')
    const name = record.subarray(tab + 1)
    accept(name, mode === '160000')
    const decoded = name.toString('utf8')
    const regular = mode === '100644' || mode === '100755'
    if (regular && stage === '0' && blob && !dirtyNames.has(decoded)) cleanBlobs.set(decoded, blob)
  }
  for (const record of splitNul(others)) accept(record, false)
  return { names: [...names], skipped: dedupeSkipped(skipped), cleanBlobs }
}

function dedupeSkipped(skipped: Listing['skipped']): Listing['skipped'] {
  const seen = new Set<string>()
  return skipped.filter(s => !seen.has(s.name) && seen.add(s.name))
}

/** Fallback outside git: every file under root except `.git` (a stray one may hold credentials). */
async function walk(root: string): Promise<Listing> {
  const names: string[] = []
  const skipped: Listing['skipped'] = []
  const visit = async (relative: string): Promise<void> => {
    const dirents = await readdir(path.join(root, relative), { withFileTypes: true })
    for (const dirent of dirents) {
      if (dirent.name === '.git') continue
      const name = relative === '' ? dirent.name : `${relative}/${dirent.name}`
      if (dirent.isDirectory()) {
        await visit(name)
      } else if (dirent.name.includes('\\')) {
        skipped.push({ name, reason: backslashReason })
      } else {
        // Files, symlinks and special files alike: inspect() decides with lstat.
        names.push(name)
      }
    }
  }
  await visit('')
  return { names, skipped, cleanBlobs: new Map() }
}

const backslashReason = 'the name contains a backslash, which zip readers take as a separator'

type Decoded = { kind: 'name'; name: string } | { kind: 'skip'; name: string; reason: string }

const utf8 = new TextDecoder('utf-8', { fatal: true })

function decodeName(raw: Buffer): Decoded {
  let name: string
  try {
    name = utf8.decode(raw)
  } catch {
    // Zip entry names are UTF-8; a name in another encoding cannot be stored faithfully.
    return { kind: 'skip', name: raw.toString('latin1'), reason: 'the name is not valid UTF-8' }
  }
  if (name.includes('\\')) return { kind: 'skip', name, reason: backslashReason }
  return { kind: 'name', name }
}

function splitNul(output: Buffer): Buffer[] {
  const records: Buffer[] = []
  let start = 0
  for (let end = output.indexOf(0); end !== -1; end = output.indexOf(0, start)) {
    records.push(output.subarray(start, end))
    start = end + 1
  }
  return records
}

/**
 * Synchronous on purpose: the metadata of a freshly checked-out tree is in memory, and thousands
 * of promise-based lstat calls, each a round trip through the thread pool, cost several times
 * more than the calls themselves (about 70 ms against 11 ms for 2,155 files in a fresh process).
 */
function inspect(root: string, rootReal: string, name: string): Candidate {
  const diskPath = path.join(root, ...name.split('/'))
  let stats: Stats
  try {
    stats = lstatSync(diskPath)
  } catch (error) {
    // Tracked but deleted in the working tree: the snapshot is the working tree, so it is absent.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { kind: 'gone' }
    throw fileError(name, error)
  }
  if (stats.isFile()) return file(name, diskPath, stats)
  if (stats.isSymbolicLink()) return followLink(rootReal, name, diskPath)
  if (stats.isDirectory()) {
    // A tracked file replaced by a directory: the directory's files are listed on their own.
    return { kind: 'gone' }
  }
  return { kind: 'skip', reason: 'not a regular file (socket, device or fifo)' }
}

function followLink(rootReal: string, name: string, diskPath: string): Candidate {
  let target: string
  try {
    target = realpathSync(diskPath)
  } catch {
    return { kind: 'skip', reason: 'broken symlink' }
  }
  const relative = path.relative(rootReal, target)
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { kind: 'skip', reason: `symlink to ${target}, outside the project directory` }
  }
  let stats: Stats
  try {
    stats = statSync(target)
  } catch (error) {
    throw fileError(name, error)
  }
  if (stats.isDirectory()) return { kind: 'skip', reason: 'symlink to a directory' }
  if (!stats.isFile()) return { kind: 'skip', reason: 'symlink to something not a regular file' }
  return file(name, target, stats)
}

function file(name: string, source: string, stats: Stats): Candidate {
  return {
    kind: 'file',
    entry: {
      name,
      source,
      size: stats.size,
      executable: (stats.mode & 0o111) !== 0,
      identity: identityOf(stats)
    }
  }
}

/** Device and inode of an existing output file, so the listing can leave it out. */
async function identity(file: string): Promise<string | undefined> {
  try {
    return identityOf(await stat(file))
  } catch {
    return undefined
  }
}

function identityOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`
}

/**
 * Small files are handed to yazl as buffers: it checksums and deflates them at once (in the bundle,
 * synchronously up to 64 KiB and in the thread pool above: src/yazl-zlib.cjs), then writes each
 * with a single call. A stream per entry would cost a pipeline and a few turns of the event loop
 * each, which for thousands of small files is most of the snapshot's time. Bigger files are
 * streamed when yazl reaches them.
 */
const BUFFERED_MAX_BYTES = 1024 * 1024
/** The zip leaves for the checksum, the file and the upload in blocks of at least this size. */
const OUTPUT_BLOCK_BYTES = 256 * 1024
/**
 * zlib's fastest level. Against the default (6) it deflates the bench project's 9.4 MB of text in
 * 80-95 ms instead of 190-220 ms, for a zip 0.4% bigger (the text compresses 9% less); the bytes
 * that dominate a Kedro archive are data files that are stored as they are anyway.
 */
const DEFLATE_LEVEL = 1
/** At most this many bytes of buffered files wait in yazl to be written. */
const BUFFERED_WINDOW_BYTES = 32 * 1024 * 1024

async function writeZip(
  entries: Entry[],
  outFile: string,
  alsoTo: Writable | undefined
): Promise<Checksums> {
  const zip = new yazl.ZipFile()
  const hasher = await HashingStream.create()
  // The entry yazl is streaming: errors from yazl and from the stream are about it.
  const streaming: Streaming = { name: 'a file' }
  zip.on('error', (error: unknown) => hasher.destroy(fileError(streaming.name, error)))
  await mkdir(path.dirname(outFile), { recursive: true })
  const file = createWriteStream(outFile)
  const blocks = new Coalesce(OUTPUT_BLOCK_BYTES)
  const written = alsoTo
    ? pipeline(zip.outputStream, blocks, hasher, new Tee(alsoTo), file)
    : pipeline(zip.outputStream, blocks, hasher, file)
  const added = addEntries(zip, entries, streaming).catch((error: unknown) => {
    hasher.destroy(error as Error)
    throw error
  })
  try {
    await Promise.all([written, added])
  } catch (error) {
    streaming.stream?.destroy()
    await rm(outFile, { force: true })
    throw error
  }
  return hasher.result()
}

interface Streaming {
  name: string
  stream?: Readable
}

/**
 * Adds the entries in order. Which files go in as buffers depends only on the list (names and
 * sizes), so the same tree always gives the same bytes: a buffered entry carries its CRC and
 * sizes in its header, a streamed one in a descriptor after its data.
 */
async function addEntries(
  zip: yazl.ZipFile,
  entries: Entry[],
  streaming: Streaming
): Promise<void> {
  // yazl encodes the DOS date from the Date's *local* fields, so this Date is built in local time
  // to give the same fields (1980-01-01 00:00:00, the DOS epoch) in every time zone. The
  // universal-timestamp extra field (UTC seconds) would differ per zone, hence forceDosTimestamp.
  const mtime = new Date(1980, 0, 1, 0, 0, 0)
  let buffered = 0
  for (const entry of entries) {
    const options = {
      mtime,
      forceDosTimestamp: true,
      mode: entry.executable ? 0o100755 : 0o100644,
      compressionLevel: COMPRESSED_EXTENSIONS.has(path.extname(entry.name).toLowerCase())
        ? 0
        : DEFLATE_LEVEL
    }
    const small = entry.size <= BUFFERED_MAX_BYTES
    if (small && buffered + entry.size <= BUFFERED_WINDOW_BYTES) {
      let buffer: Buffer
      try {
        buffer = readSmall(entry)
      } catch (error) {
        throw fileError(entry.name, error)
      }
      zip.addBuffer(buffer, entry.name, options)
      buffered += entry.size
      continue
    }
    // yazl asks for a streamed entry once everything before it is written: the window is free.
    await new Promise<void>(reached => {
      // yazl checks the bytes it read against `size`: a file that changes while being archived
      // fails the snapshot instead of producing a torn one.
      zip.addReadStreamLazy(entry.name, { ...options, size: entry.size }, callback => {
        streaming.name = entry.name
        reached()
        const opened = small
          ? new Promise<Readable>(resolve => resolve(Readable.from([readSmall(entry)])))
          : open(entry.source)
        opened.then(
          stream => {
            streaming.stream = stream
            stream.on('error', error => zip.emit('error', error))
            callback(null, stream)
          },
          (error: unknown) => zip.emit('error', error)
        )
      })
    })
    buffered = 0
  }
  zip.end()
}

const CHANGED_SIZE = new Error('unexpected number of bytes')

/**
 * A small file's bytes, read synchronously for the reason inspect() gives: a promise-based read is
 * four round trips through the thread pool (open, stat, read, close), several times the reading.
 */
function readSmall(entry: Entry): Buffer {
  const buffer = readFileSync(entry.source)
  if (buffer.length !== entry.size) throw CHANGED_SIZE
  return buffer
}

/** Opens a file as a stream, resolving once it is open (so a missing file rejects here). */
function open(file: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file)
    stream.once('open', () => resolve(stream))
    stream.once('error', reject)
  })
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

function fileError(name: string, error: unknown): Error {
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ENOENT') {
    return new Error(
      `${name} vanished while the code snapshot was being written: something is changing the ` +
        'working tree during the run. Let earlier steps finish before this one, then retry.'
    )
  }
  if (/unexpected number of bytes/.test(message)) {
    return new Error(
      `${name} changed size while the code snapshot was being written: something is writing ` +
        'to the working tree during the run. Let earlier steps finish before this one, then retry.'
    )
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new Error(`${name} cannot be read (${code}): fix its permissions or .gitignore it.`)
  }
  return new Error(`Could not add ${name} to the code snapshot: ${message}`)
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code: unknown = error.code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}
