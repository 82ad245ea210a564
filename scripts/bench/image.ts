/**
 * Side (d): the image path on the example project (examples/spaceflights-pyspark, its Dockerfile
 * unchanged, FROM the stack's real python:3.11-slim, with real apt-get and pip steps), in the
 * stack's Docker daemon and registry:
 *
 * - the action's image step (src/steps/image/image.ts `prepareImage`, the `dev` target: libraries
 *   only, reused while its fingerprint holds);
 * - the guide's build_push_docker.sh: `docker build` of the Dockerfile's last stage (code baked in)
 *   and `docker push`, every run.
 *
 * After a first build of each (not compared: it downloads every library), three changes, each
 * measured on both sides: nothing changed; code only (a node's source); requirements.txt changed
 * (a line added, so Docker sees a new file: the pip layer and what follows rebuild). Both sides
 * keep a warm layer cache, the guide's best case (a machine that has built before). Each side has
 * its own copy of the project and its own repository; their requirements files differ from the
 * start, so neither side's build reuses a pip layer the other built (the apt layer before it, built
 * by the guide's first build, is the only one they share).
 *
 * Bytes pushed: the blobs (layers, config) of the pushed manifest that the repository did not have
 * yet — what `docker push` uploads, as it skips blobs the repository already holds.
 */
import { execFile } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Stack } from '../../emulators/stack.js'
import { secretRules } from '../../src/steps/secrets.js'
import { readBuildContext } from '../../src/steps/image/build-context.js'
import { execRunner, type Runner } from '../../src/steps/image/docker.js'
import { prepareImage } from '../../src/steps/image/image.js'
import { bytes, median, seconds, type Row } from './report.js'

const EXAMPLE = fileURLToPath(new URL('../../examples/spaceflights-pyspark', import.meta.url))
const DOCKERFILE = 'deployment/dataproc/serverless/Dockerfile'
const NODE = 'src/spaceflights_pyspark/pipelines/data_processing/nodes.py'
const TAG = 'feature-bench'
const run = promisify(execFile)
/** The build's own output stays out of the benchmark's log, as the guide side's does. */
const quiet: Runner = (file, args, options) => execRunner(file, args, { ...options, stream: false })

export interface ImageSample {
  /** Wall time (ms). */
  ms: number
  /** Bytes of blobs the registry did not have. */
  pushed: number
  built: boolean
}

export type Scenario = 'nothing changed' | 'code only' | 'requirements.txt changed'
const SCENARIOS: Scenario[] = ['nothing changed', 'code only', 'requirements.txt changed']

export interface ImageBench {
  first: { action: ImageSample; guide: ImageSample }
  samples: Record<Scenario, { action: ImageSample[]; guide: ImageSample[] }>
}

interface Side {
  dir: string
  /** Repository path in the registry, without the registry. */
  name: string
  /** Digests of the blobs the repository holds. */
  blobs: Set<string>
}

export async function benchImage(
  stack: Stack,
  work: string,
  runs: number,
  log: (text: string) => void
): Promise<ImageBench | { unavailable: string }> {
  const { dockerHost, registry } = stack
  if (!dockerHost || !registry) {
    return { unavailable: stack.dockerUnavailable ?? 'no Docker daemon or registry' }
  }
  const side = (who: string, name: string): Side => {
    const dir = mkdtempSync(join(work, `image-${who}-`))
    cpSync(EXAMPLE, dir, { recursive: true })
    // Only the apt layer, built by the guide's first build, is shared from the start.
    appendFileSync(join(dir, 'requirements.txt'), `# ${who}\n`)
    return { dir, name: `bench-project/kedro/${name}`, blobs: new Set() }
  }
  const action = side('action', 'dataproc-serverless')
  const guide = side('guide', 'guide-dataproc-serverless')
  const env = { ...process.env, DOCKER_HOST: dockerHost }

  const measureAction = async (): Promise<ImageSample> => {
    const dockerfile = join(action.dir, DOCKERFILE)
    const started = performance.now()
    const result = await prepareImage(
      {
        repository: `${registry}/${action.name}`,
        tag: TAG,
        dockerfile,
        context: await readBuildContext(action.dir, dockerfile, secretRules([])),
        target: 'dev',
        buildArgs: {},
        platform: 'linux/amd64',
        network: 'host',
        dockerHost
      },
      { runner: quiet }
    )
    const ms = performance.now() - started
    return { ms, built: result.built, pushed: await newBlobs(registry, action, result.digest) }
  }
  // build_push_docker.sh's two commands; --network host is what reaches PyPI from this daemon.
  const measureGuide = async (): Promise<ImageSample> => {
    const image = `${registry}/${guide.name}:${TAG}`
    const started = performance.now()
    const build = ['build', '-f', DOCKERFILE, '-t', image, '.', '--platform=linux/amd64']
    await run('docker', [...build, '--network', 'host'], {
      cwd: guide.dir,
      env,
      maxBuffer: 2 ** 28
    })
    await run('docker', ['push', image], { env, maxBuffer: 2 ** 26 })
    const ms = performance.now() - started
    return { ms, built: true, pushed: await newBlobs(registry, guide, TAG) }
  }

  log('image: first build of each side (every library downloaded)')
  const first = { guide: await measureGuide(), action: await measureAction() }
  const samples: ImageBench['samples'] = {
    'nothing changed': { action: [], guide: [] },
    'code only': { action: [], guide: [] },
    'requirements.txt changed': { action: [], guide: [] }
  }
  for (let i = 1; i <= runs; i++) {
    for (const scenario of SCENARIOS) {
      log(`image ${i}/${runs}: ${scenario}`)
      for (const [who, s] of [
        ['guide', guide],
        ['action', action]
      ] as const) {
        if (scenario === 'code only') appendFileSync(join(s.dir, NODE), `# ${who} edit ${i}\n`)
        if (scenario === 'requirements.txt changed') {
          appendFileSync(join(s.dir, 'requirements.txt'), `# ${who} change ${i}\n`)
        }
      }
      samples[scenario].guide.push(await measureGuide())
      samples[scenario].action.push(await measureAction())
    }
  }
  return { first, samples }
}

interface Descriptor {
  digest: string
  size: number
}

/** Sizes of the manifest's blobs the side's repository lacked; they are its blobs from now on. */
async function newBlobs(registry: string, side: Side, reference: string): Promise<number> {
  const response = await fetch(`http://${registry}/v2/${side.name}/manifests/${reference}`, {
    headers: {
      accept:
        'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'
    }
  })
  if (!response.ok) throw new Error(`manifest ${side.name}:${reference}: ${response.status}`)
  const manifest = (await response.json()) as { config: Descriptor; layers: Descriptor[] }
  let total = 0
  for (const blob of [manifest.config, ...manifest.layers]) {
    if (!side.blobs.has(blob.digest)) total += blob.size
    side.blobs.add(blob.digest)
  }
  return total
}

/** One row a scenario: the action against the guide, medians of time and of bytes pushed. */
export function imageRows(image: ImageBench | { unavailable: string }): Row[] {
  if ('unavailable' in image) {
    return [
      {
        measure: '(d) image path vs build_push_docker.sh',
        figure: `n/a (${image.unavailable})`,
        against: '',
        ratio: '',
        target: '',
        met: null
      }
    ]
  }
  const describe = (samples: ImageSample[]): string =>
    `${seconds(median(samples.map(s => s.ms)))}, ${bytes(median(samples.map(s => s.pushed)))} pushed`
  const row = (measure: string, action: ImageSample[], guide: ImageSample[]): Row => {
    const timeRatio = median(guide.map(s => s.ms)) / median(action.map(s => s.ms))
    const actionBytes = median(action.map(s => s.pushed))
    const guideBytes = median(guide.map(s => s.pushed))
    const bytesRatio =
      actionBytes === 0 ? 'none pushed' : `${(guideBytes / actionBytes).toFixed(1)}×`
    return {
      measure,
      figure: `action ${describe(action)}`,
      against: `guide ${describe(guide)}`,
      ratio: `${timeRatio.toFixed(1)}× time, bytes ${bytesRatio}`,
      target: '',
      met: null
    }
  }
  return [
    {
      ...row('(d0) image: first build, not compared', [image.first.action], [image.first.guide]),
      ratio: ''
    },
    ...SCENARIOS.map((scenario, i) =>
      row(
        `(d${i + 1}) image: ${scenario}`,
        image.samples[scenario].action,
        image.samples[scenario].guide
      )
    )
  ]
}
