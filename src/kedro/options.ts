/**
 * `kedro run`'s options in every Kedro from 0.19 to the current 1.x, read from each release's
 * `kedro/framework/cli/project.py`; __tests__/integration/kedro-cli.test.ts compares the newest with the
 * installed Kedro's `kedro run --help`, so the table cannot drift from the real CLI silently.
 */

/** A Kedro version at the granularity where `kedro run` changes: [major, minor]. */
export type KedroVersion = readonly [number, number]

export interface RunOption {
  /** Every spelling, long first: `--nodes`, `-n`. */
  names: string[]
  takesValue: boolean
  since: KedroVersion
  /** The first version without it. */
  removedIn?: KedroVersion
  /** What to write instead, once removed or deprecated. */
  replacement?: string
  deprecatedIn?: KedroVersion
}

/** The Kedro releases the table knows, oldest first; the last is the current one. */
export const KNOWN_VERSIONS: KedroVersion[] = [
  [0, 19],
  [1, 0],
  [1, 1],
  [1, 2],
  [1, 3],
  [1, 4],
  [1, 5],
  [1, 6],
  [1, 7]
]

export const NEWEST = KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1] as KedroVersion

const v0_19: KedroVersion = [0, 19]
const value = (names: string[], since = v0_19): RunOption => ({ names, takesValue: true, since })
const flag = (names: string[], since = v0_19): RunOption => ({ names, takesValue: false, since })
const removed = (name: string, removedIn: KedroVersion, replacement: string): RunOption => ({
  names: [name],
  takesValue: true,
  since: [0, 0],
  removedIn,
  replacement
})

export const RUN_OPTIONS: RunOption[] = [
  value(['--from-inputs']),
  value(['--to-outputs']),
  value(['--from-nodes']),
  value(['--to-nodes']),
  value(['--nodes', '-n']),
  value(['--runner', '-r']),
  flag(['--async']),
  value(['--runner-params'], [1, 6]),
  value(['--env', '-e']),
  value(['--tags', '-t']),
  value(['--load-versions', '-lv']),
  { ...value(['--pipeline', '-p']), deprecatedIn: [1, 4], replacement: '--pipelines' },
  value(['--pipelines'], [1, 2]),
  { ...value(['--namespace', '-ns']), removedIn: [1, 0], replacement: '--namespaces' },
  value(['--namespaces', '-ns'], [1, 0]),
  value(['--config', '-c']),
  value(['--conf-source']),
  value(['--params']),
  flag(['--only-missing-outputs'], [1, 0]),
  flag(['--help', '-h']),
  // Gone before the table starts, and still in older guides.
  removed('--node', [0, 19], '--nodes'),
  removed('--tag', [0, 19], '--tags'),
  removed('--load-version', [0, 19], '--load-versions')
]

export const compareVersions = (a: KedroVersion, b: KedroVersion): number =>
  a[0] - b[0] || a[1] - b[1]

export const formatVersion = (version: KedroVersion): string => `${version[0]}.${version[1]}`

/** The options `version` has, by every spelling. */
export function optionsOf(version: KedroVersion): Map<string, RunOption> {
  const options = new Map<string, RunOption>()
  for (const option of RUN_OPTIONS) {
    if (compareVersions(version, option.since) < 0) continue
    if (option.removedIn && compareVersions(version, option.removedIn) >= 0) continue
    for (const name of option.names) options.set(name, option)
  }
  return options
}
