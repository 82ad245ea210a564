import { costOf, formatUsd, maxCostText, priceBasis, usageOf } from '../dataproc/cost.js'
import { formatSeconds } from '../dataproc/rules.js'
import type { Outcome } from '../deploy/outcome.js'
import type { Plan } from '../plan/plan.js'
import { failedNodes, pipelineReport } from './pipeline.js'

/** Shows an argv the way a reader would type it, so a dry run reads like the command it plans. */
export function quoteForDisplay(args: string[]): string {
  return args
    .map(arg => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}

export const kedroCommand = (plan: Plan): string =>
  quoteForDisplay(['kedro', 'run', ...plan.kedroRunArgs])

function ttlRow(ttl: Plan['ttl']): string {
  if (ttl.seconds === undefined) return 'none (runtimes before 2.1 run until they end)'
  const length = formatSeconds(ttl.seconds)
  return ttl.source === 'ttl'
    ? length
    : `${length}: Dataproc's default from runtime 2.1; the batch ends after ${length} unless ttl is set`
}

function imageRow(image: Plan['image']): string {
  if (image.prebuilt) return `${image.reference} (prebuilt)`
  return image.digest ? image.reference : `${image.reference} (pinned by digest once built)`
}

/** The plan as label and value rows, for the log, the dry-run summary and the command. */
export function planRows(plan: Plan): [string, string][] {
  return [
    ['environment', plan.release ? `${plan.env} (release ${plan.release})` : plan.env],
    ['branch', plan.branch ? `${plan.branch} → ${plan.branchSlug}` : '(none)'],
    ['commit', plan.commit || '(unknown)'],
    ['run id', plan.runId],
    ['image', imageRow(plan.image)],
    ['entrypoint', plan.storage.entrypointUri],
    ['code', plan.storage.codeUri],
    ['run output', plan.storage.runOutputUri],
    ['batch id', plan.batch.id],
    ['request id', plan.batch.request.requestId],
    ['kedro command', kedroCommand(plan)],
    ['checked for', `Kedro ${plan.kedro.version} (${plan.kedro.reason})`],
    ['ttl', ttlRow(plan.ttl)],
    ...costRows(plan),
    ['console', plan.batch.consoleUrl]
  ]
}

function costRows(plan: Plan): [string, string][] {
  const properties = plan.batch.request.batch.runtimeConfig.properties
  const rows: [string, string][] = [
    ['most it can cost', maxCostText(properties, plan.ttl.seconds, plan.cost.prices)]
  ]
  if (plan.cost.maxDcuHours !== undefined)
    rows.push(['spending guard', `cancelled past ${plan.cost.maxDcuHours} DCU-hours`])
  return rows
}

/** Aligned `label  value` lines. */
export function formatRows(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`)
}

export function logsUrl(plan: Plan): string {
  const query = encodeURIComponent(
    `resource.type="cloud_dataproc_batch"\nresource.labels.batch_id="${plan.batch.id}"`
  )
  return `https://console.cloud.google.com/logs/query;query=${query}?project=${plan.projectId}`
}

export function usageText(batch: Outcome['batch']): string | undefined {
  const usage = usageOf(batch)
  if (!usage) return undefined
  return `${usage.dcuHours.toFixed(3)} DCU-hours, ${usage.shuffleGbHours.toFixed(3)} GB-hours shuffle storage`
}

/** The batch's estimated price in USD, from the usage Dataproc reported; undefined without one. */
export function costUsd(outcome: Outcome): number | undefined {
  const usage = usageOf(outcome.batch)
  return usage && costOf(usage, outcome.plan.cost.prices)
}

/** What the outcome shows a reader first: the batch, its state, what it ran and where it wrote. */
export function outcomeRows(outcome: Outcome): [string, string][] {
  const { plan, batch } = outcome
  const rows: [string, string][] = [
    ['batch id', plan.batch.id],
    ['state', outcome.state],
    ['duration', outcome.durationSeconds !== undefined ? `${outcome.durationSeconds}s` : '—'],
    [
      'runtime version',
      batch?.runtimeConfig?.version ?? plan.batch.request.batch.runtimeConfig.version
    ],
    ['image', plan.image.reference],
    ['code', plan.storage.codeUri],
    ['run output', plan.storage.runOutputUri]
  ]
  const usage = usageText(batch)
  if (usage) rows.push(['approximate usage', usage])
  const cost = costUsd(outcome)
  if (cost !== undefined)
    rows.push(['estimated cost', `${formatUsd(cost)} (${priceBasis(plan.cost.prices)})`])
  for (const node of failedNodes(pipelineReport(outcome.driverOutput))) {
    const place = node.file ? ` (raised at ${node.file}:${node.line} in the project)` : ''
    rows.push(['failed node', `${node.name}: ${node.error ?? 'see the driver output'}${place}`])
  }
  return rows
}
