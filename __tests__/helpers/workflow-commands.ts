/**
 * What the GitHub Actions runner would take for workflow commands in a step's raw output, written
 * from the runner's sources (actions/runner at 258d6c8):
 * - src/Runner.Sdk/ProcessInvoker.cs reads output with StreamReader.ReadLine, which ends a line
 *   at `\n`, `\r` or `\r\n`;
 * - src/Runner.Worker/Handlers/OutputManager.cs hands a line on only if it holds `##[` or `::`;
 * - src/Runner.Common/ActionCommand.cs: TryParseV2 trims leading white space (.NET
 *   Char.IsWhiteSpace, U+0085 included), needs `::` at the start and a second `::`; the name is
 *   what comes before the first space, properties `k=v` split at `,`; TryParse (legacy) finds
 *   `##[` anywhere, the name runs to `]` or a space, properties split at `;`;
 * - src/Runner.Worker/ActionCommandManager.cs: V2 first, then legacy; names compare without case
 *   and must be registered; `stop-commands` with token T (not empty, not a registered command, not
 *   `pause-logging`) registers T and ignores every command until one named T.
 */

/** The commands the runner registers (ActionCommandManager's extensions; `notice` included). */
const REGISTERED = [
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
]
const STOP = 'stop-commands'

/** .NET's Char.IsWhiteSpace: what String.TrimStart() removes. */
const DOTNET_WHITESPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

export interface WorkflowCommand {
  name: string
  properties: Record<string, string>
  data: string
  /** The line it was read from. */
  line: string
}

function parseV2(line: string): Omit<WorkflowCommand, 'line'> | undefined {
  const message = line.replace(DOTNET_WHITESPACE, '')
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const name = space < 0 ? info : info.slice(0, space)
  const properties: Record<string, string> = {}
  if (space > 0)
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const at = pair.indexOf('=')
      if (at > 0 && at < pair.length - 1) properties[pair.slice(0, at)] = pair.slice(at + 1)
    }
  return { name, properties, data: message.slice(end + 2) }
}

function parseLegacy(line: string): Omit<WorkflowCommand, 'line'> | undefined {
  const start = line.indexOf('##[')
  if (start < 0) return undefined
  const close = line.indexOf(']', start)
  if (close < 0) return undefined
  const info = line.slice(start + 3, close)
  const space = info.indexOf(' ')
  const name = space < 0 ? info : info.slice(0, space)
  const properties: Record<string, string> = {}
  if (space > 0)
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const at = pair.indexOf('=')
      if (at > 0 && at < pair.length - 1) properties[pair.slice(0, at)] = pair.slice(at + 1)
    }
  return { name, properties, data: line.slice(close + 1) }
}

/** Every command the runner would act on in `output`; stop and resume markers are left out. */
export function runnerCommands(output: string): WorkflowCommand[] {
  const registered = new Set([...REGISTERED, STOP])
  let stopToken: string | undefined
  const found: WorkflowCommand[] = []
  for (const line of output.split(/\r\n|\r|\n/)) {
    if (!line.includes('::') && !line.includes('##[')) continue
    const command = [parseV2(line), parseLegacy(line)].find(
      parsed => parsed && registered.has(parsed.name.toLowerCase())
    )
    if (!command) continue
    const name = command.name.toLowerCase()
    if (stopToken !== undefined) {
      if (name === stopToken) {
        registered.delete(stopToken)
        stopToken = undefined
      }
      continue
    }
    if (name === STOP) {
      const token = command.data.toLowerCase()
      // The runner refuses (fails the step on) a token it could not tell from a command.
      if (!token || registered.has(token) || token === 'pause-logging')
        throw new Error(`the runner refuses stop-commands with token '${command.data}'`)
      stopToken = token
      registered.add(token)
      continue
    }
    found.push({ ...command, line })
  }
  return found
}
