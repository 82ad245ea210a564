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
 * builder plus `docker push` elsewhere. Build secrets need BuildKit: without buildx, a CLI before
 * 23 has it built in (`DOCKER_BUILDKIT=1 docker build`); with neither, the build is refused rather
 * than run without them. Each secret goes to Docker as a 0600 file in a private directory,
 * removed with it. Docker pushes the fingerprint tag only, so its presence means a complete image;
 * the branch or release tag is then copied from it like a reuse, by `tagImage`, which a release
 * calls only once every check has passed and its code is uploaded. With an access token, docker
 * logs in with a private DOCKER_CONFIG that is removed afterwards; the user's own config.json is
 * never written.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { log } from '../../lib/log.js'
import { contextTar, type BuildContext } from './build-context.js'
import {
  buildArgv,
  buildxInspectArgv,
  buildxVersionArgv,
  dockerVersionArgv,
  hasBuiltinBuildkit,
  parseBuildxDriver,
  pushArgv,
  type Builder
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
  /** BuildKit secrets by id (`build-secrets`). */
  buildSecrets?: Record<string, string>
  platform: string
  /** `docker build --network`; undefined: Docker's default. */
  network?: 'host' | 'none'
  /** Google OAuth access token for Artifact Registry; absent for a local registry. */
  accessToken?: string
  /** DOCKER_HOST to use; default from the environment. */
  dockerHost?: string
  /** Stops the build and push when the run is stopped. */
  signal?: AbortSignal
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

/**
 * The image, named by its fingerprint: reused when the registry has it, else built and pushed
 * under the fingerprint tag only. `request.tag` is left as it is: see tagImage.
 */
export async function buildImage(
  request: ImageRequest,
  deps: ImageDeps = {}
): Promise<ImageResult> {
  const started = Date.now()
  return explained(request.accessToken, async () => {
    const location = parseRepository(request.repository)
    const fp = await fingerprint(request)
    const registry = registryClient(request.repository, request.accessToken)
    const reused = (await registry.head(fp.tag))?.digest ?? null
    const digest =
      reused ?? (await build(request, fp, location, registry, deps.runner ?? execRunner))
    const result: ImageResult = {
      reference: `${request.repository}:${request.tag}`,
      digest,
      pinned: `${request.repository}@${digest}`,
      fingerprint: fp.tag,
      built: reused === null,
      seconds: Math.round((Date.now() - started) / 10) / 100
    }
    const how = result.built ? 'built and pushed' : 'reused'
    log.info(`Image ${how}: ${request.repository}:${fp.tag} ${digest} (${result.seconds} s)`)
    return result
  })
}

/**
 * Points `request.tag` at the image: its manifest bytes, fetched by digest and copied through the
 * registry's API (no Docker), so the tag names exactly the digest the batch runs even if another
 * build has moved the fingerprint tag meanwhile.
 */
export async function tagImage(
  request: Pick<ImageRequest, 'repository' | 'tag' | 'accessToken'>,
  image: Pick<ImageResult, 'fingerprint' | 'digest' | 'reference'>
): Promise<void> {
  await explained(request.accessToken, async () => {
    if (request.tag === image.fingerprint) return
    const registry = registryClient(request.repository, request.accessToken)
    const manifest = await registry.get(image.digest)
    const stored = await registry.put(request.tag, manifest)
    if (stored !== manifest.digest)
      throw new ImageError(
        `the registry stored ${request.tag} as ${stored}, expected ${manifest.digest}`
      )
    log.info(`Image tagged: ${image.reference} ${image.digest}`)
  })
}

/** The image and its tag at once: what the image tests and the benchmark measure. */
export async function prepareImage(
  request: ImageRequest,
  deps: ImageDeps = {}
): Promise<ImageResult> {
  const result = await buildImage(request, deps)
  await tagImage(request, result)
  return result
}

/** Runs an image step with its errors made readable: registry hints, and no token in them. */
async function explained<T>(token: string | undefined, step: () => Promise<T>): Promise<T> {
  if (token) log.secret(token)
  const scrub = (text: string): string => (token ? text.split(token).join('***') : text)
  try {
    return await step()
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(scrub(error.message))
    if (error instanceof RegistryError) {
      const hint = registryHint(error.status)
      throw new ImageError(scrub(`${error.message}${hint ? `\nHint: ${hint}` : ''}`))
    }
    throw error
  }
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
      runDocker(runner, args, { env, signal: request.signal, ...options })
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
    const buildSecrets = request.buildSecrets ?? {}
    const secretIds = Object.keys(buildSecrets).sort()
    const builder = await chooseBuilder(docker, secretIds.length > 0)
    const secrets = await Promise.all(
      secretIds.map(async (id, index) => {
        const file = path.join(workDir, `secret-${index}`)
        await writeFile(file, buildSecrets[id] as string, { mode: 0o600 })
        return { id, file }
      })
    )

    if (builder === 'buildx') {
      const inspect = await docker(buildxInspectArgv(), { stream: false })
      const driver = inspect.exitCode === 0 ? parseBuildxDriver(inspect.output) : null
      const metadataFile = path.join(workDir, 'metadata.json')
      const argv = buildArgv({
        ...common,
        secrets,
        builder: 'buildx',
        tags: [fpReference],
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
      // Without buildx, a CLI from 23 on refuses to run under DOCKER_BUILDKIT=1; before 23 it
      // selects the built-in BuildKit, which secrets need.
      env.DOCKER_BUILDKIT = builder === 'buildkit' ? '1' : '0'
      const argv = buildArgv({
        ...common,
        secrets,
        builder,
        tags: [fpReference]
      })
      await log.group(`Build image ${reference} (${fp.tag})`, async () => {
        check(
          'docker build',
          await docker(argv, { stream: true, input: contextTar(request.context) })
        )
        check(`docker push ${fpReference}`, await docker(pushArgv(fpReference), { stream: true }))
      })
    }
    const pushed = await registry.head(fp.tag)
    if (!pushed) throw new ImageError(`${fpReference} is not in the registry after the push`)
    return pushed.digest
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

type Docker = (args: string[], options: Omit<RunOptions, 'env'>) => Promise<RunResult>

/**
 * buildx where it exists; else the classic builder, or, for a build with secrets, the CLI's own
 * BuildKit, since the classic builder cannot take secrets.
 */
async function chooseBuilder(docker: Docker, secrets: boolean): Promise<Builder> {
  if ((await docker(buildxVersionArgv(), { stream: false })).exitCode === 0) return 'buildx'
  if (!secrets) return 'classic'
  const version = await docker(dockerVersionArgv(), { stream: false })
  if (version.exitCode === 0 && hasBuiltinBuildkit(version.output)) return 'buildkit'
  throw new ImageError(
    `build-secrets needs BuildKit, and this Docker CLI (${version.output.trim()}) has neither ` +
      'buildx nor BuildKit built in; the classic builder cannot take secrets, so nothing was ' +
      'built. Run docker/setup-buildx-action before this step, or install the buildx plugin.'
  )
}

/**
 * Refuses a build with secrets that no builder here can take, before anything is built or
 * uploaded; nothing to check for a build without secrets.
 */
export async function checkSecretsBuilder(
  buildSecrets: Record<string, string>,
  deps: ImageDeps = {}
): Promise<void> {
  if (Object.keys(buildSecrets).length === 0) return
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)
  )
  await chooseBuilder(
    (args, options) => runDocker(deps.runner ?? execRunner, args, { env, ...options }),
    true
  )
}

function registryHint(status: number): string | undefined {
  if (status === 401 || status === 403) return UNAUTHORIZED_HINT
  if (status === 404)
    return 'the repository does not exist in the registry, or the name is misspelt'
  if (status === 0) return 'the registry cannot be reached: check the host name and the network'
  return undefined
}
