import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}

/**
 * The files of `root`'s dist/ that differ from a fresh build of its sources (missing, extra or
 * changed), as paths under dist/; empty when dist/ is current.
 */
export function staleDistFiles(root: string): string[] {
  const fresh = mkdtempSync(join(tmpdir(), 'dist-'))
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), fresh], { cwd: root })
    const committed = join(root, 'dist')
    const built = files(fresh)
    const kept = files(committed)
    const names = [...new Set([...built, ...kept])].sort()
    return names
      .filter(
        name =>
          !built.includes(name) ||
          !kept.includes(name) ||
          !readFileSync(join(fresh, name)).equals(readFileSync(join(committed, name)))
      )
      .map(name => `dist/${name}`)
  } finally {
    rmSync(fresh, { recursive: true, force: true })
  }
}
