/**
 * `kedro-dataproc init`: adapts an existing Kedro project the way the README's "Adapting your
 * Kedro project" describes. It only creates files that do not exist and adds blocks to files that
 * lack them, so it never overwrites what it did not write, a second run changes nothing, and
 * `--dry-run` shows the same changes as a diff without making them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parse } from 'smol-toml'
import { hasGcsfs, parseRequirements, pysparkLines } from '../kedro/requirements.js'
import { parseBoolean } from '../inputs/syntax.js'
import { UsageError } from './args.js'
import {
  CATALOG_GLOBAL,
  DOCKERFILE,
  DOCKERIGNORE,
  GCSFS_REQUIREMENT,
  PYPROJECT_TABLE,
  RESOLVER_MERGED,
  RESOLVER_NEW
} from './init-files.js'
import type { Result } from './result.js'
import type { Settings } from './settings.js'
import { Terminal } from './terminal.js'

/** One change: `text` put at the start or the end of `path`, which may not exist yet. */
export interface Change {
  path: string
  at: 'start' | 'end'
  text: string
  why: string
}

export interface InitPlan {
  changes: Change[]
  /** What init leaves to the user: files it will not overwrite, lines it will not remove. */
  warnings: string[]
}

const read = (dir: string, path: string): string | undefined =>
  existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined

const lineCount = (text: string): number =>
  text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0)

function newFile(dir: string, path: string, text: string, why: string, p: InitPlan): void {
  const existing = read(dir, path)
  if (existing === undefined) p.changes.push({ path, at: 'start', text, why })
  else if (existing !== text)
    p.warnings.push(
      `${path} exists and kedro-dataproc init did not write it, so it is left as it is; compare it with the README's "Adapting your Kedro project"`
    )
}

function append(path: string, text: string, why: string, p: InitPlan): void {
  p.changes.push({ path, at: 'end', text, why })
}

/** `[tool.kedro]`'s package and source directory: where settings.py lives. */
function kedroProject(dir: string): { settings: string; pyproject: Record<string, unknown> } {
  const text = read(dir, 'pyproject.toml')
  const pyproject = text === undefined ? undefined : (parse(text) as Record<string, unknown>)
  const kedro = (pyproject?.tool as Record<string, Record<string, unknown>> | undefined)?.kedro
  if (!pyproject || !kedro || typeof kedro.package_name !== 'string')
    throw new UsageError(
      `${dir} is not a Kedro project: its pyproject.toml has no [tool.kedro] package_name; run init in the project's root`
    )
  const source = typeof kedro.source_dir === 'string' ? kedro.source_dir : 'src'
  return { settings: `${source}/${kedro.package_name}/settings.py`, pyproject }
}

function settingsChange(dir: string, path: string, p: InitPlan): void {
  const text = read(dir, path) ?? ''
  if (/["']oc\.env["']\s*:/.test(text)) return
  const defined = /^CONFIG_LOADER_ARGS\s*[:=]/m.test(text)
  append(path, defined ? RESOLVER_MERGED : RESOLVER_NEW, 'register the oc.env resolver', p)
}

function requirementsChange(dir: string, p: InitPlan): void {
  const text = read(dir, 'requirements.txt')
  if (text === undefined) {
    p.warnings.push('requirements.txt does not exist: the Dockerfile installs the image from it')
    return
  }
  const requirements = parseRequirements('requirements.txt', text)
  if (!hasGcsfs(requirements))
    append('requirements.txt', GCSFS_REQUIREMENT, 'gs:// paths need gcsfs', p)
  for (const line of pysparkLines(requirements))
    p.warnings.push(
      `requirements.txt: '${line.line}' puts pyspark into the image, and Dataproc mounts its own Spark: remove it (keep pyspark for local runs in an extra, or a requirements file the Dockerfile does not copy)`
    )
}

/** What init would change in the project at `dir`; reads only. */
export function planInit(dir: string): InitPlan {
  const p: InitPlan = { changes: [], warnings: [] }
  const { settings, pyproject } = kedroProject(dir)
  const dockerfile = 'deployment/dataproc/serverless/Dockerfile'
  newFile(dir, dockerfile, DOCKERFILE, 'the image for Dataproc', p)
  newFile(dir, '.dockerignore', DOCKERIGNORE, 'what the image leaves out', p)
  const tool = pyproject.tool as Record<string, unknown>
  if (tool['kedro-dataproc'] === undefined)
    append('pyproject.toml', PYPROJECT_TABLE, 'the settings of kedro-dataproc', p)
  settingsChange(dir, settings, p)
  const catalog = 'conf/base/catalog.yml'
  if (!/^_output\s*:/m.test(read(dir, catalog) ?? ''))
    p.changes.push({
      path: catalog,
      at: 'start',
      text: CATALOG_GLOBAL,
      why: 'the run output prefix'
    })
  requirementsChange(dir, p)
  return p
}

/** A unified diff of one insertion into `existing` (undefined: a new file). */
export function diffOf(change: Change, existing: string | undefined): string[] {
  const lines = change.text.replace(/\n$/, '').split('\n')
  const line = change.at === 'start' ? 0 : lineCount(existing ?? '')
  return [
    `--- ${existing === undefined ? '/dev/null' : `a/${change.path}`}`,
    `+++ b/${change.path}`,
    `@@ -${line},0 +${line + 1},${lines.length} @@ ${change.why}`,
    ...lines.map(text => `+${text}`)
  ]
}

/** The file with the change made. */
export function changed(change: Change, existing = ''): string {
  if (change.at === 'start') return `${change.text}${existing}`
  return `${existing}${existing === '' || existing.endsWith('\n') ? '' : '\n'}${change.text}`
}

export function initCommand(dir: string, dryRun: boolean, terminal: Terminal): Result {
  const p = planInit(dir)
  for (const change of p.changes) {
    const existing = read(dir, change.path)
    for (const line of diffOf(change, existing)) terminal.output(line)
    if (dryRun) continue
    mkdirSync(dirname(join(dir, change.path)), { recursive: true })
    writeFileSync(join(dir, change.path), changed(change, existing))
  }
  for (const warning of p.warnings) terminal.warning(warning)
  const paths = p.changes.map(change => change.path)
  terminal.info(
    paths.length === 0
      ? 'init: nothing to change; the project is adapted'
      : `init: ${dryRun ? 'would change' : 'changed'} ${paths.join(', ')}${dryRun ? ' (dry run: nothing was written)' : ''}`
  )
  return { exitCode: 0, json: { changed: paths, dryRun, warnings: p.warnings } }
}

/** The front end's call: the project and --dry-run from the settings; --json keeps stdout for it. */
export function initProject(
  settings: Settings,
  cwd: string,
  env: NodeJS.ProcessEnv,
  json: boolean
): Result {
  const { values } = settings
  const dryRun = parseBoolean(values['dry-run'].value || 'false')
  if (dryRun === undefined) throw new UsageError('--dry-run: use true or false')
  const dir = resolve(cwd, values['working-directory'].value || '.')
  const out = json ? process.stderr : process.stdout
  return initCommand(dir, dryRun, new Terminal(out, process.stderr, env))
}
