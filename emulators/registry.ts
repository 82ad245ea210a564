import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  findExecutable,
  freePort,
  MissingPackageError,
  spawnLogged,
  stopChild,
  SYSTEM_DIRS,
  tailFile,
  waitUntilReady
} from './proc.js'
import { startTagFront } from './registry-tags.js'

/**
 * A real OCI registry (Debian `docker-registry`, the CNCF distribution 2.8 server) on loopback,
 * storing blobs under the state directory. Docker treats every 127.0.0.0/8 registry as insecure
 * (plain HTTP, no TLS), so `docker push 127.0.0.1:PORT/name:tag` works without daemon configuration.
 */
export interface Registry {
  /** `127.0.0.1:PORT`, the prefix of image references. */
  address: string
  close(): Promise<void>
}

export interface RegistryOptions {
  stateDir: string
  /** Fixed port; default a free one. */
  port?: number
  startTimeoutMs?: number
}

const HOST = '127.0.0.1'

export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  const binary = await findExecutable('docker-registry', SYSTEM_DIRS)
  if (!binary)
    throw new MissingPackageError('docker-registry', 'the OCI registry (docker-registry)')
  const dir = join(options.stateDir, 'registry')
  const logDir = join(options.stateDir, 'logs')
  await mkdir(join(dir, 'data'), { recursive: true })
  await mkdir(logDir, { recursive: true })
  const logFile = join(logDir, 'registry.log')
  const configFile = join(dir, 'config.yml')
  // REGISTRY_* variables override the config file; one left in the environment (say a
  // REGISTRY_HTTP_ADDR from another setup) must not move this registry off loopback.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('REGISTRY_'))
  )

  // A free port can be taken between choosing it and the registry binding it; then the registry
  // exits with "address already in use" and another port is tried.
  const attempts = 3
  for (let attempt = 1; ; attempt++) {
    // The registry listens on a port of its own; clients reach it through the front, which adds
    // tag deletion (see registry-tags.ts).
    const port = await freePort(HOST)
    // JSON strings are valid YAML scalars, so paths with any characters stay intact.
    const config = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: text',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${JSON.stringify(`${HOST}:${port}`)}`,
      ''
    ].join('\n')
    await writeFile(configFile, config)
    const child = spawnLogged(binary, ['serve', configFile], logFile, env)
    const url = `http://${HOST}:${port}`
    try {
      await waitUntilReady(
        'docker-registry',
        child,
        logFile,
        async () => {
          const response = await fetch(`${url}/v2/`)
          await response.arrayBuffer()
          return (
            response.status === 200 &&
            response.headers.get('docker-distribution-api-version') === 'registry/2.0'
          )
        },
        options.startTimeoutMs ?? 15000
      )
    } catch (error) {
      if (attempt < attempts && (await tailFile(logFile, 3)).includes('address already in use')) {
        continue
      }
      throw error
    }
    // A pid file lets operators and tests check that the registry is gone after the stack stops.
    const pidFile = join(options.stateDir, 'registry.pid')
    await writeFile(pidFile, `${child.pid ?? 0}\n`)
    const front = await startTagFront(HOST, options.port ?? 0, port, join(dir, 'data'))
    return {
      address: `${HOST}:${front.port}`,
      close: async () => {
        await front.close()
        await stopChild(child, 5000)
        await rm(pidFile, { force: true })
      }
    }
  }
}
