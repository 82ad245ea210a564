import {
  compareVersions,
  formatVersion,
  optionsOf,
  RUN_OPTIONS,
  type KedroVersion,
  type RunOption
} from './options.js'

/** What a check of `kedro run` arguments found: refusals, and warnings that let the run go on. */
export interface ArgsCheck {
  problems: string[]
  warnings: string[]
}

/**
 * Checks `kedro run` arguments the way that Kedro's CLI (click) would parse them, so a run that
 * Kedro would refuse is refused before anything is built, uploaded or submitted.
 */
export function checkRunArgs(args: string[], version: KedroVersion): ArgsCheck {
  const known = optionsOf(version)
  const problems: string[] = []
  const warnings: string[] = []
  const seen = new Map<RunOption, string[]>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-') || arg === '-') {
      problems.push(`'${arg}' is not an option: kedro run takes no arguments, only options`)
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(0, eq) : arg
    const option = known.get(name)
    if (!option) {
      problems.push(unknownOption(name, version, known))
      continue
    }
    let optionValue = eq > 0 ? arg.slice(eq + 1) : undefined
    if (!option.takesValue && optionValue !== undefined) {
      problems.push(`${name} takes no value; write ${name} alone`)
    }
    if (option.takesValue && optionValue === undefined) {
      optionValue = args[i + 1]
      if (optionValue === undefined) problems.push(`${name} needs a value, e.g. ${name}=VALUE`)
      // Kedro would quietly take the next option as this one's value.
      else if (optionValue.startsWith('--')) {
        problems.push(`${name} has no value before ${optionValue}; write ${name}=VALUE`)
      }
      i++
    }
    seen.set(option, [...(seen.get(option) ?? []), optionValue ?? ''])
    if (option.deprecatedIn && compareVersions(version, option.deprecatedIn) >= 0) {
      warnings.push(
        `${name} is deprecated since Kedro ${formatVersion(option.deprecatedIn)}; write ${option.replacement} instead`
      )
    }
  }
  for (const [option, values] of seen) {
    const name = option.names[0] as string
    if (values.length > 1 && option.takesValue) {
      warnings.push(`${name} is given ${values.length} times; Kedro uses only the last one`)
    }
    if (name === '--params') problems.push(...values.flatMap(paramsProblems))
  }
  const pipeline = RUN_OPTIONS.find(option => option.names[0] === '--pipeline')
  const pipelines = RUN_OPTIONS.find(option => option.names[0] === '--pipelines')
  if (pipeline && pipelines && seen.has(pipeline) && seen.has(pipelines)) {
    problems.push('--pipeline and --pipelines cannot be used together; keep --pipelines')
  }
  return { problems, warnings }
}

function unknownOption(name: string, version: KedroVersion, known: Map<string, RunOption>): string {
  const here = `Kedro ${formatVersion(version)}`
  const other = RUN_OPTIONS.find(option => option.names.includes(name))
  if (other && compareVersions(version, other.since) < 0) {
    return `${name} needs Kedro ${formatVersion(other.since)} or newer, and the project's is ${here}; upgrade Kedro or leave it out`
  }
  if (other?.removedIn) {
    return `${name} was removed in Kedro ${formatVersion(other.removedIn)} (the project's is ${here}); write ${other.replacement}`
  }
  const guesses = close(
    name,
    [...known.keys()].filter(candidate => candidate.startsWith('--'))
  )
  const guess =
    guesses.length === 0
      ? ''
      : guesses.length === 1
        ? `; did you mean ${guesses[0]}?`
        : `; did you mean one of ${guesses.join(', ')}?`
  return `${name} is not an option of kedro run in ${here}${guess}`
}

/** Like click's suggestions: every option within a small edit distance, the closest first. */
export function close(name: string, candidates: string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3))
  return candidates
    .map(candidate => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .map(({ candidate }) => candidate)
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost
      )
    }
    previous = current
  }
  return previous[b.length] as number
}

/**
 * `--params` as Kedro splits it: on commas, empty items dropped, each `key=value` split at the
 * first `=`, the key not empty. The old `key:value` form gets the corrected spelling.
 */
export function paramsProblems(value: string): string[] {
  const items = value
    .split(',')
    .map(item => item.trim())
    .filter(Boolean)
  const bad = items.filter(
    item => !item.includes('=') || item.slice(0, item.indexOf('=')).trim() === ''
  )
  if (bad.length === 0) return []
  const oldForm = bad.every(item => !item.includes('=') && item.includes(':'))
  const corrected = items
    .map(item => (item.includes('=') ? item : item.replace(':', '=')))
    .join(',')
  return [
    oldForm
      ? `--params item ${bad.map(b => `"${b}"`).join(', ')} uses the key:value form, which Kedro ≥ 0.19 rejects; write --params=${corrected}`
      : `--params item ${bad.map(b => `"${b}"`).join(', ')} is not key=value; write --params=key1=value1,key2=value2 (values cannot contain commas)`
  ]
}
