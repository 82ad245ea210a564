const ICONS: Record<string, string> = {
  SUCCEEDED: '✅',
  PREPARED: '📦',
  PLANNED: '📝',
  SKIPPED: '⏭️',
  FAILED: '❌',
  ERROR: '❌',
  CANCELLED: '🚫',
  CANCELLING: '🚫',
  PENDING: '⏳',
  RUNNING: '⏳'
}

/** One icon per state, the same in the job summary and the pull-request comment. */
export const stateIcon = (state: string): string => ICONS[state] ?? 'ℹ️'
