import type { IncomingMessage, ServerResponse } from 'node:http'
import { emulatorServer } from '../http.js'
import type { AddressInfo } from 'node:net'
import { FaultInjector, sleep } from '../faults.js'
import { methodOf, replyForError, runRoute, subRequestRunner } from './dispatch.js'
import { reasonFor } from './errors.js'
import { drain, dropAfterHalf, errorReply, sendReply } from './http.js'
import { matchRoute, type Backend } from './router.js'
import { Sessions } from './sessions.js'
import { Store } from './store.js'

export interface GcsEmulatorOptions {
  dataDir: string
  host?: string
  port?: number
  faults?: FaultInjector
}

export interface GcsEmulator {
  /** e.g. http://127.0.0.1:40123, without a trailing slash */
  url: string
  faults: FaultInjector
  close(): Promise<void>
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  backend: Backend,
  faults: FaultInjector,
  baseUrl: string
): Promise<void> {
  if (await faults.handleAdmin(req, res)) return
  const [path = '', search = ''] = (req.url ?? '').split('?', 2)
  const method = methodOf(req)
  const query = new URLSearchParams(search)
  const route = matchRoute(method, path, query, backend)
  if (!route) {
    await drain(req)
    await sendReply(res, errorReply(404, 'notFound', `Not Found: ${method} ${path}`))
    return
  }
  const fault = faults.take(route.name)
  if (fault?.delayMs) await sleep(fault.delayMs)
  if (fault?.drop) {
    await dropAfterHalf(req)
    return
  }
  if (fault?.status !== undefined && !fault.afterApply) {
    await drain(req)
    await sendReply(res, errorReply(fault.status, reasonFor(fault.status), 'Injected fault.'))
    return
  }
  let reply
  try {
    reply = await runRoute(route, { req, method, query, baseUrl }, fault)
  } catch (error) {
    // the client went away mid-request, and there is no one left to answer
    if (req.destroyed && !req.complete) return
    throw error
  }
  await drain(req)
  await sendReply(res, reply)
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)

/** Starts the GCS JSON API emulator, listening on loopback only. */
export async function startGcsEmulator(options: GcsEmulatorOptions): Promise<GcsEmulator> {
  const store = new Store(options.dataDir)
  const faults = options.faults ?? new FaultInjector()
  let baseUrl = ''
  const backend: Backend = {
    store,
    sessions: new Sessions(store.sessionDir),
    batchCall: () => Promise.reject(new Error('the batch runner is not set up yet'))
  }
  // batched calls go through the same routes, so their runner needs the backend it belongs to
  backend.batchCall = subRequestRunner(backend, faults, () => baseUrl)
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host)) throw new Error(`the GCS emulator listens on loopback only, not ${host}`)
  const server = emulatorServer((req, res) => {
    handle(req, res, backend, faults, baseUrl).catch(error => {
      if (res.headersSent) res.destroy()
      else void sendReply(res, replyForError(error))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    url: baseUrl,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}
