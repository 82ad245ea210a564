/**
 * The command line, read without side effects: the command, its batch, and the flags, which are
 * the action's inputs spelled `--kebab-case` (generated from the input table, so a new input is a
 * new flag without touching this file).
 */
import { parseArgs } from 'node:util'
import { close } from '../kedro/check.js'
import { parseBoolean } from '../inputs/syntax.js'
import { INPUT_NAMES, INPUTS, type InputName } from '../inputs/table.js'

/** Bad usage: nothing was done, and the exit status is 2. */
export class UsageError extends Error {}

export type Command = 'run' | 'logs' | 'cancel' | 'init' | 'clean'
export const COMMANDS: readonly Command[] = ['run', 'logs', 'cancel', 'init', 'clean']

/** Every input but those only the GitHub front end reads (comment, artifact, token). */
export const FLAG_INPUTS: readonly InputName[] = INPUT_NAMES.filter(
  name => INPUTS[name].role !== 'report'
)

/** What `logs` and `cancel` need: where the batch is, and how to reach it. */
export const LOCATING_INPUTS: readonly InputName[] = [
  'env',
  'project-id',
  'region',
  'dataproc-endpoint',
  'storage-endpoint',
  'logging-endpoint',
  'working-directory'
]

/** An input whose default is a boolean takes `--name`, `--no-name` and `--name=false`. */
export const isBooleanInput = (name: InputName): boolean =>
  parseBoolean(INPUTS[name].default) !== undefined

export interface Invocation {
  command: Command | 'help' | 'version'
  /** `logs` and `cancel`: the batch id or its full resource name. */
  batch?: string
  /** `clean`: the branch to clean up (default: the checked-out one). */
  branch?: string
  /** The inputs given as flags, by input name, exactly as given. */
  flags: Partial<Record<InputName, string>>
  json: boolean
}

const isFlagInput = (name: string): name is InputName =>
  (FLAG_INPUTS as readonly string[]).includes(name)

/**
 * node:util parseArgs knows booleans that take no value: a boolean input becomes a string flag
 * here, so `--wait` is `--wait=true` and `--no-wait` is `--wait=false`.
 */
function normaliseBooleans(argv: string[]): string[] {
  const end = argv.indexOf('--')
  const options = end === -1 ? argv : argv.slice(0, end)
  const rest = end === -1 ? [] : argv.slice(end)
  const normalised = options.map(arg => {
    const negated = /^--no-([a-z0-9-]+)$/.exec(arg)?.[1]
    if (negated && isFlagInput(negated) && isBooleanInput(negated)) return `--${negated}=false`
    const bare = /^--([a-z0-9-]+)$/.exec(arg)?.[1]
    if (bare && isFlagInput(bare) && isBooleanInput(bare)) return `--${bare}=true`
    return arg
  })
  return [...normalised, ...rest]
}

/** parseArgs says an option is unknown; say which one was meant. */
function explainParseError(error: unknown, allowed: readonly string[]): UsageError {
  const message = error instanceof Error ? error.message : String(error)
  const unknown = /Unknown option '--([^']+)'/.exec(message)?.[1]
  if (unknown === undefined) return new UsageError(message)
  const guesses = close(unknown, [...allowed])
  const hint = guesses.length > 0 ? `; did you mean --${guesses[0]}?` : ''
  return new UsageError(`unknown option --${unknown}${hint} (see kedro-dataproc --help)`)
}

export function parseArgv(argv: string[]): Invocation {
  const inputOptions = Object.fromEntries(
    FLAG_INPUTS.map(name => [name, { type: 'string' as const }])
  )
  let parsed
  try {
    parsed = parseArgs({
      args: normaliseBooleans(argv),
      options: {
        ...inputOptions,
        json: { type: 'boolean' },
        branch: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' }
      },
      allowPositionals: true,
      strict: true
    })
  } catch (error) {
    throw explainParseError(error, [...FLAG_INPUTS, 'json', 'branch', 'help', 'version'])
  }
  const { positionals } = parsed
  // The input flags are generated, so parseArgs cannot type them: every one is a string option.
  const values = parsed.values as Record<string, string | boolean | undefined>
  const json = values.json === true
  if (values.help) return { command: 'help', flags: {}, json }
  if (values.version) return { command: 'version', flags: {}, json }
  const [command, ...rest] = positionals
  if (command === undefined)
    throw new UsageError('no command given; use run, logs, cancel, init or clean')
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const guess = close(command, [...COMMANDS])[0]
    throw new UsageError(
      `unknown command '${command}'${guess ? `; did you mean ${guess}?` : ''} (use run, logs, cancel, init or clean)`
    )
  }
  const flags: Partial<Record<InputName, string>> = {}
  for (const name of FLAG_INPUTS) {
    const value = values[name]
    if (typeof value === 'string') flags[name] = value
  }
  if (typeof values.branch === 'string' && command !== 'clean')
    throw new UsageError('--branch applies to clean only')
  const branch = typeof values.branch === 'string' ? values.branch : undefined
  return { ...checkShape(command as Command, rest, flags), branch, json }
}

/** `run` takes no batch and every flag; `logs` and `cancel` one batch and the locating flags. */
function checkShape(
  command: Command,
  rest: string[],
  flags: Partial<Record<InputName, string>>
): Omit<Invocation, 'json'> {
  if (command === 'run' || command === 'clean') {
    if (rest.length > 0)
      throw new UsageError(`${command} takes no arguments, only flags: '${rest[0]}'`)
    return { command, flags }
  }
  if (command === 'init') return initShape(rest, flags)
  const [batch, extra] = rest
  if (batch === undefined) throw new UsageError(`${command} needs the batch: ${command} BATCH`)
  if (extra !== undefined) throw new UsageError(`${command} takes one batch, not '${extra}' too`)
  const stray = Object.keys(flags).find(
    name => !(LOCATING_INPUTS as readonly string[]).includes(name)
  )
  if (stray)
    throw new UsageError(
      `--${stray} does not apply to ${command}; it takes ${LOCATING_INPUTS.map(name => `--${name}`).join(', ')}`
    )
  return { command, batch, flags }
}

/** `init` adapts the project in working-directory; --dry-run shows the diff instead. */
function initShape(
  rest: string[],
  flags: Partial<Record<InputName, string>>
): Omit<Invocation, 'json'> {
  if (rest.length > 0) throw new UsageError(`init takes no arguments, only flags: '${rest[0]}'`)
  const stray = Object.keys(flags).find(name => name !== 'dry-run' && name !== 'working-directory')
  if (stray)
    throw new UsageError(
      `--${stray} does not apply to init; it takes --dry-run and --working-directory`
    )
  return { command: 'init', flags }
}
