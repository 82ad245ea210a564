import { bucketNameProblem } from '../dataproc/rules.js'
import { visible } from '../lib/log.js'
import { parseBoolean, parseDuration } from './syntax.js'
import { INPUTS, valueOf, type InputName, type InputValues } from './table.js'

/** Names the input and the fix; many of them are gathered into one failure. */
export class InputError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    // A problem is one line, whatever the value it quotes holds.
    const shown = problems.map(problem => visible(problem))
    super(
      shown.length === 1
        ? `invalid input: ${shown[0]}`
        : `${shown.length} invalid inputs:\n${shown.map(p => `  - ${p}`).join('\n')}`
    )
    this.problems = shown
  }
}

/**
 * Reads inputs by name and gathers every problem, so one run reports all of them at once. Each
 * problem starts with the input's name and ends with the fix.
 */
export class InputReader {
  readonly problems: string[] = []

  constructor(
    readonly values: InputValues,
    /** Facts outside the inputs: the emulator variables, the workspace. */
    readonly env: NodeJS.ProcessEnv
  ) {}

  /** The value in effect: given, else the default. */
  text(name: InputName): string {
    return valueOf(this.values, name)
  }

  /** Whether the user gave a value other than the default. */
  given(name: InputName): boolean {
    return this.text(name) !== INPUTS[name].default
  }

  optional(name: InputName): string | undefined {
    return this.text(name) || undefined
  }

  required(name: InputName, fix: string): string {
    const value = this.text(name)
    if (!value) this.problem(name, `required; ${fix}`)
    return value
  }

  problem(name: InputName, text: string): void {
    this.problems.push(`${name}: ${text}`)
  }

  check(name: InputName, value: string | undefined, pattern: RegExp, fix: string): void {
    if (value !== undefined && !pattern.test(value)) this.problem(name, `'${value}' ${fix}`)
  }

  bool(name: InputName): boolean {
    const value = this.text(name)
    const parsed = parseBoolean(value)
    if (parsed === undefined) this.problem(name, `'${value}' is not a boolean; use true or false`)
    return parsed ?? parseBoolean(INPUTS[name].default) ?? false
  }

  choice<T extends string>(name: InputName, choices: readonly T[]): T {
    const value = this.text(name)
    if ((choices as readonly string[]).includes(value)) return value as T
    const list = `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`
    this.problem(name, `'${value}' is not a choice; use ${list}`)
    return choices[0] as T
  }

  /** A positive duration, or undefined when the input is empty. */
  duration(name: InputName, fix: string): number | undefined {
    const value = this.text(name)
    if (!value) return undefined
    const seconds = parseDuration(value)
    if (!seconds) this.problem(name, `'${value}' is not a duration; ${fix}`)
    return seconds || undefined
  }

  /** A bucket name: never a gs:// URI or a path, since the action chooses the folders. */
  bucket(name: InputName, value: string | undefined): string | undefined {
    if (value === undefined || value === '') return value
    if (value.startsWith('gs://')) {
      this.problem(
        name,
        `write the bucket name without gs:// (e.g. '${value.slice(5).split('/')[0]}')`
      )
    } else if (value.includes('/')) {
      this.problem(
        name,
        `'${value}' is a path; give only the bucket name (the action chooses the folders)`
      )
    } else {
      const problem = bucketNameProblem(value)
      if (problem) this.problem(name, problem)
    }
    return value
  }
}
