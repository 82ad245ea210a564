import { spawn } from 'node:child_process'

export interface TimedLine {
  /** Wall clock (ms since the epoch) when the line reached this process. */
  at: number
  stream: 'stdout' | 'stderr'
  text: string
}

export interface TimedRun {
  code: number | null
  /** Wall clock (ms since the epoch) of the spawn and of the exit. */
  startedAt: number
  endedAt: number
  lines: TimedLine[]
  output: string
}

export interface TimedOptions {
  cwd?: string
  env: NodeJS.ProcessEnv
  /** Called as each line arrives, e.g. to read the emulators' counters at that moment. */
  onLine?: (line: TimedLine) => void
}

/**
 * Runs a command and stamps every output line with the time it arrived. The children write
 * unbuffered (Node writes to pipes synchronously on Linux; Python gets PYTHONUNBUFFERED), so a
 * line's arrival is when the child printed it, within a millisecond or so.
 */
export function runTimed(file: string, args: string[], options: TimedOptions): Promise<TimedRun> {
  const lines: TimedLine[] = []
  const pending = { stdout: '', stderr: '' }
  let output = ''
  const startedAt = Date.now()
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const collect =
    (stream: 'stdout' | 'stderr') =>
    (chunk: Buffer): void => {
      const at = Date.now()
      const text = chunk.toString()
      output += text
      const parts = (pending[stream] + text).split('\n')
      pending[stream] = parts.pop() ?? ''
      for (const part of parts) {
        const line: TimedLine = { at, stream, text: part }
        lines.push(line)
        options.onLine?.(line)
      }
    }
  child.stdout.on('data', collect('stdout'))
  child.stderr.on('data', collect('stderr'))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', code => {
      const endedAt = Date.now()
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream]) lines.push({ at: endedAt, stream, text: pending[stream] })
      }
      resolve({ code, startedAt, endedAt, lines, output })
    })
  })
}

/** The arrival time of the first line that matches, or an error naming what was missing. */
export function lineTime(run: TimedRun, pattern: RegExp, what: string): number {
  const line = run.lines.find(l => pattern.test(l.text))
  if (!line) throw new Error(`${what}: no output line matches ${pattern}\n${tail(run.output)}`)
  return line.at
}

/** The last lines of an output, for error messages. */
export function tail(output: string, count = 40): string {
  return output.trimEnd().split('\n').slice(-count).join('\n')
}
