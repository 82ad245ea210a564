/**
 * The command's terminal: the core's log as plain lines, colour only where a person reads a
 * terminal, and a status line with a spinner while nothing else shows progress.
 */
import ansiRegex from 'ansi-regex'
import { visible, withoutControls, type LogSink, type SourcePlace } from '../lib/log.js'
import { palette, useColour, type Palette } from './palette.js'
import type { ProgressSink } from './progress.js'

/** A colour or style (SGR), the one control sequence a line may keep, and only in colour. */
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[\d;:]*m/g
const WHOLE_SGR = new RegExp(`^(?:${SGR.source})$`)
/** ansi-regex's pattern has no capturing group: splitting by it in one keeps the sequences. */
const SEQUENCES = new RegExp(`(${ansiRegex().source})`)
/**
 * Someone else's output for a terminal: every control sequence (cursor moves, titles, OSC 52
 * clipboard writes, hyperlinks…) dropped but, in colour, SGR colours and styles; then every
 * control character but tab and newline, which also takes what is left of a sequence
 * ansi-regex did not know.
 */
export function terminalOutput(text: string, colour: boolean): string {
  return text
    .split(SEQUENCES)
    .map((piece, i) =>
      i % 2 === 1 ? (colour && WHOLE_SGR.test(piece) ? piece : '') : withoutControls(piece)
    )
    .join('')
}

/** A line of the command's own: its colours kept (in colour), any other control shown as an escape. */
export function terminalLine(text: string, colour: boolean): string {
  const sgr = colour ? (text.match(SGR) ?? []) : []
  return text
    .split(SGR)
    .map((piece, i) => visible(piece, { keepNewlines: true }) + (sgr[i] ?? ''))
    .join('')
}

type Stream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean }

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'

/**
 * `out` takes what the command is for (the plan, the driver's output), `err` warnings and the
 * status. With `--json` both are standard error, so standard output holds only the result.
 */
export class Terminal implements LogSink {
  readonly out: Palette
  readonly err: Palette
  private readonly colour: ReadonlyMap<Stream, boolean>
  private readonly secrets = new Set<string>()
  private status?: { text: string; since: number; timer?: NodeJS.Timeout }
  /** A progress bar, shown in the status line's place while it is there. */
  private bar?: string
  private frame = 0

  constructor(
    private readonly stdout: Stream,
    private readonly stderr: Stream,
    env: NodeJS.ProcessEnv
  ) {
    this.colour = new Map([
      [stderr, useColour(stderr, env)],
      [stdout, useColour(stdout, env)]
    ])
    this.out = palette(this.colour.get(stdout) === true)
    this.err = palette(this.colour.get(stderr) === true)
  }

  info(message: string): void {
    this.write(this.stdout, message)
  }

  notice(message: string): void {
    this.write(this.stdout, this.out.bold(message))
  }

  warning(message: string): void {
    this.write(this.stderr, this.err.yellow(`warning: ${message}`))
  }

  error(message: string, at?: SourcePlace): void {
    const place = at ? `${at.file}:${at.line}: ` : ''
    this.write(this.stderr, this.err.red(`error: ${place}${message}`))
  }

  /** The driver's output: on standard output, never able to move the cursor or write elsewhere. */
  output(text: string): void {
    this.write(this.stdout, terminalOutput(text, this.colour.get(this.stdout) === true), true)
  }

  secret(value: string): void {
    if (value) this.secrets.add(value)
  }

  async group<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.write(this.stdout, this.out.bold(title))
    return body()
  }

  /**
   * Shows what the command is waiting on: a spinner with the time elapsed on a terminal, one
   * plain line elsewhere. `undefined` removes it.
   */
  setStatus(text: string | undefined): void {
    if (this.status?.timer) clearInterval(this.status.timer)
    this.clearStatus()
    this.bar = undefined
    // The status is drawn as it is, so what it quotes is shown, never obeyed.
    this.status = text === undefined ? undefined : { text: visible(text), since: Date.now() }
    if (!this.status) return
    if (!this.stderr.isTTY) {
      this.stderr.write(`${this.status.text}…\n`)
      return
    }
    this.status.timer = setInterval(() => this.drawStatus(), 100)
    // The spinner never keeps the process alive.
    this.status.timer.unref()
    this.drawStatus()
  }

  /** Where the upload progress goes: in the status line's place, or as lines on standard error. */
  progressSink(): ProgressSink {
    return {
      tty: this.stderr.isTTY === true,
      draw: line => {
        this.clearStatus()
        this.bar = line
        this.drawStatus()
      },
      print: line => this.write(this.stderr, line)
    }
  }

  private drawStatus(): void {
    if (!this.stderr.isTTY) return
    if (this.bar !== undefined) {
      this.stderr.write(`\r\x1b[2K${this.bar}`)
      return
    }
    if (!this.status) return
    this.frame = (this.frame + 1) % FRAMES.length
    const seconds = ((Date.now() - this.status.since) / 1000).toFixed(0)
    this.stderr.write(
      `\r\x1b[2K${this.err.dim(`${FRAMES[this.frame]} ${this.status.text} ${seconds}s`)}`
    )
  }

  private clearStatus(): void {
    if ((this.status || this.bar !== undefined) && this.stderr.isTTY) this.stderr.write('\r\x1b[2K')
  }

  /**
   * A line, with the status line taken down under it and put back after. Every line passes here:
   * `output` cleans someone else's text, the rest is the command's own.
   */
  private write(stream: Stream, message: string, cleaned = false): void {
    this.clearStatus()
    let text = cleaned ? message : terminalLine(message, this.colour.get(stream) === true)
    for (const secret of this.secrets) text = text.split(secret).join('***')
    stream.write(`${text}\n`)
    this.drawStatus()
  }
}
