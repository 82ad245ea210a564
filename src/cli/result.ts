/** What a command comes to: its exit status, and the one object `--json` prints. */
export interface Result {
  exitCode: number
  json: Record<string, unknown>
}
