import * as core from '@actions/core'
import { gatherContext } from './context.js'
import { parseInputs } from './inputs.js'
import { buildPlan } from './plan.js'
import { printPlan, setPlanOutputs, writeDryRunSummary } from './report.js'

const PREFIX = 'kedro-dataproc-action'

export async function run(): Promise<void> {
  try {
    const config = parseInputs(name => core.getInput(name))
    const context = await gatherContext(config.workingDirectory)
    const plan = buildPlan(config, context)
    core.startGroup(`Plan: ${plan.env} run ${plan.runId} → batch ${plan.batch.id}`)
    printPlan(plan)
    core.endGroup()
    core.startGroup('CreateBatch request')
    core.info(JSON.stringify(plan.batch.request, null, 2))
    core.endGroup()
    setPlanOutputs(plan)
    if (config.dryRun) {
      await writeDryRunSummary(plan)
      core.info('dry-run: nothing was built, uploaded or submitted.')
      return
    }
    throw new Error('only dry-run is implemented so far; set dry-run: true')
  } catch (error) {
    core.setFailed(`${PREFIX}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
