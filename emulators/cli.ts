import { parseArgs } from 'node:util'
import { endpoints, startStack, type DockerMode, type StackOptions } from './stack.js'

/**
 * `npm run -s stack`: starts the local stack, prints one line `READY {json}` on stdout and runs until
 * SIGINT, SIGTERM or SIGHUP. stdout carries nothing else, so a script can read the endpoints from it
 * (`npm run stack` without -s adds npm's own banner lines); everything else goes to stderr and to
 * the log files under the state directory.
 */

const USAGE = `usage: npm run -s stack -- [options]
  --state-dir DIR        keep state in DIR (kept on exit); default a temporary directory,
                         removed on exit (env STACK_STATE_DIR)
  --no-docker            do not start the Docker daemon and the registry (env STACK_DOCKER=off)
  --require-docker       fail unless both start (env STACK_DOCKER=required)
  --host HOST            address of the emulators (default 127.0.0.1)
  --storage-port N       GCS emulator port (default: a free port)
  --dataproc-port N      Dataproc gRPC port
  --dataproc-rest-port N Dataproc REST port
  --registry-port N      registry port
  --pending-ms N         how long a batch stays PENDING
  --bucket NAME          create this bucket in the GCS emulator (repeatable)
prints: READY {"storage":…,"dataproc":…,"dataprocRest":…,"logging":…,"registry":…|null,"dockerHost":…|null}`

function log(line: string): void {
  process.stderr.write(`stack: ${line}\n`)
}

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} needs a port number`)
  return n
}

type CliOptions = StackOptions & { buckets: string[] }

function parseOptions(argv: string[]): CliOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      'no-docker': { type: 'boolean' },
      'require-docker': { type: 'boolean' },
      host: { type: 'string' },
      'storage-port': { type: 'string' },
      'dataproc-port': { type: 'string' },
      'dataproc-rest-port': { type: 'string' },
      'registry-port': { type: 'string' },
      'pending-ms': { type: 'string' },
      bucket: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) return null
  if (values['no-docker'] && values['require-docker']) {
    throw new Error('--no-docker and --require-docker exclude each other')
  }
  const envMode = process.env.STACK_DOCKER
  if (envMode !== undefined && !['auto', 'required', 'off'].includes(envMode)) {
    throw new Error(`STACK_DOCKER must be auto, required or off, not ${envMode}`)
  }
  const docker: DockerMode = values['no-docker']
    ? 'off'
    : values['require-docker']
      ? 'required'
      : ((envMode as DockerMode | undefined) ?? 'auto')
  const pendingMs = values['pending-ms'] === undefined ? undefined : Number(values['pending-ms'])
  if (pendingMs !== undefined && !(pendingMs >= 0)) throw new Error('--pending-ms needs a number')
  return {
    stateDir: values['state-dir'] ?? (process.env.STACK_STATE_DIR || undefined),
    docker,
    host: values.host,
    storagePort: port(values['storage-port'], '--storage-port'),
    dataprocGrpcPort: port(values['dataproc-port'], '--dataproc-port'),
    dataprocRestPort: port(values['dataproc-rest-port'], '--dataproc-rest-port'),
    registryPort: port(values['registry-port'], '--registry-port'),
    pendingMs,
    buckets: values.bucket ?? []
  }
}

async function main(): Promise<number> {
  let options: CliOptions | null
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    log((error as Error).message)
    process.stderr.write(`${USAGE}\n`)
    return 2
  }
  if (!options) {
    process.stderr.write(`${USAGE}\n`)
    return 0
  }

  // Handlers stay installed for the whole run: a second signal (say a group signal that reaches
  // both tsx, which relays it, and this process) must not kill the stack halfway through stopping.
  let signal: NodeJS.Signals | undefined
  const stopRequested = new Promise<void>(resolve => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(name, () => {
        if (signal === undefined) log(`${name} received, stopping`)
        signal ??= name
        resolve()
      })
    }
  })

  let stack
  try {
    stack = await startStack(options)
  } catch (error) {
    log(`could not start: ${(error as Error).message}`)
    return 1
  }
  for (const bucket of options.buckets) {
    // The JSON API's own bucket insert, as gcloud would send it.
    const response = await fetch(`${stack.storage}/storage/v1/b?project=local-project`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: bucket })
    })
    if (!response.ok && response.status !== 409)
      log(`could not create bucket ${bucket}: ${response.status}`)
  }
  if (signal === undefined) {
    const temporary = options.stateDir === undefined ? ' (temporary, removed on exit)' : ''
    log(`state directory ${stack.stateDir}${temporary}`)
    if (stack.dockerUnavailable) log(`no Docker/registry: ${stack.dockerUnavailable}`)
    process.stdout.write(`READY ${JSON.stringify(endpoints(stack))}\n`)
  }
  await stopRequested
  try {
    await stack.stop()
  } catch (error) {
    log((error as Error).message)
    return 1
  }
  log('stopped')
  return 0
}

// An explicit exit: a client connection left open by a test must not keep a stopped stack alive.
process.exit(await main())
