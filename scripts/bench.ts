/**
 * `npm run bench`: how much faster the action is than the guide's scripts, measured on the local
 * stack with generated Kedro-shaped repositories (scripts/bench/repo.ts, shapes.ts), every
 * comparison within one invocation and every figure the median of several runs. For each
 * repository:
 *
 * (a) the guide's dev flow as its scripts do it (scripts/reference/submit_batches.py: git stash …
 *     git archive, `gcloud storage cp`, synchronous `gcloud dataproc batches submit pyspark`);
 * (b) the action's dev run with a prebuilt `image`, the same batch on the same emulators, with
 *     the peak memory of its process;
 * (c) the action re-run with nothing changed (same run id, next attempt);
 * (i) the emulator's own ingest of as many bytes as the action uploaded (curl, one request): the
 *     physical limit of any upload here, against which the action's prepare phase is measured.
 * (u) the action's upload client alone: the same bytes from memory through its streamed upload,
 *     no zip to make. (c)'s prepare phase (the checks a first run must finish before its first
 *     byte leaves) plus (u) is the least a first run's prepare phase can take here.
 * With (b) and (c), the CPU time zipping and uploading take (first run over re-run: the action's
 * process, and this one, which hosts the emulators) against what the machine's CPUs give between
 * the checks' end and 1.5 × (i).
 * On the first repository only:
 * (d) the image path on the example project: the action's image step against the guide's
 *     build_push_docker.sh, nothing changed, code only, requirements.txt changed (needs the
 *     stack's Docker daemon; scripts/bench/image.ts);
 * (e) how long after the batch's terminal stateTime its end is noticed: the action's watcher
 *     against gcloud's synchronous submit; (f) the same on runtime 3.0 (Cloud Logging).
 *
 * Prints a table per repository and writes .bench/results.json. A script, not a test: nothing
 * here asserts time.
 */
import { execFileSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startStack, type Stack } from '../emulators/stack.js'
import { DIST, runActionTimed, type ActionSample } from './bench/action.js'
import {
  extraFigures,
  repoFigures,
  type ActionIteration,
  type Iteration,
  type ReferenceIteration,
  type RepoResult
} from './bench/figures.js'
import { clientUpload } from './bench/client.js'
import { benchImage } from './bench/image.js'
import { REFERENCE_BIN, referenceEnvironment, runReference, type Names } from './bench/reference.js'
import { BRANCH, materialize, planStats, type RepoPlan } from './bench/repo.js'
import { bytes, renderTable, type Row } from './bench/report.js'
import { batchEnd, createBucket, ingest, objectInfo } from './bench/services.js'
import { SHAPES, type RepoShape } from './bench/shapes.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, '.bench', 'results.json')

/** Short emulator timings, the same for both sides: the batch itself is not what is compared. */
const PENDING_MS = 200
const TEARDOWN_MS = 200
/** Targets on the large repository (issue #20). */
const LARGE_MEMORY_LIMIT = 250 * 1024 * 1024
const LARGE_RERUN_LIMIT = 1200

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
  console.log(`usage: npm run bench -- [--runs N] [--quick] [--repos NAME,...]

  --runs N         runs per figure (median), default 5
  --quick          2 runs per figure
  --repos NAMES    which repositories, default all: ${SHAPES.map(s => s.name).join(', ')}`)
  process.exit(0)
}

function settings(): { runs: number; shapes: RepoShape[] } {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      repos: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) usage()
  const runs = values.quick ? 2 : Number(values.runs ?? 5)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1`)
  const names = values.repos?.split(',') ?? SHAPES.map(s => s.name)
  const shapes = names.map(name => {
    const shape = SHAPES.find(s => s.name === name)
    if (!shape) throw new Error(`--repos: no repository ${name}`)
    return shape
  })
  return { runs, shapes }
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
  /** Keeps run ids and batch ids apart between repositories. */
  prefix: string
  runBase: number
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
        runNumber: ctx.runBase + runNumber,
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
  const runId = `${ctx.prefix}-run-${i}`
  const sideA = async (): Promise<ReferenceIteration> => {
    log(`${ctx.prefix} run ${i}/${runs}: (a) the guide's scripts`)
    return reference(ctx, `ref-${runId}`)
  }
  const sideBC = async (): Promise<[ActionIteration, ActionIteration]> => {
    log(`${ctx.prefix} run ${i}/${runs}: (b) the action, then (c) its re-run with nothing changed`)
    const first = await action(ctx, `act-${runId}`, 1000 + i, 1)
    const again = await action(ctx, `act-${runId}`, 1000 + i, 2)
    return [first, again]
  }
  // Alternate which side goes first, so a drift in the machine's state favours neither.
  if (i % 2 === 1) {
    const referenceResult = await sideA()
    const [first, again] = await sideBC()
    return { reference: referenceResult, action: first, rerun: again }
  }
  const [first, again] = await sideBC()
  return { reference: await sideA(), action: first, rerun: again }
}

/** A file of `size` random bytes, for the emulator's ingest (its content does not matter). */
function randomFile(path: string, size: number): void {
  const block = Buffer.alloc(4 * 1024 * 1024)
  const fd = openSync(path, 'w')
  try {
    for (let written = 0; written < size; written += block.length) {
      randomFillSync(block)
      writeSync(fd, block, 0, Math.min(block.length, size - written))
    }
  } finally {
    closeSync(fd)
  }
}

interface Measured {
  result: RepoResult
  iterations: Iteration[]
  ctx: Context
}

async function measureRepo(
  stack: Stack,
  work: string,
  shape: RepoShape,
  index: number,
  runs: number
): Promise<Measured> {
  log(`${shape.name}: generating ${shape.describe}`)
  const plan = shape.plan()
  const stats = planStats(plan)
  const dir = join(work, shape.name)
  const pristine = join(dir, 'pristine')
  materialize(plan, pristine)
  const actionRepo = join(dir, 'action-repo')
  copyRepo(pristine, actionRepo)
  log(
    `${shape.name}: ${stats.files} files, ${bytes(stats.bytes)} (${bytes(stats.incompressibleBytes)} random); ` +
      `${plan.modified.length} modified and ${plan.untracked.length} untracked files on ${BRANCH}`
  )
  const ctx: Context = {
    stack,
    work: dir,
    pristine,
    actionRepo,
    plan,
    referenceEnv: referenceEnvironment(stack, NAMES, dir),
    prefix: shape.name,
    runBase: 10_000 * (index + 1)
  }
  log(`${shape.name}: warm-up, not counted: one run of each side`)
  await reference(ctx, `ref-${shape.name}-warmup`)
  await action(ctx, `act-${shape.name}-warmup`, 999, 1)
  const iterations: Iteration[] = []
  for (let i = 1; i <= runs; i++) iterations.push(await iterate(ctx, i, runs))

  log(`${shape.name}: (i) the emulator ingesting the same number of bytes`)
  const size = Math.max(...iterations.map(it => it.action.bytesUploaded))
  const file = join(dir, 'ingest.bin')
  randomFile(file, size)
  const ingested: number[] = []
  for (let i = 1; i <= runs; i++) {
    ingested.push(await ingest(stack, NAMES.submitBucket, `ingest/${shape.name}-${i}`, file))
  }
  log(`${shape.name}: (u) the action's upload client alone, the same bytes from memory`)
  const content = readFileSync(file)
  const client: number[] = []
  for (let i = 1; i <= runs; i++) {
    const name = `client/${shape.name}-${i}`
    client.push(await clientUpload(stack, NAMES.project, NAMES.submitBucket, name, content))
  }
  const large = shape.name === 'large'
  return {
    result: {
      name: shape.name,
      stats,
      untracked: plan.untracked.length,
      iterations,
      ingest: ingested,
      clientUpload: client,
      cpus: availableParallelism(),
      ...(large ? { memoryLimit: LARGE_MEMORY_LIMIT, rerunLimit: LARGE_RERUN_LIMIT } : {})
    },
    iterations,
    ctx
  }
}

async function main(): Promise<void> {
  const { runs, shapes } = settings()
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build`)
  // The guide's entrypoint runs `kedro run` through a shell: the drivers need a `kedro` on PATH.
  process.env.PATH = `${REFERENCE_BIN}:${process.env.PATH ?? ''}`
  const started = performance.now()

  log(`starting the local stack (pendingMs ${PENDING_MS}, teardownMs ${TEARDOWN_MS})`)
  const stack = await startStack({ docker: 'auto', pendingMs: PENDING_MS, teardownMs: TEARDOWN_MS })
  const work = mkdtempSync(join(tmpdir(), 'kda-bench-'))
  const tables: { title: string; rows: Row[]; notes: string[] }[] = []
  const results: Record<string, unknown>[] = []
  try {
    await createBucket(stack, NAMES.project, NAMES.submitBucket)
    await createBucket(stack, NAMES.project, NAMES.outputBucket)
    for (const [index, shape] of shapes.entries()) {
      const measured = await measureRepo(stack, work, shape, index, runs)
      const figures = repoFigures(measured.result)
      if (index === 0) {
        log(
          `${shape.name}: runtime 3.0, driver output from Cloud Logging instead of the GCS series`
        )
        const logging: ActionIteration[] = []
        for (let i = 1; i <= runs; i++) {
          logging.push(await action(measured.ctx, `act-3-${i}`, 2000 + i, 1, '3.0'))
        }
        const image = await benchImage(stack, work, runs, log)
        if ('unavailable' in image) log(`image step: n/a (${image.unavailable})`)
        figures.rows.push(...extraFigures(measured.iterations, image, logging))
        figures.summary.image = image
      }
      const { stats } = measured.result
      const table = {
        title: `${shape.name}: ${shape.describe} — ${stats.files} files, ${bytes(stats.bytes)}`,
        rows: figures.rows,
        notes: figures.notes
      }
      tables.push(table)
      // Printed as soon as it is known, and again with the others at the end.
      console.log(`\n${table.title}\n\n${renderTable(table.rows)}\n`)
      results.push({
        repository: { name: shape.name, ...stats },
        table: figures.rows,
        notes: figures.notes,
        medians: figures.summary,
        samples: measured.result
      })
      // A large repository's copies take disk space the next one may need.
      rmSync(measured.ctx.work, { recursive: true, force: true })
    }
    const totalSeconds = (performance.now() - started) / 1000
    console.log(
      `\nkedro-dataproc-action benchmark: median of ${runs} run${runs === 1 ? '' : 's'} each, one invocation, local stack (${availableParallelism()} CPUs)`
    )
    for (const table of tables) {
      console.log(`\n${table.title}\n\n${renderTable(table.rows)}\n`)
      for (const note of table.notes) console.log(`- ${note}`)
    }
    console.log(`\n(${totalSeconds.toFixed(0)} s in all; raw samples in ${RESULTS})`)

    mkdirSync(join(ROOT, '.bench'), { recursive: true })
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          settings: { runs, pendingMs: PENDING_MS, teardownMs: TEARDOWN_MS },
          machine: {
            cpus: availableParallelism(),
            node: process.version,
            gcloud: version('gcloud', ['--version']),
            git: version('git', ['--version']),
            dist: { path: DIST, modified: statSync(DIST).mtime.toISOString() },
            spark: stack.spark
          },
          repositories: results,
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
