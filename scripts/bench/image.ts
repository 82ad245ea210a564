/**
 * Side (d): the action's image step (src/steps/image.ts `prepareImage`) called directly, with the
 * stack's Docker daemon and registry and the offline busybox base image (no Docker Hub here).
 *
 * - cold build: the first build of the example Dockerfile's `dev` target (no layer cache), once;
 * - rebuild: a fingerprint miss on inputs that Docker's layer cache still covers — a build arg the
 *   Dockerfile never reads changes the fingerprint and nothing else — so Docker rebuilds from a warm
 *   cache and pushes: the cheapest possible rebuild, what the guide's build_push_docker.sh costs on
 *   a machine that has built before;
 * - hit: the same request again; the fingerprint tag is in the registry, so no build.
 * Every docker command the step runs goes through a counting runner: a hit must run none.
 */
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildBaseImage } from '../../emulators/base-image.js'
import type { Stack } from '../../emulators/stack.js'
import { secretRules } from '../../src/steps/secrets.js'
import { readBuildContext } from '../../src/steps/image/build-context.js'
import { execRunner, type Runner } from '../../src/steps/image/docker.js'
import { prepareImage, type ImageRequest } from '../../src/steps/image/image.js'

export interface ImageSample {
  /** Wall time of prepareImage (ms). */
  ms: number
  built: boolean
  /** docker commands the step ran. */
  dockerCommands: number
}

export interface ImageBench {
  baseImage: string
  cold: ImageSample
  rebuilds: ImageSample[]
  hits: ImageSample[]
}

export async function benchImage(
  stack: Stack,
  repo: string,
  tag: string,
  runs: number,
  log: (text: string) => void
): Promise<ImageBench | { unavailable: string }> {
  if (!stack.dockerHost || !stack.registry) {
    return { unavailable: stack.dockerUnavailable ?? 'no Docker daemon or registry' }
  }
  const dockerHost = stack.dockerHost
  const baseImage = await buildBaseImage({ dockerHost, registry: stack.registry })
  const repository = `${stack.registry}/bench-project/kedro/dataproc-serverless`
  const dockerfile = join(repo, 'deployment/dataproc/serverless/Dockerfile')
  const request = async (nonce: string): Promise<ImageRequest> => ({
    repository,
    tag,
    dockerfile,
    context: await readBuildContext(repo, dockerfile, secretRules([])),
    target: 'dev',
    buildArgs: { BASE_IMAGE: baseImage, BENCH_NONCE: nonce },
    platform: 'linux/amd64',
    dockerHost
  })
  const measure = async (nonce: string): Promise<ImageSample> => {
    let dockerCommands = 0
    // The build's own output stays out of the benchmark's log; only the count matters here.
    const runner: Runner = (file, args, options) => {
      dockerCommands++
      return execRunner(file, args, { ...options, stream: false })
    }
    const started = performance.now()
    const result = await prepareImage(await request(nonce), { runner })
    return { ms: performance.now() - started, built: result.built, dockerCommands }
  }

  log('image: cold build')
  const cold = await measure('cold')
  const rebuilds: ImageSample[] = []
  const hits: ImageSample[] = []
  for (let i = 1; i <= runs; i++) {
    log(`image ${i}/${runs}: rebuild (fingerprint miss), then the same again (fingerprint hit)`)
    rebuilds.push(await measure(`rebuild-${i}`))
    hits.push(await measure(`rebuild-${i}`))
  }
  return { baseImage, cold, rebuilds, hits }
}
