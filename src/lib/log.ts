/**
 * Where the core writes what a person reads while it works. The core knows nothing of GitHub: the
 * action installs a sink that speaks the runner's workflow commands, the command one for a
 * terminal. Until one is installed, lines go to standard output and standard error.
 */
export interface LogSink {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  /** Hides a value wherever it would be printed (the runner's `add-mask`). */
  secret(value: string): void
  /** A foldable section of the log. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>
}

const plainSink: LogSink = {
  info: message => process.stdout.write(`${message}\n`),
  notice: message => process.stdout.write(`notice: ${message}\n`),
  warning: message => process.stderr.write(`warning: ${message}\n`),
  secret: () => undefined,
  group: async (title, body) => {
    process.stdout.write(`${title}\n`)
    return body()
  }
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
  secret: value => sink.secret(value),
  group: (title, body) => sink.group(title, body)
}
