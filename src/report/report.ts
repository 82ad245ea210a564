import { formatSeconds } from '../dataproc/rules.js'
import * as core from '@actions/core'
import type { Config } from '../inputs/inputs.js'
import type { Plan } from '../plan/plan.js'
import type { Batch } from '../steps/batch/submit.js'
import { stateIcon } from './icons.js'

/** Shows an argv the way a reader would type it, so a dry run reads like the command it plans. */
export function quoteForDisplay(args: string[]): string {
  return args
    .map(arg => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}

export function planRows(plan: Plan): [string, string][] {
  const rows: [string, string][] = [
    ['environment', plan.release ? `${plan.env} (release ${plan.release})` : plan.env],
    ['branch', plan.branch ? `${plan.branch} → ${plan.branchSlug}` : '(none)'],
    ['commit', plan.commit || '(unknown)'],
    ['run id', plan.runId],
    ['image', plan.image.prebuilt ? `${plan.image.reference} (prebuilt)` : plan.image.reference],
    ['entrypoint', plan.storage.entrypointUri],
    ['code', plan.storage.codeUri],
    ['run output', plan.storage.runOutputUri],
    ['batch id', plan.batch.id],
    ['request id', plan.batch.request.requestId],
    ['kedro command', quoteForDisplay(['kedro', 'run', ...plan.kedroRunArgs])],
    ['checked for', `Kedro ${plan.kedro.version} (${plan.kedro.reason})`],
    ['ttl', ttlRow(plan.ttl)],
    ['console', plan.batch.consoleUrl]
  ]
  return rows
}

function ttlRow(ttl: Plan['ttl']): string {
  if (ttl.seconds === undefined) return 'none (runtimes before 2.1 run until they end)'
  const length = formatSeconds(ttl.seconds)
  return ttl.source === 'ttl'
    ? length
    : `${length}: Dataproc's default from runtime 2.1; the batch ends after ${length} unless ttl is set`
}

export function printPlan(plan: Plan): void {
  const width = Math.max(...planRows(plan).map(([label]) => label.length))
  for (const [label, value] of planRows(plan)) core.info(`${label.padEnd(width)}  ${value}`)
}

export function setPlanOutputs(plan: Plan): void {
  core.setOutput('batch-id', plan.batch.id)
  core.setOutput('batch-name', plan.batch.name)
  core.setOutput('batch-url', plan.batch.consoleUrl)
  core.setOutput('image', plan.image.reference)
  core.setOutput('code-uri', plan.storage.codeUri)
  core.setOutput('entrypoint-uri', plan.storage.entrypointUri)
  core.setOutput('run-output-uri', plan.storage.runOutputUri)
  core.setOutput('run-id', plan.runId)
  core.setOutput('plan', JSON.stringify(plan))
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;'
}

/** Summary tables are HTML: branch names and run arguments are user text and must not become markup. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"]/g, ch => HTML_ESCAPES[ch] as string)

/**
 * Preformatted text inside the summary's HTML. GitHub ends an HTML block at a blank line and
 * renders the rest as Markdown, so blank lines are kept non-blank.
 */
export const preBlock = (text: string): string =>
  `<pre>${escapeHtml(text).replace(/^[ \t]*$/gm, '&nbsp;')}</pre>`

export async function writeDryRunSummary(plan: Plan): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary
    .addHeading('🧪 Kedro on Dataproc — dry run', 3)
    .addRaw('Nothing was built, uploaded or submitted. This is the plan of the run.\n\n')
    .addTable([
      [
        { data: 'what', header: true },
        { data: 'planned', header: true }
      ],
      ...planRows(plan).map(([label, value]) => [label, escapeHtml(value)])
    ])
    .addDetails('CreateBatch request', preBlock(JSON.stringify(plan.batch.request, null, 2)))
    .write()
}

export interface RunReport {
  plan: Plan
  batch?: Batch
  state: string
  stateMessage: string
  image: string
  imageDigest?: string
  durationSeconds?: number
  /** The driver output as it was streamed, line by line. */
  driverOutput: string[]
  note?: string
}

type Timestamp =
  | { seconds?: number | string | { toString(): string } | null; nanos?: number | null }
  | null
  | undefined

export function toSeconds(time: Timestamp): number | undefined {
  if (!time?.seconds) return undefined
  return Number(String(time.seconds)) + (time.nanos ?? 0) / 1e9
}

/** From creation to the last state change: what the batch cost in wall time. */
export function batchDuration(batch: Batch): number | undefined {
  const start = toSeconds(batch.createTime)
  const end = toSeconds(batch.stateTime)
  return start !== undefined && end !== undefined ? Math.max(0, Math.round(end - start)) : undefined
}

export function logsUrl(plan: Plan): string {
  const query = encodeURIComponent(
    `resource.type="cloud_dataproc_batch"\nresource.labels.batch_id="${plan.batch.id}"`
  )
  return `https://console.cloud.google.com/logs/query;query=${query}?project=${plan.projectId}`
}

function usageText(batch: Batch | undefined): string | undefined {
  const usage = batch?.runtimeInfo?.approximateUsage
  if (!usage) return undefined
  const dcuHours = Number(String(usage.milliDcuSeconds ?? 0)) / 1000 / 3600
  const shuffleGbHours = Number(String(usage.shuffleStorageGbSeconds ?? 0)) / 3600
  return `${dcuHours.toFixed(3)} DCU-hours, ${shuffleGbHours.toFixed(3)} GB-hours shuffle storage`
}

export function setResultOutputs(report: RunReport): void {
  core.setOutput('state', report.state)
  core.setOutput('state-message', report.stateMessage)
  core.setOutput('image', report.image)
  core.setOutput('image-digest', report.imageDigest ?? '')
  core.setOutput('driver-output-uri', report.batch?.runtimeInfo?.outputUri ?? '')
  core.setOutput(
    'duration-seconds',
    report.durationSeconds !== undefined ? String(report.durationSeconds) : ''
  )
}

/** How many driver output lines the summary shows; the artifact has them all. */
const TAIL_LINES = 60
/** GitHub refuses a step summary over 1 MiB; the driver tail is what gives way. */
const SUMMARY_TAIL_BYTES = 64 * 1024

/**
 * The inputs that shaped the run, for the summary: everything but the token, with empty values
 * left out so the list stays readable.
 */
export function inputRows(config: Config): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['env', config.env],
    ['release', config.release],
    ['run-id', config.runId],
    ['kedro-run-args', config.kedroRunArgsText],
    ['project-id', config.projectId],
    ['region', config.region],
    ['run-submit-bucket', config.runSubmitBucket],
    ['run-output-bucket', config.runOutputBucket],
    ['service-account', config.serviceAccount],
    ['runtime-version', config.runtimeVersion],
    ['image', config.image],
    ['target', config.target],
    ['build-args', Object.keys(config.buildArgs).join(', ') || undefined],
    [
      'spark-properties',
      Object.entries(config.sparkProperties)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')
    ],
    [
      'labels',
      Object.entries(config.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')
    ],
    ['ttl', config.ttlSeconds !== undefined ? `${config.ttlSeconds}s` : undefined],
    ['timeout', config.timeoutSeconds !== undefined ? `${config.timeoutSeconds}s` : undefined],
    ['wait', String(config.wait)]
  ]
  return rows.filter((row): row is [string, string] => Boolean(row[1]))
}

export async function writeRunSummary(
  report: RunReport,
  inputs: [string, string][] = []
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const { plan, batch } = report
  const icon = stateIcon(report.state)
  const rows: [string, string][] = [
    ['batch id', plan.batch.id],
    ['state', report.state],
    ['duration', report.durationSeconds !== undefined ? `${report.durationSeconds}s` : '—'],
    [
      'runtime version',
      batch?.runtimeConfig?.version ?? plan.batch.request.batch.runtimeConfig.version
    ],
    ['image', report.image],
    ['code', plan.storage.codeUri],
    ['run output', plan.storage.runOutputUri]
  ]
  const usage = usageText(batch)
  if (usage) rows.push(['approximate usage', usage])
  const links = [
    `<a href="${escapeHtml(plan.batch.consoleUrl)}">batch in the Cloud console</a>`,
    `<a href="${escapeHtml(logsUrl(plan))}">logs in Cloud Logging</a>`
  ]
  for (const [name, url] of Object.entries(batch?.runtimeInfo?.endpoints ?? {})) {
    links.push(`<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>`)
  }
  const lines = report.driverOutput.slice(-TAIL_LINES)
  let tail = lines.join('\n')
  if (tail.length > SUMMARY_TAIL_BYTES) tail = tail.slice(-SUMMARY_TAIL_BYTES)
  const summary = core.summary
    .addHeading(`${icon} Kedro on Dataproc — ${escapeHtml(report.state)}`, 3)
    .addRaw(
      `<p>${plan.env} run <code>${escapeHtml(plan.runId)}</code> of <code>${escapeHtml(plan.branch || plan.release || '')}</code></p>\n`
    )
  if (report.stateMessage)
    summary.addRaw(`<p><strong>${escapeHtml(report.stateMessage)}</strong></p>\n`)
  if (report.note) summary.addRaw(`<p>${escapeHtml(report.note)}</p>\n`)
  await summary
    .addTable([
      [
        { data: 'what', header: true },
        { data: 'value', header: true }
      ],
      ...rows.map(([k, v]) => [k, escapeHtml(v)])
    ])
    .addRaw(`<p>${links.join(' · ')}</p>\n`)
    .addDetails(
      `Driver output (last ${lines.length} of ${report.driverOutput.length} lines)`,
      preBlock(tail)
    )
    .addDetails('kedro command', preBlock(quoteForDisplay(['kedro', 'run', ...plan.kedroRunArgs])))
    .addDetails('Inputs', preBlock(inputs.map(([name, value]) => `${name}: ${value}`).join('\n')))
    .write()
}
