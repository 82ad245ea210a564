/**
 * The command's settings, where Kedro users keep them: `[tool.kedro-dataproc]` in the project's
 * pyproject.toml, then its `[tool.kedro-dataproc.dev]` or `.prod` section, then
 * `KEDRO_DATAPROC_*` environment variables, then flags. Each layer overrides the one before, and
 * every value remembers which layer it came from, for the plan to say.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { close } from '../kedro/check.js'
import { INPUTS, type InputName } from '../inputs/table.js'
import { FLAG_INPUTS, UsageError } from './args.js'

const TABLE = 'tool.kedro-dataproc'
const SECTIONS = ['dev', 'prod'] as const

/** The `[tool.kedro-dataproc]` table of a pyproject.toml, and where it was read. */
export interface Pyproject {
  path: string
  table: Record<string, unknown>
}

export interface Layers {
  pyproject?: Pyproject
  env: NodeJS.ProcessEnv
  flags: Partial<Record<InputName, string>>
}

export interface Setting {
  value: string
  /** `pyproject [tool.kedro-dataproc.dev]`, `env KEDRO_DATAPROC_REGION`, `--region` or `default`. */
  source: string
}

export interface Settings {
  /** Every input the command reads: its value in effect ('' means the input's own default). */
  values: Record<InputName, Setting>
  /** Things worth saying that do not stop the run. */
  warnings: string[]
}

/** `run-submit-bucket` → `KEDRO_DATAPROC_RUN_SUBMIT_BUCKET`. */
export const envVariable = (name: InputName): string =>
  `KEDRO_DATAPROC_${name.toUpperCase().replace(/-/g, '_')}`

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint')
    return String(value)
  return undefined
}

/**
 * TOML values as input text: an array becomes lines (lists and `key=value` inputs read lines), a
 * table `key=value` lines (labels, spark-properties, build-args).
 */
function asInputText(value: unknown, where: string): string {
  const single = scalar(value)
  if (single !== undefined) return single
  const items = Array.isArray(value)
    ? value.map(item => scalar(item))
    : isTable(value)
      ? Object.entries(value).map(([key, item]) => {
          const text = scalar(item)
          return text === undefined ? undefined : `${key}=${text}`
        })
      : [undefined]
  if (items.some(item => item === undefined))
    throw new UsageError(
      `${where}: use a string, number, boolean, a list of them, or a table of key = value`
    )
  return items.join('\n')
}

function unknownKey(key: string, where: string, valid: readonly string[]): UsageError {
  const guess = close(key, [...valid])[0]
  const report = key in INPUTS ? ` (${key} is read only by the GitHub action)` : ''
  return new UsageError(
    `${where}: unknown key '${key}'${report}; ${guess ? `did you mean '${guess}'?` : 'the keys are the action’s input names (see kedro-dataproc --help)'}`
  )
}

/** Checks a table's keys and reads its values; `section` names it in errors and sources. */
function readTable(
  table: Record<string, unknown>,
  header: string,
  allowSections: boolean
): Map<InputName, string> {
  const read = new Map<InputName, string>()
  const valid = allowSections ? [...FLAG_INPUTS, ...SECTIONS] : FLAG_INPUTS.filter(n => n !== 'env')
  for (const [key, value] of Object.entries(table)) {
    if (allowSections && (SECTIONS as readonly string[]).includes(key)) {
      if (!isTable(value))
        throw new UsageError(`[${header}] ${key}: must be a table [${header}.${key}]`)
      continue
    }
    if (!allowSections && key === 'env')
      throw new UsageError(
        `[${header}]: env cannot be set here, since env chooses the section; set it in [${TABLE}], KEDRO_DATAPROC_ENV or --env`
      )
    if (!(FLAG_INPUTS as readonly string[]).includes(key))
      throw unknownKey(key, `[${header}]`, valid)
    read.set(key as InputName, asInputText(value, `[${header}] ${key}`))
  }
  return read
}

/** Resolves every flag input through the four layers. Pure: the layers are handed in. */
export function resolveSettings(layers: Layers): Settings {
  const shared = readTable(layers.pyproject?.table ?? {}, TABLE, true)
  const fromEnv = (name: InputName): string | undefined =>
    layers.env[envVariable(name)] || undefined
  // The environment chooses the section, so it is resolved first, without one.
  const env = layers.flags.env ?? fromEnv('env') ?? shared.get('env') ?? INPUTS.env.default
  const sectionValue = layers.pyproject?.table[env]
  const sectionHeader = `${TABLE}.${env}`
  const section =
    (SECTIONS as readonly string[]).includes(env) && isTable(sectionValue)
      ? readTable(sectionValue, sectionHeader, false)
      : new Map<InputName, string>()

  const values = {} as Record<InputName, Setting>
  for (const name of FLAG_INPUTS) {
    const flag = layers.flags[name]
    const variable = fromEnv(name)
    values[name] =
      flag !== undefined
        ? { value: flag, source: `--${name}` }
        : variable !== undefined
          ? { value: variable, source: `env ${envVariable(name)}` }
          : section.has(name)
            ? { value: section.get(name) as string, source: `pyproject [${sectionHeader}]` }
            : shared.has(name)
              ? { value: shared.get(name) as string, source: `pyproject [${TABLE}]` }
              : { value: '', source: 'default' }
  }
  return { values, warnings: strayVariables(layers.env) }
}

/** A KEDRO_DATAPROC_ variable that names no input is most likely a typo: say so. */
function strayVariables(env: NodeJS.ProcessEnv): string[] {
  const known = new Map(FLAG_INPUTS.map(name => [envVariable(name), name]))
  return Object.keys(env)
    .filter(variable => variable.startsWith('KEDRO_DATAPROC_') && !known.has(variable))
    .map(variable => {
      const guess = close(variable, [...known.keys()])[0]
      return `${variable} is not a setting and is ignored${guess ? `; did you mean ${guess}?` : ''}`
    })
}

/** The `[tool.kedro-dataproc]` table of `directory`'s pyproject.toml, when it has one. */
export function readPyproject(directory: string): Pyproject | undefined {
  const path = join(directory, 'pyproject.toml')
  if (!existsSync(path)) return undefined
  let document: Record<string, unknown>
  try {
    document = parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UsageError(
      `${path} is not valid TOML: ${error instanceof Error ? error.message : String(error)}`
    )
  }
  const tool = document.tool
  const table = isTable(tool) ? tool['kedro-dataproc'] : undefined
  if (table === undefined) return undefined
  if (!isTable(table)) throw new UsageError(`${path}: tool.kedro-dataproc must be a table`)
  return { path, table }
}
