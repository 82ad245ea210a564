import { effectiveTtl, timeoutWarning } from '../dataproc/rules.js'
import { majorOf } from '../dataproc/runtimes.js'
import type { Config } from './config.js'

/** What is allowed but risky, said once as a warning before anything happens. */
export function warningsOf(config: Omit<Config, 'warnings'>, runtimeWarning?: string): string[] {
  const warnings: string[] = []
  const { image, runtimeVersion, serviceAccount, workloadAuthentication } = config
  if (image && !image.includes('@sha256:'))
    warnings.push(
      `image: '${image}' is a tag, which can move while batches use it; pin it by digest (NAME@sha256:…)`
    )
  if (runtimeWarning) warnings.push(runtimeWarning)
  if (majorOf(runtimeVersion) >= 3 && !serviceAccount && workloadAuthentication !== 'end-user')
    warnings.push(
      `service-account: not set, so on runtime ${runtimeVersion} the batch runs with the credentials of whoever submits it (this workflow's identity); set service-account, or workload-authentication: end-user to say this is intended`
    )
  const ttlRule = timeoutWarning(
    config.timeoutSeconds,
    effectiveTtl(runtimeVersion, config.ttlSeconds)
  )
  if (ttlRule) warnings.push(ttlRule)
  if (!config.wait && config.timeoutSeconds !== undefined)
    warnings.push('timeout: has no effect with wait: false; the step does not follow the batch')
  if (!config.cancelOnAbort)
    warnings.push('cancel-on-abort: false lets a batch run on after its workflow run is cancelled')
  if (config.allowForkCode)
    warnings.push(
      "allow-fork-code: true runs code from forks with this workflow's credentials on pull_request_target, workflow_run and issue_comment"
    )
  for (const file of config.allowSecretFiles)
    warnings.push(
      `allow-secret-files: ${file} ships even if it holds a private key, a login or local secrets`
    )
  if (config.force)
    warnings.push(
      `force: true replaces release ${config.release} if it was prepared from other content`
    )
  return warnings
}
