/**
 * The command's front end: argv and settings in, one exit status out. Usage and input errors are
 * found before anything happens and end with status 2; see the README, The command.
 */
import { InputError } from '../inputs/reader.js'
import { errorMessage } from '../lib/errors.js'
import { setLogSink } from '../lib/log.js'
import { PlanError } from '../plan/plan.js'
import { ACTION_VERSION } from '../version.js'
import { parseArgv, UsageError, type Invocation } from './args.js'
import { cancelCommand, locateBatch, logsCommand } from './batch.js'
import { cleanCommand } from './clean.js'
import { helpText } from './help.js'
import { initProject } from './init.js'
import type { Result } from './result.js'
import { runCommand } from './run.js'
import { loadSettings, valuesOf } from './session.js'
import type { Settings } from './settings.js'
import { Terminal } from './terminal.js'

export interface MainOptions {
  shippedEntrypoint: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** Each input problem with where its value came from, so the fix lands in the right place. */
function problemLines(error: InputError, settings: Settings | undefined): string[] {
  return error.problems.map(problem => {
    const name = /^([a-z0-9-]+):/.exec(problem)?.[1]
    const setting = name && settings ? settings.values[name as keyof Settings['values']] : undefined
    return setting && setting.source !== 'default' ? `${problem} [${setting.source}]` : problem
  })
}

async function dispatch(
  invocation: Invocation,
  settings: Settings,
  options: Required<MainOptions>
): Promise<Result> {
  const { env, cwd } = options
  const { json } = invocation
  if (invocation.command === 'run' || invocation.command === 'clean') {
    // A person reads the plan and the driver's output on standard output; --json keeps it for the result.
    const terminal = new Terminal(json ? process.stderr : process.stdout, process.stderr, env)
    setLogSink(terminal)
    const run = { settings, terminal, env, cwd, shippedEntrypoint: options.shippedEntrypoint }
    return invocation.command === 'run' ? runCommand(run) : cleanCommand(run, invocation.branch)
  }
  if (invocation.command === 'init') return initProject(settings, cwd, env, json)
  // logs and cancel: the driver's output alone on standard output, so it can be redirected.
  setLogSink(new Terminal(process.stderr, process.stderr, env))
  const located = locateBatch(invocation.batch as string, valuesOf(settings), env)
  if (invocation.command === 'cancel') return cancelCommand(located)
  const out = new Terminal(json ? process.stderr : process.stdout, process.stderr, env)
  return logsCommand(located, line => out.output(line))
}

export async function main(argv: string[], given: MainOptions): Promise<number> {
  const options = { env: process.env, cwd: process.cwd(), ...given }
  const errors = new Terminal(process.stderr, process.stderr, options.env)
  // Known before parsing, so that even a usage error answers in JSON.
  let json = argv.includes('--json')
  let settings: Settings | undefined
  let result: Result
  try {
    const invocation = parseArgv(argv)
    json = invocation.json
    if (invocation.command === 'help' || invocation.command === 'version') {
      process.stdout.write(`${invocation.command === 'help' ? helpText() : ACTION_VERSION}\n`)
      return 0
    }
    settings = loadSettings(invocation, options.env, options.cwd)
    result = await dispatch(invocation, settings, options)
  } catch (error) {
    const usage =
      error instanceof UsageError || error instanceof InputError || error instanceof PlanError
    const lines =
      error instanceof InputError ? problemLines(error, settings) : [errorMessage(error)]
    for (const line of lines) errors.error(line)
    if (usage) errors.info('nothing was done; see kedro-dataproc --help')
    result = {
      exitCode: usage ? 2 : 1,
      json: { state: usage ? 'INVALID' : 'ERROR', error: lines.join('\n') }
    }
  }
  if (json)
    process.stdout.write(`${JSON.stringify({ exitCode: result.exitCode, ...result.json })}\n`)
  return result.exitCode
}
