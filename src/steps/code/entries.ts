/**
 * What each listed name is on disk: a regular file (or a symlink followed to one inside the
 * project) becomes an entry; anything else is left out with a reason. Errors name the file and
 * say what to do.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { errorCode } from '../../lib/errors.js'

export interface Entry {
  /** Name inside the zip: relative to projectDir, `/`-separated. */
  name: string
  /** File whose bytes become the entry (a followed symlink's target). */
  source: string
  size: number
  executable: boolean
  /** Device and inode of the source, to recognise the output file among the inputs. */
  identity: string
}

export type Candidate =
  { kind: 'file'; entry: Entry } | { kind: 'skip'; reason: string } | { kind: 'gone' }

export async function realProjectDir(root: string): Promise<string> {
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

/**
 * Synchronous on purpose: the metadata of a freshly checked-out tree is in memory, and thousands
 * of promise-based lstat calls, each a round trip through the thread pool, cost several times
 * more than the calls themselves.
 */
export function inspect(root: string, rootReal: string, name: string): Candidate {
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
export async function identity(file: string): Promise<string | undefined> {
  try {
    return identityOf(await stat(file))
  } catch {
    return undefined
  }
}

function identityOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`
}

export function fileError(name: string, error: unknown): Error {
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
