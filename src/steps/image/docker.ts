/**
 * Running the Docker CLI for the image step: a command from an argv list (never through a shell)
 * with its output kept for the error message, `docker login` under a private DOCKER_CONFIG, and
 * a failure turned into its last output lines and a hint.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { errorMessage } from '../../lib/errors.js'
import { log, OutputLines } from '../../lib/log.js'
import { loginArgv } from './docker-args.js'

export interface RunOptions {
  env: Record<string, string>
  /** Written to the command's stdin. */
  input?: Buffer | Readable
  /** Show the output in the log as it comes (else it is only kept for error messages). */
  stream: boolean
  /** Ends the command (SIGTERM, then SIGKILL) when the run is stopped: a signal or a failed step. */
  signal?: AbortSignal
}

export interface RunResult {
  exitCode: number
  /** stdout and stderr interleaved as they arrived (the end of it, for long outputs). */
  output: string
}

/** Runs a command from an argv list; never through a shell. */
export type Runner = (file: string, args: string[], options: RunOptions) => Promise<RunResult>

/** An image step failure; the message carries the tool's last output lines and a hint. */
export class ImageError extends Error {
  override name = 'ImageError'
}

/** How much output is kept for the error message; a build log can be far longer. */
const KEEP_OUTPUT_BYTES = 256 * 1024
const TAIL_LINES = 30

export const execRunner: Runner = (file, args, options) =>
  new Promise((resolve, reject) => {
    let kept: Buffer[] = []
    let keptBytes = 0
    // The tool's output is printed as whole lines, stdout's and stderr's apart, through the log.
    const shown = { stdout: new OutputLines(), stderr: new OutputLines() }
    const keep = (data: Buffer, stream: keyof typeof shown): void => {
      kept.push(data)
      keptBytes += data.length
      if (keptBytes > 2 * KEEP_OUTPUT_BYTES) {
        const joined = Buffer.concat(kept)
        kept = [joined.subarray(joined.length - KEEP_OUTPUT_BYTES)]
        keptBytes = KEEP_OUTPUT_BYTES
      }
      if (options.stream) shown[stream].write(data)
    }
    if (options.stream) log.info(`[command]${file} ${args.join(' ')}`)
    const child = spawn(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    stopWith(child, options.signal)
    child.stdout.on('data', (data: Buffer) => keep(data, 'stdout'))
    child.stderr.on('data', (data: Buffer) => keep(data, 'stderr'))
    child.on('error', reject)
    child.on('close', code => {
      shown.stdout.end()
      shown.stderr.end()
      resolve({ exitCode: code ?? 1, output: Buffer.concat(kept).toString('utf8') })
    })
    // A command that exits before reading all of stdin fails on its own; the broken pipe says less.
    child.stdin.on('error', () => undefined)
    const input = options.input
    if (input === undefined) child.stdin.end()
    else if (Buffer.isBuffer(input)) child.stdin.end(input)
    else input.pipe(child.stdin)
  })

/** How long a stopped command has to end after SIGTERM before it is killed. */
const STOP_GRACE_MS = 3_000

/**
 * Docker's CLI ends a build (and the daemon cancels it) on SIGTERM; one that does not end in a
 * few seconds is killed. Without this, a signal to the action waits for the whole build.
 */
function stopWith(child: ChildProcess, signal: AbortSignal | undefined): void {
  if (!signal) return
  const stop = (): void => {
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref()
  }
  if (signal.aborted) stop()
  else signal.addEventListener('abort', stop, { once: true })
  child.on('close', () => signal.removeEventListener('abort', stop))
}

/** The image step was stopped: by a signal, or because another step failed. */
const stopped = (args: string[]): ImageError =>
  new ImageError(`docker ${args[0]} stopped: the run was stopped before the image was done`)

export async function runDocker(
  runner: Runner,
  args: string[],
  options: RunOptions
): Promise<RunResult> {
  if (options.signal?.aborted) throw stopped(args)
  try {
    const result = await runner('docker', args, options)
    if (options.signal?.aborted) throw stopped(args)
    return result
  } catch (error) {
    if (error instanceof ImageError) throw error
    // The spawn fails (ENOENT) when the executable is missing.
    throw new ImageError(
      `docker ${args[0]}: ${errorMessage(error)}\n` +
        'Hint: the Docker CLI is needed to build the image: install Docker or use a runner that has it'
    )
  }
}

/**
 * Logs docker in to `host` with the access token (through stdin) under a private DOCKER_CONFIG
 * made inside `workDir`; returns that directory for the docker commands that follow.
 */
export async function dockerLogin(
  runner: Runner,
  env: Record<string, string>,
  host: string,
  token: string,
  workDir: string
): Promise<string> {
  const config = await privateDockerConfig(workDir, env)
  const result = await runDocker(runner, loginArgv(host), {
    env: { ...env, DOCKER_CONFIG: config },
    input: Buffer.from(token),
    stream: false
  })
  if (result.exitCode !== 0) throw commandFailure(`docker login ${host}`, result, env.DOCKER_HOST)
  return config
}

/**
 * A DOCKER_CONFIG for this step only, so `docker login` writes its credentials there. What the
 * user's config directory holds for builds (CLI plugins such as buildx, the builder chosen by
 * docker/setup-buildx-action, contexts, and the current context) stays visible through links.
 */
async function privateDockerConfig(workDir: string, env: Record<string, string>): Promise<string> {
  const own = env.DOCKER_CONFIG || path.join(homedir(), '.docker')
  const dir = path.join(workDir, 'docker-config')
  await mkdir(dir, { mode: 0o700 })
  for (const name of ['cli-plugins', 'buildx', 'contexts']) {
    const source = path.join(own, name)
    if (await stat(source).catch(() => null)) await symlink(source, path.join(dir, name))
  }
  const config: Record<string, unknown> = {}
  const existing = await readFile(path.join(own, 'config.json'), 'utf8').catch(() => '{}')
  try {
    const currentContext = (JSON.parse(existing) as { currentContext?: unknown }).currentContext
    if (typeof currentContext === 'string') config.currentContext = currentContext
  } catch {
    // An unreadable user config only means the default context.
  }
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 })
  return dir
}

export function commandFailure(what: string, result: RunResult, dockerHost?: string): ImageError {
  const lines = result.output.replace(/\s+$/, '').split(/\r?\n/)
  const tail = lines.slice(-TAIL_LINES).join('\n')
  const hint = outputHint(
    result.output,
    what.startsWith('docker build') || what.startsWith('docker buildx'),
    dockerHost
  )
  return new ImageError(
    `${what} failed (exit code ${result.exitCode}). Last ${Math.min(lines.length, TAIL_LINES)} lines of its output:\n` +
      `${tail}${hint ? `\nHint: ${hint}` : ''}`
  )
}

export const UNAUTHORIZED_HINT =
  'unauthorized: run google-github-actions/auth first and grant the service account ' +
  'roles/artifactregistry.writer on the repository'

/**
 * What to do about a docker failure, read from its output; the first rule that matches wins. Only
 * a build pulls base images, so only a build's network failures point at them.
 */
function outputHint(output: string, building: boolean, dockerHost?: string): string | undefined {
  const rules: [RegExp | null, string][] = [
    [
      /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i,
      `is the Docker daemon running? (DOCKER_HOST=${dockerHost || 'unix:///var/run/docker.sock'})`
    ],
    [
      building
        ? /pull access denied|failed to resolve source metadata|error pulling image|manifest for \S+ not found|failed to do request|no such host|i\/o timeout|TLS handshake timeout/i
        : null,
      'a base image cannot be pulled: check the FROM lines and the BASE_IMAGE build arg, and that ' +
        'the runner can reach (and is logged in to) the base image registry'
    ],
    [/unauthorized|authentication required|denied|forbidden|\b403\b/i, UNAUTHORIZED_HINT],
    [
      /name unknown|repository .* not found|NAME_UNKNOWN/i,
      'the Artifact Registry repository does not exist: create it ' +
        '(gcloud artifacts repositories create REPOSITORY --repository-format=docker) or fix the input'
    ],
    [
      /COPY failed|failed to compute cache key|no source files were specified/i,
      'a COPY or ADD source is missing from the build context or excluded by .dockerignore'
    ],
    [
      /returned a non-zero code|did not complete successfully|exit code: \d+/i,
      'a RUN step of the Dockerfile failed: see its output above'
    ]
  ]
  return rules.find(([pattern]) => pattern?.test(output))?.[1]
}
