/**
 * The image step: reuse the image when the registry already holds one built from the same inputs,
 * else build and push it; either way the branch or release tag points at it and the batch gets the
 * digest.
 *
 * Reuse needs no Docker at all: the fingerprint (see fingerprint.ts) names a tag `fp-<hash>`; when
 * the registry has it, its manifest bytes are copied to the requested tag through the registry's
 * HTTP API (a manifest list or OCI index is copied the same way, its children are already there).
 *
 * A build uses `docker buildx build --push` where buildx exists (GitHub's runners) and the classic
 * builder plus `docker push` elsewhere. The fingerprint tag is pushed last (buildx pushes both at
 * once), so its presence means a complete image. With an access token, docker logs in with a
 * private DOCKER_CONFIG that is removed afterwards; the user's own config.json is never written.
 */
import { log } from '../../lib/log.js'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { contextTar, type BuildContext } from './build-context.js'
import {
  buildArgv,
  buildxInspectArgv,
  buildxVersionArgv,
  loginArgv,
  parseBuildxDriver,
  pushArgv
} from './docker-args.js'
import { fingerprint, type Fingerprint } from './fingerprint.js'
import {
  isLocalRegistry,
  parseRepository,
  RegistryError,
  registryClient,
  type RegistryClient,
  type RegistryLocation
} from './registry-client.js'

export { isLocalRegistry }

export interface ImageRequest {
  /** e.g. europe-west1-docker.pkg.dev/proj/repo/dataproc-serverless or 127.0.0.1:5000/proj/repo/img */
  repository: string
  /** Branch slug or release, already valid as a docker tag. */
  tag: string
  /** Absolute path. */
  dockerfile: string
  /** What is sent to Docker, from readBuildContext. */
  context: BuildContext
  target?: string
  buildArgs: Record<string, string>
  platform: string
  /** Google OAuth access token for Artifact Registry; absent for a local registry. */
  accessToken?: string
  /** DOCKER_HOST to use; default from the environment. */
  dockerHost?: string
}

export interface ImageResult {
  /** repository:tag */
  reference: string
  /** sha256:… */
  digest: string
  /** repository@sha256:…, what the batch uses. */
  pinned: string
  /** The fp-<hex> tag. */
  fingerprint: string
  /** False when reused from the fingerprint tag. */
  built: boolean
  seconds: number
}

export interface RunOptions {
  env: Record<string, string>
  /** Written to the command's stdin. */
  input?: Buffer | Readable
  /** Show the output in the log as it comes (else it is only kept for error messages). */
  stream: boolean
}

export interface RunResult {
  exitCode: number
  /** stdout and stderr interleaved as they arrived (the end of it, for long outputs). */
  output: string
}

/** Runs a command from an argv list; never through a shell. */
export type Runner = (file: string, args: string[], options: RunOptions) => Promise<RunResult>

export interface ImageDeps {
  runner?: Runner
}

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
    const keep = (data: Buffer): void => {
      kept.push(data)
      keptBytes += data.length
      if (keptBytes > 2 * KEEP_OUTPUT_BYTES) {
        const joined = Buffer.concat(kept)
        kept = [joined.subarray(joined.length - KEEP_OUTPUT_BYTES)]
        keptBytes = KEEP_OUTPUT_BYTES
      }
      if (options.stream) process.stdout.write(data)
    }
    if (options.stream) log.info(`[command]${file} ${args.join(' ')}`)
    const child = spawn(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', reject)
    child.on('close', code =>
      resolve({ exitCode: code ?? 1, output: Buffer.concat(kept).toString('utf8') })
    )
    // A command that exits before reading all of stdin fails on its own; the broken pipe says less.
    child.stdin.on('error', () => undefined)
    const input = options.input
    if (input === undefined) child.stdin.end()
    else if (Buffer.isBuffer(input)) child.stdin.end(input)
    else input.pipe(child.stdin)
  })

export async function prepareImage(
  request: ImageRequest,
  deps: ImageDeps = {}
): Promise<ImageResult> {
  const started = Date.now()
  const token = request.accessToken
  if (token) log.secret(token)
  const scrub = (text: string): string => (token ? text.split(token).join('***') : text)
  try {
    const location = parseRepository(request.repository)
    const fp = await fingerprint(request)
    const registry = registryClient(request.repository, token)
    const reference = `${request.repository}:${request.tag}`

    const reused = await reuse(registry, fp, request.tag)
    let digest = reused
    if (digest === null) {
      digest = await build(request, fp, location, registry, deps.runner ?? execRunner)
    }
    const result: ImageResult = {
      reference,
      digest,
      pinned: `${request.repository}@${digest}`,
      fingerprint: fp.tag,
      built: reused === null,
      seconds: Math.round((Date.now() - started) / 10) / 100
    }
    const how = result.built ? 'built and pushed' : `reused from ${fp.tag}`
    log.info(`Image ${how}: ${reference} ${digest} (${result.seconds} s)`)
    return result
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(scrub(error.message))
    if (error instanceof RegistryError) {
      const hint = registryHint(error.status)
      throw new ImageError(scrub(`${error.message}${hint ? `\nHint: ${hint}` : ''}`))
    }
    throw error
  }
}

/** Tags the fingerprint's image with `tag` when it exists; its digest, or null. */
async function reuse(
  registry: RegistryClient,
  fp: Fingerprint,
  tag: string
): Promise<string | null> {
  if ((await registry.head(fp.tag)) === null) return null
  const manifest = await registry.get(fp.tag)
  if (tag === fp.tag) return manifest.digest
  const stored = await registry.put(tag, manifest)
  if (stored !== manifest.digest) {
    throw new ImageError(`the registry stored ${tag} as ${stored}, expected ${manifest.digest}`)
  }
  return manifest.digest
}

async function build(
  request: ImageRequest,
  fp: Fingerprint,
  location: RegistryLocation,
  registry: RegistryClient,
  runner: Runner
): Promise<string> {
  const workDir = await mkdtemp(path.join(process.env.RUNNER_TEMP || tmpdir(), 'kda-image-'))
  try {
    const env: Record<string, string> = {}
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined) env[name] = value
    }
    if (request.dockerHost) env.DOCKER_HOST = request.dockerHost
    // A loopback registry takes pushes without credentials.
    if (request.accessToken && !location.local) {
      env.DOCKER_CONFIG = await dockerLogin(
        runner,
        env,
        location.host,
        request.accessToken,
        workDir
      )
    }
    const docker = (args: string[], options: Omit<RunOptions, 'env'>): Promise<RunResult> =>
      runDocker(runner, args, { env, ...options })
    const check = (what: string, result: RunResult): void => {
      if (result.exitCode !== 0) throw commandFailure(what, result, env.DOCKER_HOST)
    }

    const reference = `${request.repository}:${request.tag}`
    const fpReference = `${request.repository}:${fp.tag}`
    // The context goes to Docker as a tar on stdin (`-`), so it holds exactly what
    // readBuildContext chose, and `--file` is the Dockerfile's path inside that tar.
    const common = {
      dockerfile: request.context.dockerfile,
      context: '-',
      target: request.target,
      buildArgs: request.buildArgs,
      platform: request.platform
    }
    const buildx = (await docker(buildxVersionArgv(), { stream: false })).exitCode === 0

    if (buildx) {
      const inspect = await docker(buildxInspectArgv(), { stream: false })
      const driver = inspect.exitCode === 0 ? parseBuildxDriver(inspect.output) : null
      const metadataFile = path.join(workDir, 'metadata.json')
      const argv = buildArgv({
        ...common,
        builder: 'buildx',
        tags: [reference, fpReference],
        cacheRef: `${request.repository}:buildcache`,
        cacheExport: driver !== null && driver !== 'docker',
        metadataFile
      })
      await log.group(`Build image ${reference} (${fp.tag})`, async () => {
        check(
          'docker buildx build',
          await docker(argv, { stream: true, input: contextTar(request.context) })
        )
      })
      const metadata = JSON.parse(await readFile(metadataFile, 'utf8').catch(() => '{}')) as Record<
        string,
        unknown
      >
      const digest = metadata['containerimage.digest']
      if (typeof digest === 'string' && digest.startsWith('sha256:')) return digest
    } else {
      // Without buildx, DOCKER_BUILDKIT=1 in the environment makes `docker build` refuse to run.
      env.DOCKER_BUILDKIT = '0'
      const argv = buildArgv({
        ...common,
        builder: 'classic',
        tags: [reference, fpReference],
        iidFile: path.join(workDir, 'iid')
      })
      await log.group(`Build image ${reference} (${fp.tag})`, async () => {
        check(
          'docker build',
          await docker(argv, { stream: true, input: contextTar(request.context) })
        )
        check(`docker push ${reference}`, await docker(pushArgv(reference), { stream: true }))
        check(`docker push ${fpReference}`, await docker(pushArgv(fpReference), { stream: true }))
      })
    }
    const pushed = await registry.head(request.tag)
    if (!pushed) throw new ImageError(`${reference} is not in the registry after the push`)
    return pushed.digest
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

async function runDocker(runner: Runner, args: string[], options: RunOptions): Promise<RunResult> {
  try {
    return await runner('docker', args, options)
  } catch (error) {
    // The spawn fails (ENOENT) when the executable is missing.
    throw new ImageError(
      `docker ${args[0]}: ${error instanceof Error ? error.message : String(error)}\n` +
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

function commandFailure(what: string, result: RunResult, dockerHost?: string): ImageError {
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

const UNAUTHORIZED_HINT =
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

function registryHint(status: number): string | undefined {
  if (status === 401 || status === 403) return UNAUTHORIZED_HINT
  if (status === 404)
    return 'the repository does not exist in the registry, or the name is misspelt'
  if (status === 0) return 'the registry cannot be reached: check the host name and the network'
  return undefined
}
