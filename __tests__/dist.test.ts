import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { ROOT } from './helpers/action.js'

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}

test('the committed dist/ is what the sources build to', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'dist-'))
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), fresh], { cwd: ROOT })
  const committed = join(ROOT, 'dist')
  expect(files(committed)).toEqual(files(fresh))
  for (const file of files(fresh)) {
    const same = readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)))
    if (!same)
      throw new Error(`dist/${file} differs from a fresh build: run npm run build and commit dist/`)
  }
})
