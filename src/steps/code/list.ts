/**
 * Which names a snapshot considers: what git would commit from the working tree, listed without
 * writing anything (`git ls-files`, `git diff-files`), or, outside a repository, every file but
 * `.git`. Names come back as git stores them; entries.ts decides what each is on disk.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { git } from '../../lib/git.js'

export interface Listing {
  names: string[]
  skipped: { name: string; reason: string }[]
  /** Git's blob id of each tracked regular file whose working-tree copy matches the index. */
  cleanBlobs: Map<string, string>
}

/**
 * Lists with git straight away, all three listings at once, and tells from a failure whether the
 * directory is in a work tree at all: one git process and one round trip fewer than asking first.
 */
export async function listProjectFiles(root: string): Promise<Listing> {
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
