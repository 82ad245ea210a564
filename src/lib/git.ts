import { spawn } from 'node:child_process'
import { errorCode } from './errors.js'

export interface GitResult {
  code: number
  stdout: Buffer
  stderr: string
}

/** Runs git without a shell; only ever to read, never to change the user's repository. */
export function git(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      // Keeps even read-only commands from refreshing and rewriting .git/index behind the user.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', error => {
      reject(
        errorCode(error) === 'ENOENT'
          ? new Error(
              'git is not installed or not on PATH: the action reads the branch and snapshots the ' +
                'code (honouring .gitignore) with it. Install git on the runner (GitHub-hosted runners have it).'
            )
          : error
      )
    })
    child.on('close', code => {
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString()
      })
    })
  })
}

/** One read-only git question; undefined outside a repository, without git, or without an answer. */
export async function gitFact(cwd: string, args: string[]): Promise<string | undefined> {
  const result = await git(cwd, args).catch(() => undefined)
  return result?.code === 0 ? result.stdout.toString().trim() || undefined : undefined
}
