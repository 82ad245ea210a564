import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import yauzl from 'yauzl'
import { ROOT } from './action.js'
import { git } from './git.js'

export const EXAMPLE = join(ROOT, 'examples', 'spaceflights-pyspark')
/** A second real Kedro 1.x project: one Spark node, and a pipeline whose node fails. */
export const TINY_PROJECT = join(ROOT, '__tests__', 'fixtures', 'kedro-tiny')

/**
 * A throwaway git checkout of the example project (or `source`) on `branch`, committed, so a test
 * can add uncommitted, untracked and ignored files on top.
 */
export function checkoutExample(branch: string, source = EXAMPLE): string {
  const dir = mkdtempSync(join(tmpdir(), 'kedro-project-'))
  cpSync(source, dir, { recursive: true })
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'dev@example.com')
  git(dir, 'config', 'user.name', 'Dev')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'example project')
  git(dir, 'checkout', '-q', '-b', branch)
  return dir
}

/** Everything git keeps about a checkout that a run must leave exactly as it was. */
export function gitState(dir: string): Record<string, string> {
  return {
    status: git(dir, 'status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored'),
    index: readFileSync(join(dir, '.git', 'index')).toString('base64'),
    stash: git(dir, 'stash', 'list'),
    refs: git(dir, 'for-each-ref'),
    head: git(dir, 'symbolic-ref', 'HEAD')
  }
}

/** Every entry of a zip, read back with an independent reader. */
export async function zipEntries(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) =>
      error ? reject(error) : resolve(file)
    )
  )
  const entries = new Map<string, Buffer>()
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error)
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks))
          zip.readEntry()
        })
      })
    })
    zip.on('end', resolve)
    zip.on('error', reject)
    zip.readEntry()
  })
  return entries
}
