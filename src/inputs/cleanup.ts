import type { InputReader } from './reader.js'

/** What a cleanup of the branch removes, and the run folders a branch keeps. */
export interface CleanupSettings {
  /** Clean the branch up instead of running it (a closed pull request). */
  cleanup: boolean
  /** Outputs are data: removed only when asked. */
  deleteOutputs: boolean
  /** Finished batch records, removed only when asked. */
  deleteBatches: boolean
  /** After a run is submitted, keep only the branch's newest N run folders. */
  keepRuns?: number
}

export function readCleanup(r: InputReader): CleanupSettings {
  const given = r.text('keep-runs')
  if (given && !/^[1-9]\d*$/.test(given))
    r.problem('keep-runs', `'${given}' is not a number of runs; use a whole number of 1 or more`)
  return {
    cleanup: r.bool('cleanup'),
    deleteOutputs: r.bool('delete-outputs'),
    deleteBatches: r.bool('delete-batches'),
    keepRuns: given && /^[1-9]\d*$/.test(given) ? Number(given) : undefined
  }
}
