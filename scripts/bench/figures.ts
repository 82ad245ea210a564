/**
 * The benchmark's rows: per repository, the action against the guide's flow and against the
 * emulator's own ingest; for the first repository also the image step and the end of a batch.
 */
import { basename } from 'node:path'
import type { ActionSample } from './action.js'
import { imageRows, type ImageBench } from './image.js'
import type { ReferenceSample } from './reference.js'
import type { RepoStats } from './repo.js'
import { bytes, median, seconds, type Row } from './report.js'
import type { BatchEnd } from './services.js'

export interface ReferenceIteration extends ReferenceSample {
  batch: BatchEnd
  codeZipBytes: number
  /** Untracked files gone from the working tree after the run (the guide's `checkout -`). */
  untrackedLost: number
}

export interface ActionIteration extends ActionSample {
  batch: BatchEnd
  /** Bytes of the submit objects whose generation changed during the run. */
  bytesUploaded: number
}

export interface Iteration {
  reference: ReferenceIteration
  action: ActionIteration
  rerun: ActionIteration
}

export interface RepoResult {
  name: string
  stats: RepoStats
  untracked: number
  iterations: Iteration[]
  /** The emulator ingesting as many bytes as the action uploaded, one upload each (ms). */
  ingest: number[]
  /** (u) The action's upload client sending the same bytes from memory, no zip (ms). */
  clientUpload: number[]
  /** CPUs of this machine: the action and the emulators share them. */
  cpus: number
  /** Peak memory the action must stay under on this repository, if any (bytes). */
  memoryLimit?: number
  /** The re-run's target to submission on this repository, if any (ms). */
  rerunLimit?: number
}

export interface Figures {
  rows: Row[]
  notes: string[]
  summary: Record<string, unknown>
}

export function ratio(numerator: number, denominator: number, digits = 2): string {
  return `${(numerator / denominator).toFixed(digits)}×`
}

const MiB = 1024 * 1024
const mib = (count: number): string => `${(count / MiB).toFixed(0)} MB`
const rate = (count: number, ms: number): string => `${(count / MiB / (ms / 1000)).toFixed(0)} MB/s`

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

export function repoFigures(result: RepoResult): Figures {
  const { iterations } = result
  const med = (pick: (it: Iteration) => number): number => median(iterations.map(pick))
  const a = {
    endToEnd: med(it => it.reference.endToEnd),
    prepare: med(it => it.reference.prepare),
    preSubmission: med(it => it.reference.preSubmission),
    latency: med(it => it.reference.exitedAt - it.reference.batch.stateTime)
  }
  const b = {
    endToEnd: med(it => it.action.endToEnd),
    prepare: med(it => it.action.prepare),
    preSubmission: med(it => it.action.preSubmission),
    latency: med(it => it.action.noticedAt - it.action.batch.stateTime),
    bytesUploaded: med(it => it.action.bytesUploaded),
    peakRss: Math.max(...iterations.map(it => it.action.peakRss))
  }
  const c = {
    preSubmission: med(it => it.rerun.preSubmission),
    prepare: med(it => it.rerun.prepare),
    peakRss: Math.max(...iterations.map(it => it.rerun.peakRss)),
    maxBytesUploaded: Math.max(...iterations.map(it => it.rerun.bytesUploaded)),
    maxUploadRequests: Math.max(...iterations.map(it => it.rerun.uploadRequests))
  }
  const ingest = median(result.ingest)
  const client = median(result.clientUpload)
  const floor = c.prepare + client
  // What zipping and uploading cost in CPU, the action's and the emulators', against what the
  // machine's cores can give between the checks' end and 1.5 × the ingest.
  const cpu = {
    action: med(it => it.action.cpu - it.rerun.cpu),
    stack: med(it => it.action.stackCpu - it.rerun.stackCpu),
    budget: result.cpus * (1.5 * ingest - c.prepare)
  }
  const perFile = (c.prepare * 1000) / result.stats.files
  const rows: Row[] = [
    {
      measure: '(b) vs (a) start to submission',
      figure: `action ${seconds(b.preSubmission)}`,
      against: `guide ${seconds(a.preSubmission)}`,
      ratio: ratio(a.preSubmission, b.preSubmission),
      target: '≥ 3× faster',
      met: a.preSubmission / b.preSubmission >= 3
    },
    {
      measure: '(b) prepare phase vs (i) emulator ingest',
      figure: `action ${seconds(b.prepare)}`,
      against: `ingest ${seconds(ingest)} (${mib(b.bytesUploaded)})`,
      ratio: ratio(b.prepare, ingest),
      target: '≤ 1.5×',
      met: b.prepare / ingest <= 1.5
    },
    {
      measure: '    least possible: (c) prepare + (u) upload client alone',
      figure: `floor ${seconds(floor)}`,
      against: `(c) ${seconds(c.prepare)} + (u) ${seconds(client)}`,
      ratio: ratio(floor, ingest),
      target: '',
      met: null
    },
    {
      measure: '    CPU of zip and upload: action + emulators',
      figure: `${seconds(cpu.action)} + ${seconds(cpu.stack)}`,
      against: `${result.cpus} CPUs in 1.5 × ingest − (c): ${seconds(cpu.budget)}`,
      ratio: cpu.budget > 0 ? ratio(cpu.action + cpu.stack, cpu.budget) : 'n/a',
      target: '',
      met: null
    },
    {
      measure: '    throughput, snapshot to stored object',
      figure: `action ${rate(b.bytesUploaded, b.prepare)}`,
      against: `ingest ${rate(b.bytesUploaded, ingest)}`,
      ratio: '',
      target: '',
      met: null
    },
    {
      measure: '(b) vs (a) prepare phase',
      figure: `action ${seconds(b.prepare)}`,
      against: `guide ${seconds(a.prepare)}`,
      ratio: ratio(a.prepare, b.prepare),
      target: '',
      met: null
    },
    {
      measure: '(b) vs (a) end to end (batch included)',
      figure: `action ${seconds(b.endToEnd)}`,
      against: `guide ${seconds(a.endToEnd)}`,
      ratio: ratio(a.endToEnd, b.endToEnd),
      target: '',
      met: null
    },
    {
      measure: '(c) re-run, nothing changed: to submission',
      figure: `re-run ${seconds(c.preSubmission)}`,
      against: `(b) ${seconds(b.preSubmission)}`,
      ratio: ratio(c.preSubmission, b.preSubmission),
      target: result.rerunLimit ? `≤ ${seconds(result.rerunLimit)}` : '',
      met: result.rerunLimit ? c.preSubmission <= result.rerunLimit : null
    },
    {
      measure: '    re-run prepare (listing, key, checks) per file',
      figure: `${perFile.toFixed(0)} µs`,
      against: `${seconds(c.prepare)} / ${result.stats.files} files`,
      ratio: '',
      target: '',
      met: null
    },
    {
      measure: '(c) re-run: bytes uploaded (worst run)',
      figure: `${bytes(c.maxBytesUploaded)}, ${c.maxUploadRequests} upload requests`,
      against: `(b) ${bytes(b.bytesUploaded)}`,
      ratio: '',
      target: '0 bytes',
      met: c.maxBytesUploaded === 0 && c.maxUploadRequests === 0
    },
    {
      measure: '(b) peak memory of the action (worst run)',
      figure: `first run ${mib(b.peakRss)}`,
      against: `re-run ${mib(c.peakRss)}`,
      ratio: '',
      target: result.memoryLimit ? `< ${mib(result.memoryLimit)}` : '',
      met: result.memoryLimit ? b.peakRss < result.memoryLimit : null
    }
  ]
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
    `(a) side effect: ${lost} of ${result.untracked} untracked files were gone from the working tree after the guide's flow`
  ]
  return {
    rows,
    notes,
    summary: { a, b, c, ingest, client, floor, cpu, perFileMicroseconds: perFile }
  }
}

/** The image step and the end of a batch, measured on the first repository. */
export function extraFigures(
  iterations: Iteration[],
  image: ImageBench | { unavailable: string },
  logging: ActionIteration[]
): Row[] {
  const med = (values: number[]): number => median(values)
  const rows: Row[] = imageRows(image)
  const actionLatency = med(iterations.map(it => it.action.noticedAt - it.action.batch.stateTime))
  const gcloudLatency = med(
    iterations.map(it => it.reference.exitedAt - it.reference.batch.stateTime)
  )
  rows.push({
    measure: '(e) end noticed after terminal stateTime',
    figure: `action ${seconds(actionLatency)}`,
    against: `gcloud ${seconds(gcloudLatency)}`,
    ratio: ratio(gcloudLatency, actionLatency, 1),
    target: '< 1 s',
    met: actionLatency < 1000
  })
  const endOfOutput = (samples: ActionIteration[]): number =>
    med(samples.map(sample => sample.exitedAt - sample.batch.stateTime))
  const gcsEnd = endOfOutput(iterations.map(it => it.action))
  const loggingEnd = endOfOutput(logging)
  rows.push({
    measure: '(f) end of output after the batch ends',
    figure: `3.0, Cloud Logging ${seconds(loggingEnd)}`,
    against: `2.x, GCS ${seconds(gcsEnd)}`,
    ratio: ratio(loggingEnd, gcsEnd, 1),
    target: 'all lines, in order',
    met: logging.every(sample => sample.state === 'SUCCEEDED')
  })
  return rows
}
