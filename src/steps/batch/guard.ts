import { usageOf } from '../../dataproc/cost.js'
import type { Batch } from './submit.js'

/** A batch that went past the spending guard: the limit and what it had used, in DCU-hours. */
export interface OverSpent {
  limit: number
  used: number
}

/**
 * The DCU-hours a running batch has used so far. The service's running total
 * (`approximateUsage`) is taken when it gives one; otherwise its snapshots of what the batch holds
 * (`currentUsage`) are summed over the time between them.
 */
export class UsageMeter {
  private summed = 0
  private last?: { seconds: number; dcus: number }

  dcuHours(batch: Batch): number | undefined {
    const total = usageOf(batch)
    if (total) return total.dcuHours
    const snapshot = batch.runtimeInfo?.currentUsage
    const time = snapshot?.snapshotTime
    const seconds = time?.seconds
      ? Number(String(time.seconds)) + (time.nanos ?? 0) / 1e9
      : undefined
    if (!snapshot || seconds === undefined) return this.last ? this.summed : undefined
    const dcus =
      (Number(String(snapshot.milliDcu ?? 0)) + Number(String(snapshot.milliDcuPremium ?? 0))) /
      1000
    if (this.last && seconds > this.last.seconds)
      this.summed += (this.last.dcus * (seconds - this.last.seconds)) / 3600
    this.last = { seconds, dcus }
    return this.summed
  }
}

/** A RUNNING batch past `limit` DCU-hours: the guard's figures; otherwise undefined. */
export function overLimit(
  meter: UsageMeter,
  batch: Batch,
  running: boolean,
  limit: number | undefined
): OverSpent | undefined {
  if (limit === undefined || !running) return undefined
  const used = meter.dcuHours(batch)
  return used !== undefined && used > limit ? { limit, used } : undefined
}

export const spendingReason = ({ limit, used }: OverSpent): string =>
  `the batch used ${used.toFixed(4)} DCU-hours, past max-dcu-hours of ${limit}, and was cancelled by the spending guard`
