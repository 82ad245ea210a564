import { spawn, type ChildProcess } from 'node:child_process'

export interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs a script of the bundle with this Node, collecting its output until it closes. */
export async function runNode(
  script: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; onStart?: (child: ChildProcess) => void }
): Promise<ChildRun> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  options.onStart?.(child)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
    child.on('close', (c, s) => resolve([c, s]))
  )
  return { code, signal, stdout, stderr }
}
