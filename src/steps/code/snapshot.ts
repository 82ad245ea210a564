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
 * The rooms: list.ts (the names, here), then in the snapshot's own thread (thread.ts,
 * snapshot-worker.ts): plan-entries.ts (what goes in), entries.ts (what each is on disk), key.ts
 * (the key that names the zip), compress.ts (deflate or store), zip-bytes.ts (the bytes).
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Writable } from 'node:stream'
import type { Checksums } from '../../lib/checksum.js'
import { log } from '../../lib/log.js'
import { secretRules, unscannedLine, type SecretRules } from '../secrets.js'
import { realProjectDir } from './entries.js'
import { listProjectFiles } from './list.js'
import type { Planned } from './snapshot-worker.js'
import { SnapshotThread } from './thread.js'

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
  /** Writes the zip to the plan's file. */
  write(): Promise<Snapshot>
  /** Writes the zip into `to` (an upload), without a file, and ends it. */
  stream(to: Writable): Promise<Checksums>
  /** Ends the snapshot's thread, once the zip is written or not wanted. */
  close(): Promise<void>
}

export async function planSnapshot(options: SnapshotOptions): Promise<SnapshotPlan> {
  const root = path.resolve(options.projectDir)
  const outFile = path.resolve(options.outFile)
  const secrets = options.secrets ?? secretRules([])
  // The thread first, so that it boots on another core while git is started and runs; both
  // before anything is awaited, so they work while the caller goes on (see deploy). A missing
  // directory fails git too, but realProjectDir says so better.
  const thread = new SnapshotThread()
  const listed = listProjectFiles(root)
  listed.catch(() => undefined)
  let planned: Planned
  try {
    const rootReal = await realProjectDir(root)
    planned = await thread.plan({ root, rootReal, outFile, listing: await listed, secrets })
  } catch (error) {
    await thread.close()
    throw error
  }
  for (const name of planned.unscanned) log.info(unscannedLine('code.zip', name))
  return {
    ...planned,
    write: async () => ({
      path: outFile,
      files: planned.files,
      ...(await writeFile(thread, outFile)),
      skipped: planned.skipped
    }),
    stream: to => thread.write(to),
    close: () => thread.close()
  }
}

async function writeFile(thread: SnapshotThread, outFile: string): Promise<Checksums> {
  await mkdir(path.dirname(outFile), { recursive: true })
  try {
    return await thread.write(createWriteStream(outFile))
  } catch (error) {
    await rm(outFile, { force: true })
    throw error
  }
}

/** Writes the snapshot of `projectDir` to `outFile` (overwritten) and describes it. */
export async function snapshotWorkingTree(options: SnapshotOptions): Promise<Snapshot> {
  const planned = await planSnapshot(options)
  try {
    return await planned.write()
  } finally {
    await planned.close()
  }
}
