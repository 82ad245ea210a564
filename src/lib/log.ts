/**
 * Where the core writes what a person reads while it works. The core knows nothing of GitHub: the
 * action installs a sink that speaks the runner's workflow commands, the command one for a
 * terminal. Until one is installed, lines go to standard output and standard error.
 *
 * Two kinds of text, kept apart so that no caller has to remember an escape:
 * - the action's own words (`info`, `notice`, `warning`, a group's title), which may quote values
 *   from elsewhere (inputs, error messages): a sink shows their control characters as escapes
 *   (`visible`), so a quoted newline cannot start a line of its own;
 * - `output`, text from elsewhere (the driver, Kedro, Docker), shown as it came, but never able
 *   to act on the reader: the action fences it off from workflow commands, the terminal drops
 *   control sequences.
 */
/** A line of a file, relative to the repository, that a problem points at. */
export interface SourcePlace {
  file: string
  line: number
}

export interface LogSink {
  /** One line of the action's own; a newline in it is shown as `\n`. */
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  /** A problem, pinned to the line of the project that caused it when `at` says where. */
  error(message: string, at?: SourcePlace): void
  /** Hides a value wherever it would be printed (the runner's `add-mask`). */
  secret(value: string): void
  /** A foldable section of the log. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>
  /** Whole lines (joined by `\n`) of someone else's output, shown as they came but inert. */
  output(text: string): void
}

/**
 * Characters that move the cursor, end a line for some reader (the runner splits lines at `\r`;
 * .NET trims U+0085 before looking for `::`), or reorder what is shown: C0 but tab, DEL, C1,
 * the Unicode line and paragraph separators and the bidirectional embeddings and isolates.
 */
const CONTROLS = String.raw`\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069`
const CONTROL = new RegExp(`[\n${CONTROLS}]`, 'gu')
const CONTROL_BUT_NEWLINE = new RegExp(`[${CONTROLS}]`, 'gu')
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' }

const escapeControl = (ch: string): string =>
  NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * Shows control characters as escapes (`\n`, `\r`, `\u0085`, `\u2028`…), so that echoed text is
 * one line that says what it holds. `keepNewlines` keeps the line structure of a longer message.
 */
export function visible(text: string, { keepNewlines = false } = {}): string {
  return text.replace(keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL, escapeControl)
}

/** Drops what `visible` would show, but newlines: for text shown as it came, on a terminal. */
export function withoutControls(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, '')
}

const plainSink: LogSink = {
  info: message => process.stdout.write(`${visible(message)}\n`),
  notice: message => process.stdout.write(`notice: ${visible(message)}\n`),
  warning: message => process.stderr.write(`warning: ${visible(message)}\n`),
  error: (message, at) =>
    process.stderr.write(
      `error: ${at ? visible(`${at.file}:${at.line}: `) : ''}${visible(message)}\n`
    ),
  secret: () => undefined,
  group: async (title, body) => {
    process.stdout.write(`${visible(title)}\n`)
    return body()
  },
  output: text => process.stdout.write(`${text}\n`)
}

let sink: LogSink = plainSink

export function setLogSink(next: LogSink): void {
  sink = next
}

/** Forwards to the installed sink at call time, so modules may hold `log` from import. */
export const log: LogSink = {
  info: message => sink.info(message),
  notice: message => sink.notice(message),
  warning: message => sink.warning(message),
  error: (message, at) => sink.error(message, at),
  secret: value => sink.secret(value),
  group: (title, body) => sink.group(title, body),
  output: text => sink.output(text)
}

/**
 * Turns a child process's output stream into whole lines for `log.output`: the bytes of a
 * character or a line split across chunks are held until the rest arrives.
 */
export class OutputLines {
  private readonly decoder = new TextDecoder()
  private partial = ''

  write(chunk: Uint8Array): void {
    const lines = (this.partial + this.decoder.decode(chunk, { stream: true })).split('\n')
    this.partial = lines.pop() ?? ''
    if (lines.length) log.output(lines.join('\n'))
  }

  /** Prints a last line that had no newline. */
  end(): void {
    const rest = this.partial + this.decoder.decode()
    this.partial = ''
    if (rest) log.output(rest)
  }
}
