/**
 * `npm run bench`: how much faster the action is than the guide's scripts, measured on the local
 * stack with a generated Kedro-shaped repository (scripts/bench/repo.ts), every comparison within
 * one invocation and every figure the median of several runs:
 *
 * (a) the guide's dev flow as its scripts do it (scripts/reference/submit_batches.py: git stash …
 *     git archive, `gcloud storage cp`, synchronous `gcloud dataproc batches submit pyspark`);
 * (b) the action's dev run with a prebuilt `image`, the same batch on the same emulators;
 * (c) the action re-run with nothing changed (same run id, next attempt);
 * (d) the image step: fingerprint hit against a rebuild (needs the stack's Docker daemon);
 * (e) how long after the batch's terminal stateTime its end is noticed: the action's watcher
 *     against gcloud's synchronous submit.
 *
 * Prints a table and writes .bench/results.json. A script, not a test: nothing here asserts time.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startStack, type Stack } from '../emulators/stack.js'
import { DIST, runActionTimed, type ActionSample } from './bench/action.js'
import { benchImage, type ImageBench } from './bench/image.js'
import {
  REFERENCE_BIN,
  referenceEnvironment,
  runReference,
  type Names,
  type ReferenceSample
} from './bench/reference.js'
import { BRANCH, materialize, planStats, repoPlan, type RepoPlan } from './bench/repo.js'
import { bytes, median, renderTable, seconds, type Row } from './bench/report.js'
import { batchEnd, createBucket, objectInfo, type BatchEnd } from './bench/services.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, '.bench', 'results.json')

/** Short emulator timings, the same for both sides: the batch itself is not what is compared. */
const PENDING_MS = 200
const TEARDOWN_MS = 200

const NAMES: Names = {
  project: 'bench-project',
  region: 'europe-west1',
  submitBucket: 'bench-run-submit',
  outputBucket: 'bench-run-output',
  repository: 'kedro',
  serviceAccount: 'sa-dataproc-runner@bench-project.iam.gserviceaccount.com',
  runtimeVersion: '2.3',
  kedroRunArgs: '--pipelines=data_processing'
}
const SLUG = BRANCH.replace(/[^a-zA-Z0-9]/g, '-')
/** Both sides run the same (never pulled) image reference: the guide's tag for the branch. */
const IMAGE = `${NAMES.region}-docker.pkg.dev/${NAMES.project}/${NAMES.repository}/dataproc-serverless:${SLUG}`

const log = (text: string): void => console.log(`· ${text}`)

function usage(): never {
  console.log(`usage: npm run bench -- [--runs N] [--quick]

  --runs N   runs per figure (median), default 5
  --quick    2 runs per figure`)
  process.exit(0)
}

function settings(): { runs: number } {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) usage()
  const runs = values.quick ? 2 : Number(values.runs ?? 5)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1`)
  return { runs }
}

function version(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).split('\n')[0] as string
  } catch {
    return 'unknown'
  }
}

/**
 * A copy of the pristine repository. `cp -a` keeps mtimes but not inodes or ctimes, so git would
 * re-read every file on its first look; refreshing the index first gives the copy the fresh index
 * a developer's own checkout has.
 */
function copyRepo(from: string, to: string): void {
  execFileSync('cp', ['-a', from, to])
  execFileSync('git', ['update-index', '-q', '--refresh'], { cwd: to })
}

interface ReferenceIteration extends ReferenceSample {
  batch: BatchEnd
  codeZipBytes: number
  /** Untracked files gone from the working tree after the run (the guide's `checkout -`). */
  untrackedLost: number
}

interface ActionIteration extends ActionSample {
  batch: BatchEnd
  /** Bytes of the submit objects whose generation changed during the run. */
  bytesUploaded: number
}

interface Iteration {
  reference: ReferenceIteration
  action: ActionIteration
  rerun: ActionIteration
}

async function uploadedBytes(
  stack: Stack,
  uris: string[],
  run: () => Promise<ActionSample>
): Promise<[ActionSample, number]> {
  const before = await Promise.all(uris.map(uri => objectInfo(stack, uri)))
  const sample = await run()
  const after = await Promise.all(uris.map(uri => objectInfo(stack, uri)))
  let total = 0
  after.forEach((info, i) => {
    if (info && info.generation !== before[i]?.generation) total += info.size
  })
  return [sample, total]
}

interface Context {
  stack: Stack
  work: string
  pristine: string
  actionRepo: string
  plan: RepoPlan
  referenceEnv: NodeJS.ProcessEnv
}

async function reference(ctx: Context, runId: string): Promise<ReferenceIteration> {
  const repo = join(ctx.work, `repo-${runId}`)
  copyRepo(ctx.pristine, repo)
  try {
    const sample = await runReference(ctx.referenceEnv, repo, NAMES, runId)
    const batch = await batchEnd(ctx.stack, NAMES.project, NAMES.region, sample.batchId)
    const code = await objectInfo(ctx.stack, `gs://${NAMES.submitBucket}/${SLUG}/${runId}/code.zip`)
    const untrackedLost = ctx.plan.untracked.filter(
      file => !existsSync(join(repo, ...file.path.split('/')))
    ).length
    return { ...sample, batch, codeZipBytes: code?.size ?? 0, untrackedLost }
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }
}

async function action(
  ctx: Context,
  runId: string,
  runNumber: number,
  attempt: number,
  runtimeVersion?: string
): Promise<ActionIteration> {
  const prefix = `gs://${NAMES.submitBucket}/${SLUG}/${runId}/`
  const [sample, uploaded] = await uploadedBytes(
    ctx.stack,
    [`${prefix}entrypoint.py`, `${prefix}code.zip`],
    () =>
      runActionTimed({
        stack: ctx.stack,
        names: NAMES,
        repo: ctx.actionRepo,
        branch: BRANCH,
        image: IMAGE,
        runId,
        runNumber,
        attempt,
        work: ctx.work,
        runtimeVersion
      })
  )
  if (sample.codeUri !== `${prefix}code.zip`) {
    throw new Error(`the action uploaded to ${sample.codeUri}, expected ${prefix}code.zip`)
  }
  const batch = await batchEnd(ctx.stack, NAMES.project, NAMES.region, sample.batchId)
  return { ...sample, batch, bytesUploaded: uploaded }
}

async function iterate(ctx: Context, i: number, runs: number): Promise<Iteration> {
  const runId = `run-${i}`
  const sideA = async (): Promise<ReferenceIteration> => {
    log(`run ${i}/${runs}: (a) the guide's scripts`)
    return reference(ctx, `ref-${runId}`)
  }
  const sideBC = async (): Promise<[ActionIteration, ActionIteration]> => {
    log(`run ${i}/${runs}: (b) the action, then (c) its re-run with nothing changed`)
    const first = await action(ctx, `act-${runId}`, 1000 + i, 1)
    const again = await action(ctx, `act-${runId}`, 1000 + i, 2)
    return [first, again]
  }
  // Alternate which side goes first, so a drift in the machine's state favours neither.
  let referenceResult: ReferenceIteration
  let actionResults: [ActionIteration, ActionIteration]
  if (i % 2 === 1) {
    referenceResult = await sideA()
    actionResults = await sideBC()
  } else {
    actionResults = await sideBC()
    referenceResult = await sideA()
  }
  return {
    reference: referenceResult,
    action: actionResults[0],
    rerun: actionResults[1]
  }
}

function ratio(numerator: number, denominator: number, digits = 2): string {
  return `${(numerator / denominator).toFixed(digits)}×`
}

interface Figures {
  rows: Row[]
  notes: string[]
  summary: Record<string, unknown>
}

/** `['git', 'checkout', '-B', 'pipeline-run/x']` → `git checkout -B`; uploads name their file. */
function stepLabel(command: string): string {
  const words = command
    .replace(/^\[|\]$/g, '')
    .split(', ')
    .map(word => word.replace(/^'|'$/g, ''))
  const label: string[] = []
  for (const word of words) {
    if (label.length === 4 || !/^([a-z][a-z-]*|-B?)$/.test(word)) break
    label.push(word)
  }
  // The two uploads differ only in what they copy: name it.
  if (label.join(' ') === 'gcloud storage cp') label.push(basename(words[4] ?? ''))
  return label.join(' ')
}

function figures(
  iterations: Iteration[],
  image: ImageBench | { unavailable: string },
  untrackedCount: number
): Figures {
  const med = (pick: (it: Iteration) => number): number => median(iterations.map(pick))
  const a = {
    endToEnd: med(it => it.reference.endToEnd),
    prepare: med(it => it.reference.prepare),
    preSubmission: med(it => it.reference.preSubmission),
    batch: med(it => it.reference.batch.stateTime - it.reference.batch.createTime),
    latency: med(it => it.reference.exitedAt - it.reference.batch.stateTime)
  }
  const b = {
    endToEnd: med(it => it.action.endToEnd),
    prepare: med(it => it.action.prepare),
    preSubmission: med(it => it.action.preSubmission),
    batch: med(it => it.action.batch.stateTime - it.action.batch.createTime),
    latency: med(it => it.action.noticedAt - it.action.batch.stateTime),
    bytesUploaded: med(it => it.action.bytesUploaded)
  }
  const c = {
    preSubmission: med(it => it.rerun.preSubmission),
    maxBytesUploaded: Math.max(...iterations.map(it => it.rerun.bytesUploaded)),
    maxUploadRequests: Math.max(...iterations.map(it => it.rerun.uploadRequests))
  }
  const rows: Row[] = [
    {
      measure: '(b) vs (a) end to end',
      figure: `action ${seconds(b.endToEnd)}`,
      against: `guide ${seconds(a.endToEnd)}`,
      ratio: ratio(a.endToEnd, b.endToEnd),
      target: '≥ 3× faster',
      met: a.endToEnd / b.endToEnd >= 3
    },
    {
      measure: '(b) vs (a) prepare phase',
      figure: `action ${seconds(b.prepare)}`,
      against: `guide ${seconds(a.prepare)}`,
      ratio: ratio(a.prepare, b.prepare),
      target: '≥ 5× faster',
      met: a.prepare / b.prepare >= 5
    },
    {
      measure: '(b) vs (a) start to submission',
      figure: `action ${seconds(b.preSubmission)}`,
      against: `guide ${seconds(a.preSubmission)}`,
      ratio: ratio(a.preSubmission, b.preSubmission),
      target: '',
      met: null
    },
    {
      measure: '    the batch itself (created → ended)',
      figure: `action ${seconds(b.batch)}`,
      against: `guide ${seconds(a.batch)}`,
      ratio: '',
      target: '(same emulator)',
      met: null
    },
    {
      measure: '(c) re-run, nothing changed: start to submission',
      figure: `re-run ${seconds(c.preSubmission)}`,
      against: `(b) ${seconds(b.preSubmission)}`,
      ratio: ratio(c.preSubmission, b.preSubmission),
      target: '≤ 0.20×',
      met: c.preSubmission / b.preSubmission <= 0.2
    },
    {
      measure: '(c) re-run: bytes uploaded (worst run)',
      figure: `${bytes(c.maxBytesUploaded)}, ${c.maxUploadRequests} upload requests`,
      against: `(b) ${bytes(b.bytesUploaded)}`,
      ratio: '',
      target: '0 bytes',
      met: c.maxBytesUploaded === 0 && c.maxUploadRequests === 0
    }
  ]
  const summary: Record<string, unknown> = { a, b, c }
  if ('unavailable' in image) {
    rows.push({
      measure: '(d) image: fingerprint hit vs rebuild',
      figure: `n/a (${image.unavailable})`,
      against: '',
      ratio: '',
      target: 'no build, < 2 s',
      met: null
    })
    summary.d = { unavailable: image.unavailable }
  } else {
    const hit = median(image.hits.map(s => s.ms))
    const rebuild = median(image.rebuilds.map(s => s.ms))
    const noBuild = image.hits.every(s => !s.built && s.dockerCommands === 0)
    const dockerCommands = Math.max(...image.hits.map(s => s.dockerCommands))
    rows.push({
      measure: '(d) image: fingerprint hit vs rebuild',
      figure: `hit ${seconds(hit)}, ${dockerCommands} docker commands`,
      against: `rebuild ${seconds(rebuild)} (cold ${seconds(image.cold.ms)})`,
      ratio: ratio(rebuild, hit, 0),
      target: 'no build, < 2 s',
      met: noBuild && hit < 2000
    })
    summary.d = { hit, rebuild, cold: image.cold.ms, noBuild, baseImage: image.baseImage }
  }
  rows.push({
    measure: '(e) end noticed after terminal stateTime',
    figure: `action ${seconds(b.latency)}`,
    against: `gcloud ${seconds(a.latency)}`,
    ratio: ratio(a.latency, b.latency, 1),
    target: '< 1 s',
    met: b.latency < 1000
  })

  const steps = new Map<string, number[]>()
  for (const it of iterations) {
    for (const step of it.reference.steps) {
      const name = stepLabel(step.command)
      steps.set(name, [...(steps.get(name) ?? []), step.ms])
    }
  }
  const breakdown = [...steps]
    .map(([name, values]) => `${name} ${seconds(median(values))}`)
    .join(', ')
  const lost = Math.max(...iterations.map(it => it.reference.untrackedLost))
  const notes = [
    `(a) the guide's steps (medians): ${breakdown}`,
    `code.zip: the guide's git archive ${bytes(median(iterations.map(it => it.reference.codeZipBytes)))}, the action's snapshot ${bytes(b.bytesUploaded)} (with entrypoint.py)`,
    `(a) side effect: ${lost} of ${untrackedCount} untracked files were gone from the working tree after the guide's flow (committed on pipeline-run/…, then removed by \`git checkout -\`)`
  ]
  return { rows, notes, summary }
}

async function main(): Promise<void> {
  const { runs } = settings()
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build`)
  // The guide's entrypoint runs `kedro run` through a shell: the drivers need a `kedro` on PATH.
  process.env.PATH = `${REFERENCE_BIN}:${process.env.PATH ?? ''}`
  const started = performance.now()

  log(`starting the local stack (pendingMs ${PENDING_MS}, teardownMs ${TEARDOWN_MS})`)
  const stack = await startStack({ docker: 'auto', pendingMs: PENDING_MS, teardownMs: TEARDOWN_MS })
  const work = mkdtempSync(join(tmpdir(), 'kda-bench-'))
  try {
    await createBucket(stack, NAMES.project, NAMES.submitBucket)
    await createBucket(stack, NAMES.project, NAMES.outputBucket)

    log('generating the Kedro-shaped repository')
    const plan = repoPlan()
    const stats = planStats(plan)
    const pristine = join(work, 'pristine')
    materialize(plan, pristine)
    const actionRepo = join(work, 'action-repo')
    copyRepo(pristine, actionRepo)
    log(
      `${stats.files} files, ${bytes(stats.bytes)} (${bytes(stats.compressedBytes)} already compressed); ` +
        `${plan.modified.length} modified and ${plan.untracked.length} untracked files on ${BRANCH}`
    )
    const ctx: Context = {
      stack,
      work,
      pristine,
      actionRepo,
      plan,
      referenceEnv: referenceEnvironment(stack, NAMES, work)
    }

    log('warm-up, not counted: one run of each side')
    await reference(ctx, 'ref-warmup')
    await action(ctx, 'act-warmup', 999, 1)

    const iterations: Iteration[] = []
    for (let i = 1; i <= runs; i++) iterations.push(await iterate(ctx, i, runs))

    log('runtime 3.0: driver output from Cloud Logging instead of the GCS series')
    const logging: ActionIteration[] = []
    for (let i = 1; i <= runs; i++)
      logging.push(await action(ctx, `act-3-${i}`, 2000 + i, 1, '3.0'))

    const image = await benchImage(stack, actionRepo, SLUG, runs, log)
    if ('unavailable' in image) log(`image step: n/a (${image.unavailable})`)

    const result = figures(iterations, image, plan.untracked.length)
    const endOfOutput = (samples: ActionIteration[]): number =>
      median(samples.map(sample => sample.exitedAt - sample.batch.stateTime))
    const gcsEnd = endOfOutput(iterations.map(it => it.action))
    const loggingEnd = endOfOutput(logging)
    result.rows.push({
      measure: '(f) end of output after the batch ends',
      figure: `3.0, Cloud Logging ${seconds(loggingEnd)}`,
      against: `2.x, GCS ${seconds(gcsEnd)}`,
      ratio: ratio(loggingEnd, gcsEnd, 1),
      target: 'all lines, in order',
      met: logging.every(sample => sample.state === 'SUCCEEDED')
    })
    const totalSeconds = (performance.now() - started) / 1000
    const title =
      `kedro-dataproc-action benchmark: median of ${runs} run${runs === 1 ? '' : 's'} each, one invocation, local stack ` +
      `(${cpus().length} CPUs), repository of ${stats.files} files / ${bytes(stats.bytes)}`
    console.log(`\n${title}\n\n${renderTable(result.rows)}\n`)
    for (const note of result.notes) console.log(`- ${note}`)
    console.log(`\n(${totalSeconds.toFixed(0)} s in all; raw samples in ${RESULTS})`)

    mkdirSync(join(ROOT, '.bench'), { recursive: true })
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          settings: { runs, pendingMs: PENDING_MS, teardownMs: TEARDOWN_MS },
          machine: {
            cpus: cpus().length,
            node: process.version,
            gcloud: version('gcloud', ['--version']),
            git: version('git', ['--version']),
            dist: { path: DIST, modified: statSync(DIST).mtime.toISOString() },
            spark: stack.spark
          },
          repository: {
            ...stats,
            modified: plan.modified.length,
            untracked: plan.untracked.length
          },
          table: result.rows,
          notes: result.notes,
          medians: result.summary,
          samples: { iterations, image },
          seconds: totalSeconds
        },
        null,
        2
      )}\n`
    )
  } finally {
    await stack.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
