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
 * The rooms: list.ts (the names), entries.ts (what each is on disk), key.ts (the key that names
 * the zip), compress.ts (deflate or store), zip.ts (the bytes).
 */
import path from 'node:path'
import type { Writable } from 'node:stream'
import type { Checksums } from '../../lib/checksum.js'
import {
  credentialReason,
  findPrivateKeys,
  privateKeyError,
  secretRules,
  type SecretRules
} from '../secrets.js'
import { identity, inspect, realProjectDir, type Entry } from './entries.js'
import { snapshotKey } from './key.js'
import { listProjectFiles } from './list.js'
import { writeZip } from './zip.js'

export interface Snapshot extends Checksums {
  /** The written zip file. */
  path: string
  /** Number of entries in the zip. */
  files: number
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
 * What a snapshot of `projectDir` will hold, and a key that names its bytes without writing it
 * (see key.ts). Equal keys mean equal zips, so a re-run can skip zipping and uploading when the
 * stored object carries the same key.
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

  const entries: Entry[] = []
  for (const name of listing.names) {
    const candidate = inspect(root, rootReal, name)
    if (candidate.kind === 'skip') skipped.push(`${name}: ${candidate.reason}`)
    if (candidate.kind !== 'file') continue
    const credentials = credentialReason(name, candidate.entry.source, secrets.credentials)
    if (credentials) {
      skipped.push(`${name}: ${credentials}`)
      continue
    }
    // A previous code.zip written inside the project must not end up inside the new one.
    if (candidate.entry.identity === outIdentity) {
      skipped.push(`${name}: the snapshot's own output file`)
      continue
    }
    entries.push(candidate.entry)
  }
  const keys = findPrivateKeys(entries, secrets.allowed)
  if (keys.length > 0) throw privateKeyError('The code snapshot (working-directory)', keys)
  // Sorted by UTF-8 bytes, the order zip readers and other tools agree on whatever the locale.
  const sortKeys = new Map(entries.map(entry => [entry, Buffer.from(entry.name)]))
  entries.sort((a, b) => Buffer.compare(sortKeys.get(a) as Buffer, sortKeys.get(b) as Buffer))

  const key = await snapshotKey(entries, listing.cleanBlobs, root)
  const sortedSkipped = skipped.sort()
  return {
    key,
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
