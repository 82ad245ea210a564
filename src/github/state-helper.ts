/** What the main step leaves for the post step, which cancels a batch the main step could not. */
export const STATE_KEYS = {
  operation: 'operation',
  finished: 'finished',
  cancelOnAbort: 'cancel-on-abort'
} as const
