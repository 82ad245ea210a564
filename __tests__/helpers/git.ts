import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' }
  })
}

/** A throwaway repository with one commit on `branch`. */
export function makeRepo(branch = 'main'): string {
  const dir = mkdtempSync(join(tmpdir(), 'repo-'))
  git(dir, 'init', '-q', '-b', branch)
  git(dir, 'config', 'user.email', 'test@example.com')
  git(dir, 'config', 'user.name', 'Test')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial')
  return dir
}
