/**
 * Secrets that arrive in inputs: the values of keys that look secret in key=value inputs
 * (`spark-properties`, `build-args`), every `build-secrets` value, and the user and password of a
 * URL (`https://user:pass@host/…`) anywhere. The batch and the build get them as given; what a
 * person reads (the log, the plan, the summary, the PR comment, the `plan` output, the artifact)
 * gets `***` instead, and the front end masks each value in the log as well.
 */
import type { Outcome } from '../deploy/outcome.js'
import { INPUT_NAMES, type InputName, type InputValues } from '../inputs/table.js'
import type { Plan } from '../plan/plan.js'
import { log } from '../lib/log.js'

export const REDACTED = '***'

/** A key whose value is taken for a secret, case-insensitively. */
const SECRET_KEY = /PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL/i
/** The user and password of a URL: `scheme://user:pass@` or `scheme://token@`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]+)@/gi
/** A `key=value` item inside one argument, as Kedro's `--params` takes them; a secret key's. */
const SECRET_PARAM = /([\w.-]*(?:PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL)[\w.-]*)=([^,\s]*)/gi
/** The inputs of `key=value` lines, where a key can make its value secret. */
const PAIR_INPUTS: InputName[] = ['spark-properties', 'build-args']

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key)

/** `text` with every URL's user and password replaced. */
export function redactUrls(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string) => `${scheme}${REDACTED}@`)
}

/**
 * The secret parts of the URLs in `text`: the password, or the user when there is none; as
 * written and percent-decoded, since either may be printed.
 */
function urlSecrets(text: string): string[] {
  return [...text.matchAll(USERINFO)].flatMap(match => {
    const userinfo = match[2] as string
    const colon = userinfo.indexOf(':')
    const secret = colon >= 0 ? userinfo.slice(colon + 1) : userinfo
    return [secret, decodeURIComponentSafe(secret)]
  })
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** A `kedro run` argument with secret keys' values in `--params` and URLs redacted. */
const redactArg = (arg: string): string =>
  redactUrls(arg).replace(SECRET_PARAM, (_match, key: string) => `${key}=${REDACTED}`)

function redactRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      key,
      isSecretKey(key) ? REDACTED : redactUrls(value)
    ])
  )
}

/** Every string in a JSON-like value with its URLs redacted. */
function redactStrings<T>(value: T): T {
  if (typeof value === 'string') return redactUrls(value) as T
  if (Array.isArray(value)) return value.map(item => redactStrings(item) as unknown) as T
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStrings(item as unknown)])
    ) as T
  }
  return value
}

/** The plan as a person may read it. */
export function redactPlan(plan: Plan): Plan {
  const shown = redactStrings(plan)
  const runtime = shown.batch.request.batch.runtimeConfig
  if (runtime.properties) runtime.properties = redactRecord(runtime.properties)
  shown.kedroRunArgs = shown.kedroRunArgs.map(redactArg)
  const pyspark = shown.batch.request.batch.pysparkBatch
  pyspark.args = pyspark.args.map(redactArg)
  if (shown.build) {
    shown.build.buildArgs = redactRecord(shown.build.buildArgs)
    shown.build.secrets = Object.fromEntries(
      Object.keys(shown.build.secrets).map(id => [id, REDACTED])
    )
  }
  return shown
}

/**
 * The values `redactPlan` hides, to mask in the log and scrub from free text; the longest first.
 * A short value or a boolean (`spark.x.key.enabled=true`) would hide every such word, so it is
 * only redacted where the plan is shown.
 */
export function planSecrets(plan: Plan): string[] {
  const found = new Set<string>()
  const pairs = (record: Record<string, string> | undefined): void => {
    for (const [key, value] of Object.entries(record ?? {})) if (isSecretKey(key)) found.add(value)
  }
  pairs(plan.batch.request.batch.runtimeConfig.properties)
  pairs(plan.build?.buildArgs)
  for (const value of Object.values(plan.build?.secrets ?? {})) found.add(value)
  for (const arg of plan.kedroRunArgs) {
    for (const match of arg.matchAll(SECRET_PARAM)) found.add(match[2] as string)
  }
  for (const secret of urlSecrets(JSON.stringify(plan))) found.add(secret)
  return [...found]
    .filter(value => value.length >= 4 && !/^(true|false)$/i.test(value))
    .sort((a, b) => b.length - a.length)
}

/** Masks the plan's secrets in the log (the runner's add-mask, the terminal's scrubbing). */
export function maskPlanSecrets(plan: Plan): void {
  for (const secret of planSecrets(plan)) log.secret(secret)
}

/** `text` with each of `secrets` replaced, for text that no mask reaches (the artifact). */
export function scrub(text: string, secrets: string[]): string {
  let out = redactUrls(text)
  for (const secret of secrets) out = out.split(secret).join(REDACTED)
  return out
}

/**
 * The outcome as a person may read it: the plan redacted, and the plan's secrets scrubbed from
 * the batch record (Dataproc returns the properties) and the driver output.
 */
export function redactOutcome(outcome: Outcome): Outcome {
  const secrets = planSecrets(outcome.plan)
  const batch = outcome.batch
    ? (JSON.parse(scrub(JSON.stringify(outcome.batch), secrets)) as Outcome['batch'])
    : outcome.batch
  return {
    ...outcome,
    plan: redactPlan(outcome.plan),
    batch,
    driverOutput: outcome.driverOutput.map(line => scrub(line, secrets)),
    stateMessage: scrub(outcome.stateMessage, secrets)
  }
}

/** The inputs as a person may read them: secret keys' values in key=value inputs, and URLs. */
export function redactInputs(values: InputValues): InputValues {
  const shown = Object.fromEntries(
    INPUT_NAMES.map(name => [name, redactUrls(values[name])])
  ) as Record<InputName, string>
  shown['kedro-run-args'] = redactArg(shown['kedro-run-args'])
  for (const name of PAIR_INPUTS) {
    shown[name] = shown[name]
      .split('\n')
      .map(line =>
        line.replace(
          /^(\s*)([^=#\s][^=]*?)(\s*=\s*).*$/,
          (whole, lead: string, key: string, eq: string) =>
            isSecretKey(key) ? `${lead}${key}${eq}${REDACTED}` : whole
        )
      )
      .join('\n')
  }
  return shown
}
