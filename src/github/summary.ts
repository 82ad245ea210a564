import * as core from '@actions/core'
import type { Outcome } from '../deploy/outcome.js'
import { givenInputs, type InputValues } from '../inputs/table.js'
import type { Plan } from '../plan/plan.js'
import { pipelineSection } from '../report/graph.js'
import { stateIcon } from '../report/icons.js'
import { kedroCommand, logsUrl, outcomeRows, planRows } from '../report/rows.js'

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

/** How many driver output lines the summary shows; the artifact has them all. */
const TAIL_LINES = 60
/** GitHub refuses a step summary over 1 MiB; the driver tail is what gives way. */
const SUMMARY_TAIL_BYTES = 64 * 1024

const table = (header: string, rows: [string, string][]) => [
  [
    { data: 'what', header: true },
    { data: header, header: true }
  ],
  ...rows.map(([label, value]) => [label, escapeHtml(value)])
]

export async function writeDryRunSummary(plan: Plan): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary
    .addHeading('🧪 Kedro on Dataproc — dry run', 3)
    .addRaw('Nothing was built, uploaded or submitted. This is the plan of the run.\n\n')
    .addTable(table('planned', planRows(plan)))
    .addDetails('CreateBatch request', preBlock(JSON.stringify(plan.batch.request, null, 2)))
    .write()
}

function links(outcome: Outcome): string {
  const { plan, batch } = outcome
  const links = [
    `<a href="${escapeHtml(plan.batch.consoleUrl)}">batch in the Cloud console</a>`,
    `<a href="${escapeHtml(logsUrl(plan))}">logs in Cloud Logging</a>`
  ]
  for (const [name, url] of Object.entries(batch?.runtimeInfo?.endpoints ?? {}))
    links.push(`<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>`)
  return links.join(' · ')
}

/** `values`: the inputs as given; those that differ from their defaults are listed. */
export async function writeRunSummary(outcome: Outcome, values: InputValues): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const { plan } = outcome
  const lines = outcome.driverOutput.slice(-TAIL_LINES)
  let tail = lines.join('\n')
  if (tail.length > SUMMARY_TAIL_BYTES) tail = tail.slice(-SUMMARY_TAIL_BYTES)
  const inputs = givenInputs(values).map(([name, value]) => `${name}: ${value}`)
  const summary = core.summary
    .addHeading(`${stateIcon(outcome.state)} Kedro on Dataproc — ${escapeHtml(outcome.state)}`, 3)
    .addRaw(
      `<p>${plan.env} run <code>${escapeHtml(plan.runId)}</code> of <code>${escapeHtml(plan.branch || plan.release || '')}</code></p>\n`
    )
  if (outcome.stateMessage)
    summary.addRaw(`<p><strong>${escapeHtml(outcome.stateMessage)}</strong></p>\n`)
  if (outcome.note) summary.addRaw(`<p>${escapeHtml(outcome.note)}</p>\n`)
  summary.addTable(table('value', outcomeRows(outcome)))
  const pipeline = pipelineSection(outcome.driverOutput)
  if (pipeline) summary.addRaw(`${pipeline}\n`)
  await summary
    .addRaw(`<p>${links(outcome)}</p>\n`)
    .addDetails(
      `Driver output (last ${lines.length} of ${outcome.driverOutput.length} lines)`,
      preBlock(tail)
    )
    .addDetails('kedro command', preBlock(kedroCommand(plan)))
    .addDetails('Inputs', preBlock(inputs.join('\n')))
    .write()
}
