/**
 * The pre-flight of the Kedro project: what would make the batch fail, or lose its output, found
 * before anything is built, uploaded or submitted, in seconds. Refusals end the run with a
 * PreflightError (an InputError); warnings let it go on. It says which checks ran, and why the
 * others could not.
 */
import { posix } from 'node:path'
import type { Config } from '../inputs/config.js'
import { InputError } from '../inputs/reader.js'
import { log } from '../lib/log.js'
import { runEnvironment, type Plan } from '../plan/plan.js'
import { listProjectFiles } from '../steps/code/list.js'
import { inspectProject, type Dataset, type Facts, type InspectRequest } from './inspect.js'
import { optionsOf, type KedroVersion } from './options.js'
import {
  hasGcsfs,
  imageRequirements,
  pysparkLines,
  type ImageRequirements
} from './requirements.js'

/** The pre-flight's refusals: input problems (status 2 from the command), worded as its own. */
export class PreflightError extends InputError {
  constructor(problems: string[]) {
    super(problems)
    const [first] = this.problems
    this.message =
      this.problems.length === 1
        ? `pre-flight refused the run: ${first ?? ''}`
        : `pre-flight refused the run (${this.problems.length} problems):\n${this.problems.map(p => `  - ${p}`).join('\n')}`
  }
}

export interface Findings {
  problems: string[]
  warnings: string[]
  ran: string[]
  skipped: string[]
}

/** The values of `kedro run`'s options that the checks need, by their long names. */
export function runRequest(args: string[], version: KedroVersion): InspectRequest {
  const known = optionsOf(version)
  const found: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const eq = arg.indexOf('=')
    const option = known.get(eq > 0 ? arg.slice(0, eq) : arg)
    if (!option?.takesValue) continue
    const value = eq > 0 ? arg.slice(eq + 1) : (args[++i] ?? '')
    found[option.names[0] as string] = value
  }
  return {
    env: found['--env'] ?? '',
    params: found['--params'] ?? '',
    pipelines: found['--pipelines'] ?? found['--pipeline'] ?? '',
    nodes: found['--nodes'] ?? '',
    tags: found['--tags'] ?? ''
  }
}

const isLocal = (path: string): boolean => !/^[a-z][a-z0-9+.-]*:\/\//i.test(path)
const isRelative = (path: string): boolean => isLocal(path) && !posix.isAbsolute(path)

function checkRequirements(image: ImageRequirements, datasets: Dataset[] | undefined, f: Findings) {
  if ('skipped' in image) {
    f.skipped.push(`gcsfs and pyspark in the image's requirements: ${image.skipped}`)
    return
  }
  f.ran.push(`the image's requirements (${image.files.join(', ')})`)
  for (const line of pysparkLines(image.requirements))
    f.warnings.push(
      `${line.file}: '${line.line}' puts pyspark into the image, and Dataproc mounts its own Spark: a custom image must not bundle it. Remove it (keep it in an extra for local runs)`
    )
  if (!datasets) return
  const remote = datasets.filter(d => d.path?.startsWith('gs://'))
  if (remote.length > 0 && !hasGcsfs(image.requirements))
    f.problems.push(
      `${image.files.join(', ')}: dataset${remote.length > 1 ? 's' : ''} ${remote.map(d => `'${d.name}'`).join(', ')} use gs:// paths, which need gcsfs, and the image's requirements do not name it; add gcsfs (or kedro-datasets[spark-gcs])`
    )
}

async function checkCodeInputs(directory: string, datasets: Dataset[], f: Findings) {
  const { names } = await listProjectFiles(directory)
  const shipped = new Set(names)
  const holds = (path: string): boolean =>
    shipped.has(path) || names.some(name => name.startsWith(`${path}/`))
  f.ran.push('inputs read from code.zip')
  for (const d of datasets.filter(d => d.role === 'read' && d.path && isRelative(d.path))) {
    const path = posix.normalize(d.path as string).replace(/\/+$/, '')
    if (holds(path)) continue
    f.problems.push(
      `dataset '${d.name}' reads ${path}, which code.zip will not hold (git ignores it, or it does not exist): commit it (git add -f ${path}), or read it from gs://`
    )
  }
}

function checkOutputs(datasets: Dataset[], f: Findings) {
  f.ran.push('outputs on local paths')
  for (const d of datasets.filter(d => d.role === 'write' && d.path && isLocal(d.path)))
    f.warnings.push(
      `dataset '${d.name}' writes to ${d.path}, a local path on the batch: the output is lost when the batch ends. Write it under the run output prefix (\${oc.env:KEDRO_DATAPROC_RUN_OUTPUT_URI}; kedro-dataproc init adds _output to the catalog)`
    )
}

function checkSelection(facts: Facts, request: InspectRequest, f: Findings) {
  const unknown = (given: string, defined: string[]): string[] =>
    given
      .split(',')
      .map(item => item.trim())
      .filter(item => item && !defined.includes(item))
  const refuse = (option: string, names: string[], kind: string, defined: string[]) => {
    if (names.length === 0) return
    const list = defined.filter(name => !name.startsWith('__')).join(', ') || '(none)'
    f.problems.push(
      `kedro-run-args: ${option} names ${names.map(n => `'${n}'`).join(', ')}, which the project does not define; its ${kind}: ${list}`
    )
  }
  f.ran.push('pipelines, nodes and tags')
  refuse('--pipelines', facts.unknownPipelines ?? [], 'pipelines', facts.pipelines ?? [])
  if (!facts.nodes) return
  refuse('--nodes', unknown(request.nodes, facts.nodes), 'nodes', facts.nodes)
  refuse('--tags', unknown(request.tags, facts.tags ?? []), 'tags', facts.tags ?? [])
}

function checkConfiguration(facts: Facts, f: Findings) {
  f.ran.push('configuration and resolvers')
  if (!facts.configError) return
  const resolver = /Unsupported interpolation type (\S+)/.exec(facts.configError)?.[1]
  f.problems.push(
    resolver
      ? `the configuration uses \${${resolver}:…}, a resolver that settings.py does not register: add "${resolver}" to CONFIG_LOADER_ARGS["custom_resolvers"] (kedro-dataproc init registers oc.env)`
      : `the configuration does not resolve as Kedro would on the batch: ${facts.configError}`
  )
}

// What Python needs to start; nothing else of the runner's environment (tokens, credentials)
// reaches the project's code, and the batch's own variables make it resolve as on the batch.
const PYTHON_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'VIRTUAL_ENV', 'PYENV_ROOT']

const pythonEnv = (plan: Plan): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    PYTHON_ENV.flatMap(name => (process.env[name] ? [[name, process.env[name]]] : []))
  ),
  ...runEnvironment(plan)
})

async function inspection(config: Config, plan: Plan, request: InspectRequest, trusted: boolean) {
  if (!trusted)
    return {
      skipped:
        "working-directory may hold a fork's code, which must not run on the runner beside the repository's secrets"
    }
  return inspectProject(config.workingDirectory, request, config.kedro.version, pythonEnv(plan))
}

/** Every check; pure but for reading the project and asking its Python (trusted code only). */
export async function preflightFindings(
  config: Config,
  plan: Plan,
  trustedCode: boolean
): Promise<Findings> {
  const f: Findings = { problems: [], warnings: [], ran: [], skipped: [] }
  const request = runRequest(config.kedroRunArgs, config.kedro.version)
  const [image, inspected] = await Promise.all([
    imageRequirements({
      directory: config.workingDirectory,
      dockerfile: config.image ? undefined : config.build.dockerfile,
      context: config.build.context,
      target: config.build.target,
      buildArgs: config.build.buildArgs
    }),
    inspection(config, plan, request, trustedCode)
  ])
  const facts = 'facts' in inspected ? inspected.facts : undefined
  checkRequirements(image, facts?.datasets, f)
  if (!facts) {
    f.skipped.push(
      `the catalog, resolvers, pipelines, nodes and tags: ${'skipped' in inspected ? inspected.skipped : ''}`
    )
    return f
  }
  checkConfiguration(facts, f)
  if (facts.pipelineError) {
    f.skipped.push(
      `pipelines, nodes, tags and datasets: registering the pipelines failed (${facts.pipelineError})`
    )
    return f
  }
  checkSelection(facts, request, f)
  if (facts.datasets) {
    if (plan.env === 'dev') await checkCodeInputs(config.workingDirectory, facts.datasets, f)
    else f.skipped.push('inputs read from code.zip: a prod release carries its code in the image')
    checkOutputs(facts.datasets, f)
  } else f.skipped.push('inputs and outputs: the catalog did not resolve')
  return f
}

/**
 * Runs the pre-flight (unless `preflight: false`), says what ran, warns, and refuses with one
 * PreflightError holding every problem. `trustedCode`: false when the project may be a fork's.
 */
export async function kedroPreflight(
  config: Config,
  plan: Plan,
  trustedCode = true
): Promise<void> {
  if (!config.preflight) {
    log.info('pre-flight: skipped (preflight: false)')
    return
  }
  if (!plan.behaviour.prepare) {
    log.info('pre-flight: skipped (a trigger runs the prepared release, not this checkout)')
    return
  }
  const started = Date.now()
  const f = await preflightFindings(config, plan, trustedCode)
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  log.info(`pre-flight (${seconds}s) ran: ${f.ran.join('; ') || 'nothing'}`)
  for (const why of f.skipped) log.info(`pre-flight could not check ${why}`)
  for (const warning of f.warnings) log.warning(warning)
  if (f.problems.length > 0) throw new PreflightError(f.problems)
}
