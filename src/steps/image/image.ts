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
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { log } from '../../lib/log.js'
import { contextTar, type BuildContext } from './build-context.js'
import {
  buildArgv,
  buildxInspectArgv,
  buildxVersionArgv,
  parseBuildxDriver,
  pushArgv
} from './docker-args.js'
import {
  commandFailure,
  dockerLogin,
  execRunner,
  ImageError,
  runDocker,
  UNAUTHORIZED_HINT,
  type RunOptions,
  type RunResult,
  type Runner
} from './docker.js'
import { fingerprint, type Fingerprint } from './fingerprint.js'
import {
  parseRepository,
  RegistryError,
  registryClient,
  type RegistryClient,
  type RegistryLocation
} from './registry-client.js'

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
  /** `docker build --network`; undefined: Docker's default. */
  network?: 'host' | 'none'
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

export interface ImageDeps {
  runner?: Runner
}

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
      platform: request.platform,
      network: request.network
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
        tags: [reference, fpReference]
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

function registryHint(status: number): string | undefined {
  if (status === 401 || status === 403) return UNAUTHORIZED_HINT
  if (status === 404)
    return 'the repository does not exist in the registry, or the name is misspelt'
  if (status === 0) return 'the registry cannot be reached: check the host name and the network'
  return undefined
}
