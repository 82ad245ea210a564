import * as core from '@actions/core'
import type { Plan } from './plan.js'

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
    ['console', plan.batch.consoleUrl]
  ]
  return rows
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
    .addDetails(
      'CreateBatch request',
      `<pre>${escapeHtml(JSON.stringify(plan.batch.request, null, 2))}</pre>`
    )
    .write()
}
