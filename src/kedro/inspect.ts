/**
 * Asks the runner's Python about the project (src/kedro/inspect-script.ts): the resolved catalog
 * entries of the datasets the run reads and writes, and the pipelines, nodes and tags defined.
 * Only when that Python has the project's Kedro; otherwise the reason it could not.
 */
import { execFile } from 'node:child_process'
import { formatVersion, type KedroVersion } from './options.js'
import { INSPECT_SCRIPT } from './inspect-script.js'

export interface Dataset {
  name: string
  role: 'read' | 'write'
  type: string
  /** `filepath` (or `path`) as resolved; undefined for a dataset without one. */
  path?: string
}

export interface Facts {
  kedro: string | null
  /** The configuration did not resolve: the exception, `Type: first line`. */
  configError: string | null
  pipelineError: string | null
  pipelines?: string[]
  unknownPipelines?: string[]
  /** Every node and tag of the chosen pipelines. */
  nodes?: string[]
  tags?: string[]
  datasets?: Dataset[]
}

/** What the script needs from `kedro run`'s arguments (comma-separated, as Kedro takes them). */
export interface InspectRequest {
  env: string
  params: string
  pipelines: string
  nodes: string
  tags: string
}

export type Inspection = { facts: Facts; python: string } | { skipped: string }

const MARKER = '@@kedro-dataproc@@'
// Importing Kedro and the project takes a second or two; a minute means something hangs.
const TIMEOUT_MS = 60_000

function runScript(
  python: string,
  cwd: string,
  request: InspectRequest,
  env: NodeJS.ProcessEnv
): Promise<{ facts?: Facts; error?: string }> {
  return new Promise(resolve => {
    execFile(
      python,
      ['-c', INSPECT_SCRIPT, JSON.stringify(request)],
      { cwd, env, timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        const line = stdout
          .split('\n')
          .reverse()
          .find(text => text.startsWith(MARKER))
        if (line) return resolve({ facts: JSON.parse(line.slice(MARKER.length)) as Facts })
        resolve({ error: error ? error.message.split('\n')[0] : 'it printed no answer' })
      }
    )
  })
}

/**
 * Tries `python3`, then `python`, from PATH: the first that runs the script answers. Its Kedro
 * must share the project's major version, or its answers would not be the batch's.
 */
export async function inspectProject(
  directory: string,
  request: InspectRequest,
  kedro: KedroVersion,
  env: NodeJS.ProcessEnv
): Promise<Inspection> {
  const childEnv = { ...env, KEDRO_DISABLE_TELEMETRY: '1', PYTHONDONTWRITEBYTECODE: '1' }
  let why = 'no python3 or python on PATH'
  for (const python of ['python3', 'python']) {
    const { facts, error } = await runScript(python, directory, request, childEnv)
    if (!facts) {
      why = `${python} could not run: ${error ?? ''}`
      continue
    }
    if (!facts.kedro) return { skipped: `the runner's ${python} has no Kedro` }
    const major = Number.parseInt(facts.kedro, 10)
    if (major !== kedro[0])
      return {
        skipped: `the runner's ${python} has Kedro ${facts.kedro}, the project Kedro ${formatVersion(kedro)}`
      }
    return { facts, python }
  }
  return { skipped: why }
}
