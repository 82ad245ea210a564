/**
 * Ctrl-C as people expect it of a command that started something remote: the first one cancels
 * the batch (or stops before submitting) and waits to see it cancelled; a second one leaves at
 * once, and says what it leaves behind: nothing, a batch still running, a batch being cancelled,
 * or a create still in flight. Each with the commands to follow or cancel it later.
 */
import type { Endpoints } from '../inputs/config.js'
import type { Plan } from '../plan/plan.js'
import type { Terminal } from './terminal.js'

/** The conventional status of a command ended by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED = 130

export interface Interruptions {
  /** Aborted by the first Ctrl-C (or SIGTERM, which a CI sends when a job is cancelled). */
  signal: AbortSignal
  /** CreateBatch is being sent: leaving now may leave a batch whose creation this never saw. */
  submitting(): void
  /** The batch now runs: leaving would leave it running. */
  submitted(): void
  /** Dataproc accepted the cancel: leaving now leaves a batch that is being cancelled. */
  cancelSent(): void
  /** The batch ended, or is not waited for: nothing is left behind by leaving. */
  settled(): void
  stop(): void
}

/** Where the run is, as far as leaving it goes. */
type Phase = 'preparing' | 'submitting' | 'running' | 'cancelling' | 'settled'

/** The flags that reach the same endpoints again, for the commands the hint suggests. */
function endpointFlags(endpoints: Endpoints): string {
  return (['dataproc', 'storage', 'logging'] as const)
    .map(kind => (endpoints[kind] ? ` --${kind}-endpoint ${endpoints[kind].url}` : ''))
    .join('')
}

const commands = (plan: Plan): string[] => {
  const target = `${plan.batch.name}${endpointFlags(plan.endpoints)}`
  return [
    `  follow it:  kedro-dataproc logs ${target}`,
    `  cancel it:  kedro-dataproc cancel ${target}`
  ]
}

/** How to come back to a batch this command no longer follows. */
export function reattachHint(plan: Plan): string {
  return [
    `batch ${plan.batch.id} is still running: ${plan.batch.consoleUrl}`,
    ...commands(plan)
  ].join('\n')
}

/** What leaving in each phase leaves behind, said as it is. */
export function leavingMessage(plan: Plan, phase: Phase): string {
  const id = plan.batch.id
  switch (phase) {
    case 'preparing':
      return 'stopped; no batch was submitted'
    case 'settled':
      return `stopped; batch ${id} is no longer followed: ${plan.batch.consoleUrl}`
    case 'submitting':
      return [
        `left while CreateBatch for batch ${id} was in flight: the batch may have been created and run unwatched.`,
        `Make sure: ${plan.batch.consoleUrl}`,
        ...commands(plan)
      ].join('\n')
    case 'running':
      return reattachHint(plan)
    case 'cancelling':
      return [
        `batch ${id} is being cancelled (Dataproc accepted the cancel); it was not yet seen CANCELLED: ${plan.batch.consoleUrl}`,
        `  see it end: kedro-dataproc logs ${plan.batch.name}${endpointFlags(plan.endpoints)}`
      ].join('\n')
  }
}

function firstSignalMessage(plan: Plan, phase: Phase): string {
  const id = plan.batch.id
  if (phase === 'submitting')
    return `cancelling batch ${id} as soon as its creation answers; press Ctrl-C again to leave it`
  if (phase === 'running') return `cancelling batch ${id}; press Ctrl-C again to leave it running`
  if (phase === 'cancelling')
    return `batch ${id} is already being cancelled; press Ctrl-C again to leave it`
  return 'stopping before the batch is submitted; press Ctrl-C again to quit at once'
}

export function interruptions(
  plan: Plan,
  terminal: Terminal,
  exit: (code: number) => void = code => process.exit(code)
): Interruptions {
  const abort = new AbortController()
  let phase: Phase = 'preparing'
  let signals = 0
  const leave = (): void => {
    terminal.warning(leavingMessage(plan, phase))
    exit(INTERRUPTED)
  }
  const onSignal = (): void => {
    signals += 1
    // Without cancel-on-abort the first Ctrl-C has nothing to wait for.
    if (signals > 1 || !plan.behaviour.cancelOnAbort) return leave()
    terminal.warning(firstSignalMessage(plan, phase))
    abort.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: abort.signal,
    submitting: () => {
      phase = 'submitting'
    },
    submitted: () => {
      phase = 'running'
    },
    cancelSent: () => {
      if (phase === 'running') phase = 'cancelling'
    },
    settled: () => {
      phase = 'settled'
    },
    stop: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
