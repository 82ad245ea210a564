import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './action.js'
import { git } from './git.js'

export const EXAMPLE = join(ROOT, 'examples', 'spaceflights-pyspark')

/**
 * A throwaway git checkout of the example project on `branch`, committed, so a test can add
 * uncommitted, untracked and ignored files on top.
 */
export function checkoutExample(branch: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kedro-project-'))
  cpSync(EXAMPLE, dir, { recursive: true })
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
