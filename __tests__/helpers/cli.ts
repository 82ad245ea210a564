import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { BUNDLE } from './action.js'
import { runNode, type ChildRun } from './child.js'

export const CLI = join(BUNDLE, 'cli.js')

export type CliRun = ChildRun

export interface CliOptions {
  cwd: string
  /** Added to a clean environment: PATH and HOME only, nothing of GitHub Actions. */
  env?: Record<string, string>
  /** Called once the process runs, e.g. to send it signals. */
  onStart?: (child: ChildProcess) => void
}

/** Runs the bundled command as a user would: `node dist/cli.js ARGS` in their project. */
export async function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  return runNode(CLI, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    onStart: options.onStart
  })
}

/** Resolves once the process has written text matching `pattern` to either stream. */
export function waitForText(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise(resolve => {
    let seen = ''
    const listener = (chunk: Buffer): void => {
      seen += chunk.toString()
      if (!pattern.test(seen)) return
      child.stdout?.off('data', listener)
      child.stderr?.off('data', listener)
      resolve()
    }
    child.stdout?.on('data', listener)
    child.stderr?.on('data', listener)
  })
}
