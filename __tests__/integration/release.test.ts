import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cutChangelog, nextVersion, releaseNotes } from '../../scripts/release/changelog.js'
import { ROOT } from '../helpers/action.js'
import { git as gitIn } from '../helpers/git.js'

describe('nextVersion', () => {
  test.each([
    ['0.1.0', 'patch', '0.1.1'],
    ['0.1.0', 'minor', '0.2.0'],
    ['0.1.9', 'major', '1.0.0'],
    ['0.1.0', '1.0.0', '1.0.0'],
    ['1.2.3', 'v1.10.0', '1.10.0']
  ])('%s with %s is %s', (current, spec, next) => {
    expect(nextVersion(current, spec)).toBe(next)
  })
  test.each([
    ['1.2.3', '1.2.3', /not newer/],
    ['1.2.3', '1.1.9', /not newer/],
    ['1.2.3', 'next', /give X\.Y\.Z, major, minor or patch/],
    ['1.2', 'patch', /not X\.Y\.Z/]
  ])('%s with %s is refused', (current, spec, message) => {
    expect(() => nextVersion(current, spec)).toThrow(message)
  })
})

const CHANGELOG = `# Changelog\n\n## [Unreleased]\n\n### Added\n\n- b\n\n## [0.1.0] - 2026-01-02\n\n- a\n`

test('the changelog: Unreleased moves under the version, which becomes the notes', () => {
  const cut = cutChangelog(CHANGELOG, '0.2.0', '2026-12-04')
  expect(cut).toBe(
    `# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-04\n\n### Added\n\n- b\n\n## [0.1.0] - 2026-01-02\n\n- a\n`
  )
  expect(releaseNotes(cut, 'v0.2.0')).toBe('### Added\n\n- b\n')
  expect(releaseNotes(cut, '0.1.0')).toBe('- a\n')
  expect(() => cutChangelog(cut, '0.3.0', '2026-12-05')).toThrow(/Unreleased.*is empty/)
  expect(() => cutChangelog(CHANGELOG, '0.1.0', '2026-12-05')).toThrow(/already has a section/)
  expect(() => releaseNotes(cut, '9.9.9')).toThrow(/no section for 9\.9\.9/)
})

describe('npm run release on a clean checkout', () => {
  let clone = ''
  const git = (dir: string, ...args: string[]): string => gitIn(dir, ...args).trim()
  const release = (...args: string[]) =>
    spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/release/release.ts', ...args], {
      cwd: clone,
      encoding: 'utf8'
    })

  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), 'release-')), 'repo')
    execFileSync('git', ['clone', '-q', ROOT, clone])
    git(clone, 'config', 'user.email', 'maintainer@example.com')
    git(clone, 'config', 'user.name', 'Maintainer')
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'))
    writeFileSync(join(clone, '.git/info/exclude'), 'node_modules\n')
  })

  test('a dry run prints the tag it would create and the major tag it would move, and changes nothing', () => {
    const current = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).version
    const next = nextVersion(current, 'minor')
    const head = git(clone, 'rev-parse', 'HEAD')
    const run = release('minor', '--dry-run')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`release: ${current} → ${next}`)
    expect(run.stdout).toContain(`would create tag v${next}`)
    expect(run.stdout).toMatch(new RegExp(`would move v${next.split('.')[0]} to v${next}`))
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(head)
    expect(git(clone, 'status', '--porcelain')).toBe('')
    expect(git(clone, 'tag', '--list')).toBe('')
  })

  test('refuses a dirty tree', () => {
    writeFileSync(join(clone, 'scratch.txt'), 'x\n')
    const run = release('patch', '--dry-run')
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/release: the working tree is not clean.*\n\?\? scratch\.txt/)
    execFileSync('rm', [join(clone, 'scratch.txt')])
  })

  test('cuts the release: version, changelog, dist, commit, tag, major tag; then refuses a stale dist/', () => {
    const run = release('2.0.0')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).version).toBe('2.0.0')
    expect(JSON.parse(readFileSync(join(clone, 'package-lock.json'), 'utf8')).version).toBe('2.0.0')
    expect(readFileSync(join(clone, 'CHANGELOG.md'), 'utf8')).toMatch(
      /## \[Unreleased\]\n\n## \[2\.0\.0\] - \d{4}-\d{2}-\d{2}\n\n### Added/
    )
    // The bundle carries the new version: it comes from package.json.
    // The version sits in whichever chunk the entry points share.
    const bundle = readdirSync(join(clone, 'dist'), { recursive: true, encoding: 'utf8' })
      .filter(name => name.endsWith('.js'))
      .map(name => readFileSync(join(clone, 'dist', name), 'utf8'))
    expect(bundle.filter(text => text.includes('version: "2.0.0"'))).toHaveLength(1)
    const head = git(clone, 'rev-parse', 'HEAD')
    expect(git(clone, 'log', '-1', '--format=%s')).toBe('Release v2.0.0')
    expect(git(clone, 'rev-parse', 'v2.0.0^{commit}')).toBe(head)
    expect(git(clone, 'rev-parse', 'v2^{commit}')).toBe(head)
    expect(git(clone, 'cat-file', '-t', 'v2.0.0')).toBe('tag')
    expect(git(clone, 'status', '--porcelain')).toBe('')

    const main = join(clone, 'src/github/main.ts')
    writeFileSync(
      main,
      readFileSync(main, 'utf8').replace("PREFIX = 'kedro-dataproc-action'", "PREFIX = 'kda'")
    )
    git(clone, 'commit', '-q', '-am', 'change the source, not dist/')
    const stale = release('patch', '--dry-run')
    expect(stale.status).toBe(1)
    expect(stale.stderr).toMatch(
      /release: dist\/ is stale \(dist\/.+\): run npm run build and commit dist\//
    )
  })
})
