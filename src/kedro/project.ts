import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import {
  compareVersions,
  formatVersion,
  KNOWN_VERSIONS,
  NEWEST,
  type KedroVersion
} from './options.js'

/** Which Kedro the project will run on, as far as its files say, and why. */
export interface ProjectKedro {
  /** The version the checks use. */
  version: KedroVersion
  /** Whether a file said so; otherwise the newest Kedro is assumed. */
  known: boolean
  /** e.g. "requirements.txt asks for kedro~=1.7: Kedro 1.7, the newest it allows". */
  reason: string
  /** `[tool.kedro] kedro_init_version`, when there is one. */
  initVersion?: string
}

interface Requirement {
  file: string
  spec: string
  exact: boolean
}

/**
 * Reads the project's Kedro from a lock file (exact), else `requirements*.txt` or `pyproject.toml`
 * dependencies (a range: the checks use the newest known Kedro it allows, which is what a fresh
 * image build installs), else assumes the newest.
 */
export function projectKedro(dir: string): ProjectKedro {
  const pyproject = readToml(join(dir, 'pyproject.toml'))
  const initVersion = stringAt(pyproject, ['tool', 'kedro', 'kedro_init_version'])
  const requirement = fromLocks(dir) ?? fromRequirements(dir) ?? fromPyproject(pyproject)
  if (!requirement) {
    return {
      version: NEWEST,
      known: false,
      reason: `no Kedro requirement found in a lock file, requirements*.txt or pyproject.toml: checked against the newest Kedro, ${formatVersion(NEWEST)}`,
      initVersion
    }
  }
  const allowed = KNOWN_VERSIONS.filter(version => satisfies(version, requirement.spec))
  const newest = allowed[allowed.length - 1]
  if (!newest) {
    return {
      version: NEWEST,
      known: false,
      reason: `${requirement.file} asks for kedro${requirement.spec}, which no Kedro this action knows satisfies: checked against the newest, ${formatVersion(NEWEST)}`,
      initVersion
    }
  }
  const why = requirement.exact ? '' : allowed.length > 1 ? ', the newest it allows' : ''
  return {
    version: newest,
    known: true,
    reason: `${requirement.file} ${requirement.exact ? 'pins' : 'asks for'} kedro${requirement.spec}: Kedro ${formatVersion(newest)}${why}`,
    initVersion
  }
}

function readToml(file: string): unknown {
  if (!existsSync(file)) return undefined
  try {
    return parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

function stringAt(value: unknown, path: string[]): string | undefined {
  let node = value
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return typeof node === 'string' ? node : undefined
}

const REQUIREMENT =
  /^kedro(?:\[[^\]]*\])?\s*((?:[<>=!~]=?|===)\s*[^;#\s][^;#]*)?\s*(?:;.*)?(?:#.*)?$/i

function fromLocks(dir: string): Requirement | undefined {
  for (const file of ['uv.lock', 'poetry.lock', 'pdm.lock']) {
    const lock = readToml(join(dir, file)) as { package?: { name?: string; version?: string }[] }
    const kedro = lock?.package?.find(entry => entry.name?.toLowerCase() === 'kedro')
    if (kedro?.version) return { file, spec: `==${kedro.version}`, exact: true }
  }
  return undefined
}

function fromRequirements(dir: string): Requirement | undefined {
  // A missing directory is reported by working-directory's own check.
  if (!existsSync(dir)) return undefined
  const files = [
    ...readdirSync(dir)
      .filter(name => /^requirements.*\.(txt|lock|in)$/.test(name))
      .sort(),
    ...(existsSync(join(dir, 'src', 'requirements.txt')) ? ['src/requirements.txt'] : [])
  ]
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), 'utf8').split(/\r?\n/)) {
      const match = REQUIREMENT.exec(line.trim())
      if (match) return requirement(file, match[1] ?? '')
    }
  }
  return undefined
}

function fromPyproject(pyproject: unknown): Requirement | undefined {
  const dependencies = (pyproject as { project?: { dependencies?: unknown } } | undefined)?.project
    ?.dependencies
  if (!Array.isArray(dependencies)) return undefined
  for (const dependency of dependencies) {
    const match = typeof dependency === 'string' ? REQUIREMENT.exec(dependency.trim()) : null
    if (match) return requirement('pyproject.toml', match[1] ?? '')
  }
  return undefined
}

function requirement(file: string, raw: string): Requirement | undefined {
  const spec = raw.replace(/\s+/g, '')
  // A bare `kedro` says nothing about the version.
  if (spec === '') return undefined
  return { file, spec, exact: /^===?[^,*]+$/.test(spec) }
}

/** Whether some release of `version`'s minor line satisfies every clause of a PEP 440 spec. */
export function satisfies(version: KedroVersion, spec: string): boolean {
  const clauses = spec.split(',').filter(Boolean)
  for (let patch = 0; patch <= 30; patch++) {
    const candidate = [version[0], version[1], patch]
    if (clauses.every(clause => clauseHolds(candidate, clause))) return true
  }
  return false
}

function clauseHolds(candidate: number[], clause: string): boolean {
  const match = /^(===|==|!=|~=|>=|<=|>|<)(.+)$/.exec(clause)
  if (!match) return false
  const [, operator, raw] = match as unknown as [string, string, string]
  const wildcard = raw.endsWith('.*')
  const target = raw
    .replace(/\.\*$/, '')
    .split('.')
    .map(part => Number.parseInt(part, 10) || 0)
  const cmp = compareParts(candidate, target)
  const prefixEqual = target.every((part, i) => candidate[i] === part)
  switch (operator) {
    case '==':
    case '===':
      return wildcard ? prefixEqual : cmp === 0
    case '!=':
      return wildcard ? !prefixEqual : cmp !== 0
    case '>=':
      return cmp >= 0
    case '<=':
      return cmp <= 0
    case '>':
      return cmp > 0
    case '<':
      return cmp < 0
    default: {
      // ~=X.Y means >=X.Y,==X.*; ~=X.Y.Z means >=X.Y.Z,==X.Y.*
      const prefix = target.slice(0, -1)
      return cmp >= 0 && prefix.every((part, i) => candidate[i] === part)
    }
  }
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * Kedro refuses to start a project whose `kedro_init_version` differs from the installed Kedro
 * in the major version (before 1.2 also in the minor): the refusal, or undefined.
 */
export function initVersionProblem(kedro: ProjectKedro): string | undefined {
  if (!kedro.known || !kedro.initVersion) return undefined
  const [major, minor] = kedro.initVersion.split('.').map(part => Number.parseInt(part, 10))
  const [kMajor, kMinor] = kedro.version
  const strict = compareVersions(kedro.version, [1, 2]) < 0
  if (major === kMajor && (!strict || minor === kMinor)) return undefined
  return (
    `pyproject.toml's kedro_init_version ${kedro.initVersion} does not match Kedro ${formatVersion(kedro.version)} (${kedro.reason}): ` +
    `Kedro ${formatVersion(kedro.version)} refuses to start such a project. Migrate the project to Kedro ${kMajor}.x and set ` +
    `kedro_init_version = "${kMajor}.${kMinor}.0", or pin the Kedro it was made with`
  )
}
