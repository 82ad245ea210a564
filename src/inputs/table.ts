/**
 * Every input of the action, keyed by its `action.yml` name: the one list that parsing, defaults,
 * the summary and the configuration key read (__tests__/unit/input-table.test.ts holds it to
 * action.yml).
 *
 * - `shapes`: changes what the batch is or where it writes. These make the configuration key, so
 *   two legs of a matrix that differ in any of them never share folders or a batch.
 * - `behaviour`: changes how the run goes (waiting, preparing, endpoints), not what it submits, so
 *   a dry run plans exactly what the real run does.
 * - `report`: read only by the GitHub front end (comment, artifact, token).
 */
import { DEFAULT_RUNTIME } from '../dataproc/runtimes.js'

export type InputRole = 'shapes' | 'behaviour' | 'report'

export interface InputSpec {
  role: InputRole
  /** What an empty value means; the runner passes action.yml's default, other front ends this. */
  default: string
  /** Never printed. */
  secret?: true
}

const shapes = (value = ''): InputSpec => ({ role: 'shapes', default: value })
const behaviour = (value = ''): InputSpec => ({ role: 'behaviour', default: value })

export const INPUTS = {
  env: shapes('dev'),
  release: shapes(),
  'run-id': shapes(),
  'kedro-run-args': shapes(),
  'project-id': shapes(),
  region: shapes(),
  'run-submit-bucket': shapes(),
  'run-output-bucket': shapes(),
  'service-account': shapes(),
  'workload-authentication': shapes(),
  'runtime-version': shapes(DEFAULT_RUNTIME),
  'artifact-registry': shapes(),
  'artifact-repository': shapes(),
  'image-name': shapes('dataproc-serverless'),
  'image-tag': shapes(),
  image: shapes(),
  dockerfile: shapes('deployment/dataproc/serverless/Dockerfile'),
  'build-context': shapes('.'),
  'build-args': shapes(),
  // Secrets change no file the batch reads, and their values must not make the configuration key.
  'build-secrets': { role: 'behaviour', default: '', secret: true },
  target: shapes(),
  'build-network': behaviour(),
  entrypoint: shapes(),
  prepare: behaviour('true'),
  submit: behaviour('true'),
  force: behaviour('false'),
  'main-python-file': shapes(),
  'spark-properties': shapes(),
  labels: shapes(),
  subnetwork: shapes(),
  'network-tags': shapes(),
  'kms-key': shapes(),
  ttl: shapes(),
  'staging-bucket': shapes(),
  'metastore-service': shapes(),
  'history-server-cluster': shapes(),
  'working-directory': shapes('.'),
  wait: behaviour('true'),
  timeout: behaviour(),
  'max-dcu-hours': behaviour(),
  'dcu-price': behaviour(),
  'shuffle-price': behaviour(),
  cleanup: behaviour('false'),
  'delete-outputs': behaviour('false'),
  'delete-batches': behaviour('false'),
  'keep-runs': behaviour(),
  'cancel-on-abort': behaviour('true'),
  'on-missing-credentials': behaviour('fail'),
  'allow-fork-code': behaviour('false'),
  'allow-secret-files': behaviour(),
  'github-token': { role: 'report', default: '${{ github.token }}', secret: true },
  'pr-comment': { role: 'report', default: 'auto' },
  'upload-artifacts': { role: 'report', default: 'true' },
  'dataproc-endpoint': behaviour(),
  'storage-endpoint': behaviour(),
  'logging-endpoint': behaviour(),
  'dry-run': behaviour('false'),
  preflight: behaviour('true')
} as const satisfies Record<string, InputSpec>

export type InputName = keyof typeof INPUTS

export const INPUT_NAMES = Object.keys(INPUTS) as InputName[]

/** The inputs as given, trimmed; '' where a value was not given. */
export type InputValues = Readonly<Record<InputName, string>>

/** Reads one input as a front end has it: '' when unset. */
export type InputSource = (name: InputName) => string

export function readValues(get: InputSource): InputValues {
  return Object.fromEntries(INPUT_NAMES.map(name => [name, get(name).trim()])) as Record<
    InputName,
    string
  >
}

/** The value in effect: the given one, else the table's default. */
export const valueOf = (values: InputValues, name: InputName): string =>
  values[name] || INPUTS[name].default

/** The inputs given with a value other than their default, for the summary; never a secret. */
export function givenInputs(values: InputValues): [InputName, string][] {
  return INPUT_NAMES.filter(
    name =>
      !('secret' in INPUTS[name]) && values[name] !== '' && values[name] !== INPUTS[name].default
  ).map(name => [name, values[name]])
}
