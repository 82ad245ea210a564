/**
 * Ctrl-C as people expect it of a command that started something remote: the first one cancels
 * the batch (or stops before submitting) and waits to see it cancelled; a second one leaves at
 * once, with the batch still running, and says how to follow or cancel it later.
 */
import type { Endpoints } from '../inputs/config.js'
import type { Plan } from '../plan/plan.js'
import type { Terminal } from './terminal.js'

/** The conventional status of a command ended by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED = 130

export interface Interruptions {
  /** Aborted by the first Ctrl-C (or SIGTERM, which a CI sends when a job is cancelled). */
  signal: AbortSignal
  /** The batch now runs: leaving would leave it running. */
  submitted(): void
  /** The batch ended, or is not waited for: nothing is left behind by leaving. */
  settled(): void
  stop(): void
}

/** The flags that reach the same endpoints again, for the commands the hint suggests. */
function endpointFlags(endpoints: Endpoints): string {
  return (['dataproc', 'storage', 'logging'] as const)
    .map(kind => (endpoints[kind] ? ` --${kind}-endpoint ${endpoints[kind].url}` : ''))
    .join('')
}

/** How to come back to a batch this command no longer follows. */
export function reattachHint(plan: Plan): string {
  const target = `${plan.batch.name}${endpointFlags(plan.endpoints)}`
  return [
    `batch ${plan.batch.id} is still running: ${plan.batch.consoleUrl}`,
    `  follow it:  kedro-dataproc logs ${target}`,
    `  cancel it:  kedro-dataproc cancel ${target}`
  ].join('\n')
}

export function interruptions(
  plan: Plan,
  terminal: Terminal,
  exit: (code: number) => void = code => process.exit(code)
): Interruptions {
  const abort = new AbortController()
  let running = false
  let signals = 0
  const leave = (): void => {
    terminal.warning(running ? reattachHint(plan) : 'stopped; no batch was submitted')
    exit(INTERRUPTED)
  }
  const onSignal = (): void => {
    signals += 1
    // Without cancel-on-abort the first Ctrl-C has nothing to wait for.
    if (signals > 1 || !plan.behaviour.cancelOnAbort) return leave()
    terminal.warning(
      running
        ? `cancelling batch ${plan.batch.id}; press Ctrl-C again to leave it running`
        : 'stopping before the batch is submitted; press Ctrl-C again to quit at once'
    )
    abort.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: abort.signal,
    submitted: () => {
      running = true
    },
    settled: () => {
      running = false
    },
    stop: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
