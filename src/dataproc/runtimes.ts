/**
 * Dataproc Serverless runtimes the action knows, with Google's published support dates: a runtime
 * past its support is a warning naming the one to move to, past its availability a refusal.
 * Versions not listed pass: Google adds runtimes faster than actions are released.
 */
interface Runtime {
  /** Last day of support (ISO date). */
  supportedUntil: string
  /** Last day batches can be created with it, when Google has said. */
  availableUntil?: string
  /** What to move to once support ends. */
  successor?: string
}

const RUNTIMES: Record<string, Runtime> = {
  '3.0': { supportedUntil: '2027-01-31', availableUntil: '2029-01-31' },
  '2.3': { supportedUntil: '2027-11-26' },
  '2.2': { supportedUntil: '2026-09-30', availableUntil: '2028-09-30', successor: '2.3' },
  '1.2': { supportedUntil: '2026-09-30', availableUntil: '2028-09-30', successor: '2.3' }
}

export const DEFAULT_RUNTIME = '2.3'

/** The runtime's major.minor line, e.g. `2.2` for `2.2.40`. */
const line = (version: string): string => version.split('.').slice(0, 2).join('.')

export const majorOf = (version: string): number => Number(version.split('.')[0])

export interface RuntimeCheck {
  problem?: string
  warning?: string
}

export function checkRuntime(version: string, today: Date): RuntimeCheck {
  const runtime = RUNTIMES[line(version)]
  if (!runtime) return {}
  const day = today.toISOString().slice(0, 10)
  const instead = runtime.successor ? `; use ${runtime.successor}` : ''
  if (runtime.availableUntil && day > runtime.availableUntil) {
    return {
      problem: `runtime-version: ${version} is no longer available (since ${runtime.availableUntil})${instead}`
    }
  }
  if (day > runtime.supportedUntil) {
    return {
      warning: `runtime-version: support for ${version} ended on ${runtime.supportedUntil}${runtime.availableUntil ? ` (it stays available until ${runtime.availableUntil})` : ''}${instead}`
    }
  }
  return {}
}

/** Inputs runtime 3.0 and later refuse: it has no staging bucket and no history server. */
export function runtime3Problems(
  version: string,
  inputs: { stagingBucket?: string; historyServerCluster?: string }
): string[] {
  if (majorOf(version) < 3) return []
  const problems: string[] = []
  if (inputs.stagingBucket) {
    problems.push(
      `staging-bucket: runtime ${version} has no staging bucket (it keeps its files itself); remove staging-bucket`
    )
  }
  if (inputs.historyServerCluster) {
    problems.push(
      `history-server-cluster: runtime ${version} has no Persistent History Server; remove it (the Spark UI is in the console)`
    )
  }
  return problems
}
