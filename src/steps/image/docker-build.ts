/**
 * Building and pushing an image with Docker, under its fingerprint tag only (image.ts decides
 * whether to build at all and moves the other tags).
 *
 * `docker buildx build --push` where buildx exists (GitHub's runners), else the classic builder
 * plus `docker push`. Build secrets need BuildKit: without buildx, a CLI before 23 has it built in
 * (`DOCKER_BUILDKIT=1 docker build`); with neither, the build is refused rather than run without
 * them. Each secret goes to Docker as a 0600 file in a private directory, removed with it. With an
 * access token, docker logs in with a private DOCKER_CONFIG in that directory; the user's own
 * config.json is never written.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BuildSpec } from '../../inputs/build.js'
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
  type RunOptions,
  type RunResult,
  type Runner
} from './docker.js'
import type { RegistryClient, RegistryLocation } from './registry-client.js'

/** The plan's build, with its context read and checked, and where the image goes. */
export interface ImageRequest extends Omit<BuildSpec, 'context' | 'secrets' | 'target'> {
  /** e.g. europe-west1-docker.pkg.dev/proj/repo/dataproc-serverless or 127.0.0.1:5000/proj/repo/img */
  repository: string
  /** Branch slug or release, already valid as a docker tag. */
  tag: string
  /** What is sent to Docker, from readBuildContext. */
  context: BuildContext
  secrets?: BuildSpec['secrets']
  /** The stage to build; undefined: the last one. */
  target?: string
  platform: string
  /** Google OAuth access token for Artifact Registry; absent for a local registry. */
  accessToken?: string
  /** DOCKER_HOST to use; default from the environment. */
  dockerHost?: string
  /** Stops the build and push when the run is stopped. */
  signal?: AbortSignal
}

type Docker = (args: string[], options: Omit<RunOptions, 'env'>) => Promise<RunResult>

/** One build's Docker: its environment, its private directory, and the command runner on both. */
interface Session {
  request: ImageRequest
  env: Record<string, string>
  workDir: string
  docker: Docker
  /** repository:fp-<hex>, the only tag Docker pushes. */
  fpReference: string
  /** The group title in the log. */
  title: string
}

const processEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)
  )

/** Builds and pushes `repository:fpTag`; returns the pushed manifest's digest. */
export async function buildAndPush(
  request: ImageRequest,
  fpTag: string,
  location: RegistryLocation,
  registry: RegistryClient,
  runner: Runner
): Promise<string> {
  const workDir = await mkdtemp(path.join(process.env.RUNNER_TEMP || tmpdir(), 'kda-image-'))
  try {
    const env = processEnv()
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
    const session: Session = {
      request,
      env,
      workDir,
      docker: (args, options) =>
        runDocker(runner, args, { env, signal: request.signal, ...options }),
      fpReference: `${request.repository}:${fpTag}`,
      title: `Build image ${request.repository}:${request.tag} (${fpTag})`
    }
    const secrets = request.secrets ?? {}
    const builder = await chooseBuilder(session.docker, Object.keys(secrets).length > 0)
    const secretFiles = await writeSecrets(workDir, secrets)
    const digest =
      builder === 'buildx'
        ? await buildxBuild(session, secretFiles)
        : await dockerBuild(session, builder, secretFiles)
    if (digest) return digest
    const pushed = await registry.head(fpTag)
    if (!pushed)
      throw new ImageError(`${session.fpReference} is not in the registry after the push`)
    return pushed.digest
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

async function writeSecrets(
  workDir: string,
  secrets: Record<string, string>
): Promise<{ id: string; file: string }[]> {
  const ids = Object.keys(secrets).sort()
  return Promise.all(
    ids.map(async (id, index) => {
      const file = path.join(workDir, `secret-${index}`)
      await writeFile(file, secrets[id] as string, { mode: 0o600 })
      return { id, file }
    })
  )
}

/**
 * What every builder gets. The context goes to Docker as a tar on stdin (`-`), so it holds exactly
 * what readBuildContext chose, and `--file` is the Dockerfile's path inside that tar.
 */
function commonArgs(request: ImageRequest, secrets: { id: string; file: string }[]) {
  return {
    dockerfile: request.context.dockerfile,
    context: '-',
    target: request.target,
    buildArgs: request.buildArgs,
    platform: request.platform,
    network: request.network,
    secrets
  }
}

async function run(session: Session, what: string, argv: string[], input?: boolean): Promise<void> {
  const result = await session.docker(argv, {
    stream: true,
    ...(input ? { input: contextTar(session.request.context) } : {})
  })
  if (result.exitCode !== 0) throw commandFailure(what, result, session.env.DOCKER_HOST)
}

/** buildx pushes as it builds, and says the digest in its metadata file (undefined if it does not). */
async function buildxBuild(
  session: Session,
  secrets: { id: string; file: string }[]
): Promise<string | undefined> {
  const { request, docker, workDir } = session
  const inspect = await docker(buildxInspectArgv(), { stream: false })
  const driver = inspect.exitCode === 0 ? parseBuildxDriver(inspect.output) : null
  const metadataFile = path.join(workDir, 'metadata.json')
  const argv = buildArgv({
    ...commonArgs(request, secrets),
    builder: 'buildx',
    tags: [session.fpReference],
    cacheRef: `${request.repository}:buildcache`,
    cacheExport: driver !== null && driver !== 'docker',
    metadataFile
  })
  await log.group(session.title, () => run(session, 'docker buildx build', argv, true))
  const metadata = JSON.parse(await readFile(metadataFile, 'utf8').catch(() => '{}')) as Record<
    string,
    unknown
  >
  const digest = metadata['containerimage.digest']
  return typeof digest === 'string' && digest.startsWith('sha256:') ? digest : undefined
}

/** `docker build` then `docker push`; the registry says the digest. */
async function dockerBuild(
  session: Session,
  builder: Exclude<Builder, 'buildx'>,
  secrets: { id: string; file: string }[]
): Promise<undefined> {
  // Without buildx, a CLI from 23 on refuses to run under DOCKER_BUILDKIT=1; before 23 it
  // selects the built-in BuildKit, which secrets need.
  session.env.DOCKER_BUILDKIT = builder === 'buildkit' ? '1' : '0'
  const argv = buildArgv({
    ...commonArgs(session.request, secrets),
    builder,
    tags: [session.fpReference]
  })
  await log.group(session.title, async () => {
    await run(session, 'docker build', argv, true)
    await run(session, `docker push ${session.fpReference}`, pushArgv(session.fpReference))
  })
  return undefined
}

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
  runner: Runner = execRunner
): Promise<void> {
  if (Object.keys(buildSecrets).length === 0) return
  const env = processEnv()
  await chooseBuilder((args, options) => runDocker(runner, args, { env, ...options }), true)
}
