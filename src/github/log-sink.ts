import { randomBytes } from 'node:crypto'
import * as core from '@actions/core'
import { visible, type LogSink } from '../lib/log.js'

/**
 * The runner (actions/runner, src/Runner.Worker/ActionCommandManager.cs and
 * src/Runner.Common/ActionCommand.cs) splits a step's output into lines at `\n`, `\r` and `\r\n`,
 * and takes a line for a command when, after leading white space (U+0085 included), it starts
 * with `::`, or when `##[` appears anywhere in it. Text holding neither `::` nor `##[` can
 * therefore never be a command, however it is split; any other text is printed between
 * `::stop-commands::TOKEN` and `::TOKEN::`, with a token made anew each time that the text cannot
 * know, so no line of it is taken for a command.
 */
const MAYBE_COMMAND = /::|##\[/

function stopToken(text: string): string {
  for (;;) {
    // The runner compares tokens without case, and masks a token longer than 6 characters.
    const token = randomBytes(16).toString('hex')
    if (!text.toLowerCase().includes(token)) return token
  }
}

/** Prints text that is not one of the action's own commands, so that the runner never runs it. */
export function printText(text: string): void {
  if (!MAYBE_COMMAND.test(text)) {
    process.stdout.write(`${text}\n`)
    return
  }
  const token = stopToken(text)
  // One write, so nothing else the process prints can land inside the fence.
  process.stdout.write(`::stop-commands::${token}\n${text}\n::${token}::\n`)
}

/**
 * The core's log in the runner's terms: lines that cannot be commands, annotations, masks and
 * foldable groups. Annotations and group titles are command data, which `@actions/core` escapes.
 */
export const actionsLog: LogSink = {
  info: message => printText(visible(message)),
  notice: message => core.notice(visible(message, { keepNewlines: true })),
  warning: message => core.warning(visible(message, { keepNewlines: true })),
  // The place comes from the driver's output: core escapes it as command properties.
  error: (message, at) =>
    core.error(
      visible(message, { keepNewlines: true }),
      at ? { file: visible(at.file), startLine: at.line } : {}
    ),
  secret: core.setSecret,
  group: (title, body) => core.group(visible(title), body),
  output: printText
}

/** Fails the step with an error annotation; a multi-line message keeps its lines. */
export function fail(message: string): void {
  core.setFailed(visible(message, { keepNewlines: true }))
}
