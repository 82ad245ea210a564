/**
 * Sides (b) and (c): the bundled action (`node dist/index.js`) run the way the runner runs it —
 * INPUT_* variables, GITHUB_* context, output, summary and state files — against the local stack.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Stack } from '../../emulators/stack.js'
import { lineTime, runTimed, tail, type TimedLine } from './process.js'
import type { Names } from './reference.js'
import { parseOutputFile } from '../runner-files.js'

/**
 * The bundle measured: the committed one, or (BENCH_DIST) one built elsewhere from changed
 * sources, e.g. `node scripts/build.mjs /tmp/dist`, so that measuring leaves dist/ as it is.
 */
export const DIST =
  process.env.BENCH_DIST ?? fileURLToPath(new URL('../../dist/index.js', import.meta.url))
/** GNU time (Debian's `time` package), for the peak memory of the action's process. */
export const TIME = '/usr/bin/time'

export interface ActionRunOptions {
  stack: Stack
  names: Names
  repo: string
  branch: string
  image: string
  runId: string
  runNumber: number
  /** A re-run of the same workflow run is the next attempt: a new batch, the same run id. */
  attempt: number
  work: string
  /** Default: the names' runtime (2.x, driver output in GCS). 3.0 reads Cloud Logging. */
  runtimeVersion?: string
}

export interface ActionSample {
  /** Spawn to exit (ms). */
  endToEnd: number
  /** The plan printed (deploy starts: snapshot, upload) to the upload result lines (ms). */
  prepare: number
  /** Spawn to the upload result lines, i.e. to the start of the submission (ms). */
  preSubmission: number
  /** `gcs.upload` requests the GCS emulator saw between the spawn and the upload result lines. */
  uploadRequests: number
  /** Upload result lines that said `uploaded` (not `unchanged, not uploaded`). */
  uploadedObjects: number
  batchId: string
  codeUri: string
  entrypointUri: string
  /** When the watcher logged the terminal state, by its own clock (ms since the epoch). */
  noticedAt: number
  /** When the action exited, its driver output all printed (ms since the epoch). */
  exitedAt: number
  state: string
  /** Peak resident memory of the action's process (bytes), as GNU time reports it. */
  peakRss: number
  /** CPU time of the action's process, user and system (ms), as GNU time reports it. */
  cpu: number
  /** CPU time of this process, which hosts the emulators, while the action ran (ms). */
  stackCpu: number
}

const UPLOAD_LINE = /^(uploaded|unchanged, not uploaded): gs:\/\//
/** The watcher's state-change line: `2025-…Z  RUNNING → SUCCEEDED  (+3.1s)`. */
const TERMINAL_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s+(?:\S+ → )?(SUCCEEDED|FAILED|CANCELLED)\b/

export async function runActionTimed(options: ActionRunOptions): Promise<ActionSample> {
  const { stack, names } = options
  const dir = mkdtempSync(join(options.work, 'runner-'))
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    state: join(dir, 'state'),
    event: join(dir, 'event.json')
  }
  for (const file of [files.output, files.summary, files.state]) writeFileSync(file, '')
  writeFileSync(files.event, '{}')
  const inputs: Record<string, string> = {
    'project-id': names.project,
    region: names.region,
    'run-submit-bucket': names.submitBucket,
    'run-output-bucket': names.outputBucket,
    'service-account': names.serviceAccount,
    'runtime-version': options.runtimeVersion ?? names.runtimeVersion,
    'logging-endpoint': stack.logging,
    'spark-properties': 'spark.executor.instances=10',
    'kedro-run-args': names.kedroRunArgs,
    'run-id': options.runId,
    image: options.image,
    'dataproc-endpoint': `http://${stack.dataproc}`,
    'storage-endpoint': stack.storage
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF_NAME: options.branch,
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: 'feedfacefeedfacefeedfacefeedfacefeedface',
    GITHUB_REPOSITORY: 'acme/spaceflights',
    GITHUB_RUN_ID: String(options.runNumber),
    GITHUB_RUN_NUMBER: String(options.runNumber),
    GITHUB_RUN_ATTEMPT: String(options.attempt),
    GITHUB_WORKSPACE: options.repo,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: dir
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value

  const uploads = (): number => stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0
  const uploadsAtStart = uploads()
  let uploadsAtSubmission: number | undefined
  // GNU time waits for the action and reports its maximum resident set size (the kernel's
  // ru_maxrss: of the Node process, or of a git it ran if one ever grew bigger) and its CPU time
  // (with the children it waited for: git).
  const timeFile = join(dir, 'time')
  const stackStart = process.cpuUsage()
  const run = await runTimed(TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, DIST], {
    env,
    onLine: (line: TimedLine) => {
      if (uploadsAtSubmission === undefined && UPLOAD_LINE.test(line.text)) {
        uploadsAtSubmission = uploads()
      }
    }
  })
  const stackUsage = process.cpuUsage(stackStart)
  const outputs = parseOutputFile(readFileSync(files.output, 'utf8'))
  if (run.code !== 0 || outputs.state !== 'SUCCEEDED') {
    throw new Error(`the action exited ${run.code} (${outputs.state}):\n${tail(run.output)}`)
  }
  const submissionStart = lineTime(run, UPLOAD_LINE, 'action upload result')
  // The plan is printed in two groups just before the deploy step starts; the last group's end
  // before the first upload line is where snapshot and upload begin.
  const prepareStart = run.lines.filter(l => l.at <= submissionStart && l.text === '::endgroup::')
  const lastGroupEnd = prepareStart[prepareStart.length - 1]
  if (!lastGroupEnd) throw new Error(`the action printed no plan:\n${tail(run.output)}`)
  // The last line: a failed action's exit status comes on a line before it.
  const timeLine = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? ''
  const [rss = NaN, user = NaN, system = NaN] = timeLine.split(' ').map(Number)
  const terminal = run.lines.map(l => TERMINAL_LINE.exec(l.text)).find(m => m !== null)
  if (!terminal) throw new Error(`the action logged no terminal state:\n${tail(run.output)}`)
  const required = (name: string): string => {
    const value = outputs[name]
    if (!value) throw new Error(`the action set no ${name} output`)
    return value
  }
  return {
    endToEnd: run.endedAt - run.startedAt,
    prepare: submissionStart - lastGroupEnd.at,
    preSubmission: submissionStart - run.startedAt,
    uploadRequests: (uploadsAtSubmission ?? uploads()) - uploadsAtStart,
    uploadedObjects: run.lines.filter(l => /^uploaded: gs:\/\//.test(l.text)).length,
    batchId: required('batch-id'),
    codeUri: required('code-uri'),
    entrypointUri: required('entrypoint-uri'),
    noticedAt: Date.parse(terminal[1] as string),
    exitedAt: run.endedAt,
    state: terminal[2] as string,
    peakRss: rss * 1024,
    cpu: (user + system) * 1000,
    stackCpu: (stackUsage.user + stackUsage.system) / 1000
  }
}
