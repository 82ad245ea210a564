/** The pure parts of a release: the next version, and the changelog before and after. */

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/

/** `spec` is a version (`1.2.3`, `v1.2.3`) or `major`, `minor`, `patch` relative to `current`. */
export function nextVersion(current: string, spec: string): string {
  const parts = SEMVER.exec(current)
  if (!parts) throw new Error(`package.json's version ${current} is not X.Y.Z`)
  const [major, minor, patch] = parts.slice(1).map(Number) as [number, number, number]
  const next =
    spec === 'major'
      ? `${major + 1}.0.0`
      : spec === 'minor'
        ? `${major}.${minor + 1}.0`
        : spec === 'patch'
          ? `${major}.${minor}.${patch + 1}`
          : spec.replace(/^v/, '')
  if (!SEMVER.test(next)) {
    throw new Error(`'${spec}' is not a version: give X.Y.Z, major, minor or patch`)
  }
  if (compare(next, current) <= 0) {
    throw new Error(`${next} is not newer than the current version ${current}`)
  }
  return next
}

function compare(a: string, b: string): number {
  const [x, y] = [a, b].map(v => v.split('.').map(Number))
  for (let i = 0; i < 3; i++) {
    const d = (x?.[i] ?? 0) - (y?.[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

const UNRELEASED = /^## \[Unreleased\][^\S\n]*$/m

/** The text of the `## [heading]` section, without its heading line. */
function section(changelog: string, heading: string): string | undefined {
  const lines = changelog.split('\n')
  const start = lines.findIndex(line => line.startsWith(`## [${heading}]`))
  if (start < 0) return undefined
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '))
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim()
}

/** The changelog with Unreleased's entries moved under `## [version] - date`. */
export function cutChangelog(changelog: string, version: string, date: string): string {
  if (!UNRELEASED.test(changelog)) {
    throw new Error('CHANGELOG.md has no "## [Unreleased]" section to release')
  }
  if (!section(changelog, 'Unreleased')) {
    throw new Error('CHANGELOG.md: "## [Unreleased]" is empty; say what this release changes')
  }
  if (section(changelog, version) !== undefined) {
    throw new Error(`CHANGELOG.md already has a section for ${version}`)
  }
  return changelog.replace(UNRELEASED, `## [Unreleased]\n\n## [${version}] - ${date}`)
}

/** What the GitHub release says: the version's changelog section. */
export function releaseNotes(changelog: string, version: string): string {
  const notes = section(changelog, version.replace(/^v/, ''))
  if (!notes) throw new Error(`CHANGELOG.md has no section for ${version}`)
  return `${notes}\n`
}
