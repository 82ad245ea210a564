/**
 * `npm run release -- VERSION|major|minor|patch [--dry-run]` cuts a release on a clean checkout:
 * it refuses a dirty tree or a stale dist/, sets the version in package.json (the one place the
 * action's version lives: the bundle, release manifests and the summary read it from there),
 * rebuilds dist/, moves the changelog's Unreleased entries under the version, commits, creates the
 * annotated tag vX.Y.Z and moves the major tag (vX) to it. It pushes nothing: the release workflow
 * (or the maintainer) pushes the commit and the tags and creates the GitHub release.
 * `npm run release -- --notes vX.Y.Z` prints that version's changelog section.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { cutChangelog, nextVersion, releaseNotes } from './changelog.js'
import { staleDistFiles } from './dist-diff.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()

function tagCommit(tag: string): string | undefined {
  try {
    return git('rev-parse', '--verify', '-q', `refs/tags/${tag}^{commit}`)
  } catch {
    return undefined
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, notes: { type: 'string' } }
  })
  const changelogFile = join(ROOT, 'CHANGELOG.md')
  const changelog = readFileSync(changelogFile, 'utf8')
  if (values.notes) {
    process.stdout.write(releaseNotes(changelog, values.notes))
    return
  }
  const [spec] = positionals
  if (!spec || positionals.length > 1) {
    throw new Error('usage: npm run release -- VERSION|major|minor|patch [--dry-run]')
  }
  const dirty = git('status', '--porcelain')
  if (dirty) throw new Error(`the working tree is not clean; commit or stash first:\n${dirty}`)
  const packageJson = readFileSync(join(ROOT, 'package.json'), 'utf8')
  const current = (JSON.parse(packageJson) as { version: string }).version
  const version = nextVersion(current, spec)
  const tag = `v${version}`
  const major = `v${version.split('.')[0]}`
  if (tagCommit(tag)) throw new Error(`the tag ${tag} exists already`)
  const stale = staleDistFiles(ROOT)
  if (stale.length > 0) {
    throw new Error(`dist/ is stale (${stale.join(', ')}): run npm run build and commit dist/`)
  }
  const cut = cutChangelog(changelog, version, new Date().toISOString().slice(0, 10))
  const majorAt = tagCommit(major)
  const dry = values['dry-run'] ? 'would ' : ''
  console.log(`release: ${current} → ${version}`)
  console.log(`${dry}create tag ${tag}`)
  console.log(
    `${dry}move ${major} to ${tag}${majorAt ? ` (from ${majorAt.slice(0, 12)})` : ' (new tag)'}`
  )
  console.log(`notes:\n${releaseNotes(cut, version)}`)
  if (values['dry-run']) return

  // npm keeps package-lock.json's copy of the version in step.
  execFileSync('npm', ['version', '--no-git-tag-version', version], { cwd: ROOT, stdio: 'ignore' })
  writeFileSync(changelogFile, cut)
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' })
  git('add', 'package.json', 'package-lock.json', 'CHANGELOG.md', 'dist')
  git('commit', '-q', '-m', `Release ${tag}`)
  git('tag', '-a', tag, '-m', `${tag}\n\n${releaseNotes(cut, version)}`)
  git('tag', '-f', major, `${tag}^{commit}`)
  console.log(`done: push with  git push origin HEAD ${tag} && git push --force origin ${major}`)
}

try {
  main()
} catch (error) {
  console.error(`release: ${(error as Error).message}`)
  process.exit(1)
}
