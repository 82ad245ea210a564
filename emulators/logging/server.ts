import type { IncomingMessage, ServerResponse } from 'node:http'
import { emulatorServer } from '../http.js'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { FaultInjector, sleep } from '../faults.js'
import { entryJson, type LogEntry, type LogEntryInput, type WriteDefaults } from './entry.js'
import {
  faultError,
  invalidJson,
  LIST_METHOD,
  LoggingError,
  WRITE_METHOD,
  type MethodInfo
} from './errors.js'
import { LogStore } from './store.js'

/**
 * The Cloud Logging v2 REST emulator: entries:write and entries:list as Google's clients call them
 * (gcloud logging read, google-gax's REST fallback, plain fetch), with fault injection on the
 * routes `logging.write` and `logging.list` and entries that can become visible late.
 */

export interface LoggingEmulatorOptions {
  /** Default 127.0.0.1; loopback only. */
  host?: string
  /** Default 0 = a free port. */
  port?: number
  faults?: FaultInjector
  /** How long after a write its entries stay invisible to entries:list; default 0. */
  visibilityDelayMs?: number
}

/** An entry for the in-process write; `visibilityDelayMs` overrides the emulator's for it. */
export type LoggingWriteEntry = LogEntryInput & { visibilityDelayMs?: number }

export interface LoggingEmulator {
  /** e.g. http://127.0.0.1:40123, without a trailing slash; gcloud wants `${url}/`. */
  url: string
  faults: FaultInjector
  close(): Promise<void>
  /**
   * Appends entries without HTTP (for the Dataproc emulator in the same process), with the same
   * rules as entries:write; returns them as stored (insertId and receiveTimestamp filled in).
   * Throws a LoggingError when one is invalid, and then stores none.
   */
  write(entries: LoggingWriteEntry[], defaults?: WriteDefaults): LogEntry[]
}

interface Route {
  fault: string
  method: MethodInfo
  run(body: unknown, numericEnums: boolean): object
}

// entries:write takes up to 10 MB per request
const MAX_BODY_BYTES = 10 * 1024 * 1024

function routes(store: LogStore): Record<string, Route> {
  return {
    '/v2/entries:write': {
      fault: 'logging.write',
      method: WRITE_METHOD,
      run: body => {
        store.writeRequest(body)
        return {}
      }
    },
    '/v2/entries:list': {
      fault: 'logging.list',
      method: LIST_METHOD,
      run: (body, numericEnums) => {
        const { entries, nextPageToken } = store.list(body)
        // proto3 JSON leaves out empty lists: no matches is `{}`
        return {
          ...(entries.length > 0 && { entries: entries.map(e => entryJson(e, numericEnums)) }),
          ...(nextPageToken && { nextPageToken })
        }
      }
    }
  }
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = Buffer.from(JSON.stringify(body, null, 2))
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': String(text.length)
  })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES)
      throw new LoggingError(413, 'Request payload size exceeds the limit: 10485760 bytes.')
    chunks.push(chunk as Buffer)
  }
  let body = Buffer.concat(chunks)
  if (/^\s*gzip\s*$/i.test(req.headers['content-encoding'] ?? '')) {
    try {
      body = gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES })
    } catch {
      throw invalidJson('The request body is not valid gzip, or too large.')
    }
  }
  const text = body.toString('utf8').trim()
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown)
  } catch (error) {
    throw invalidJson((error as Error).message)
  }
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  table: Record<string, Route>,
  faults: FaultInjector
): Promise<void> {
  if (await faults.handleAdmin(req, res)) return
  const url = new URL(req.url ?? '/', 'http://localhost')
  let path = url.pathname
  try {
    path = decodeURIComponent(path)
  } catch {
    // an undecodable path matches no route
  }
  const route = req.method === 'POST' ? table[path] : undefined
  if (!route) {
    req.resume()
    send(
      res,
      404,
      new LoggingError(
        404,
        `The requested URL ${url.pathname} was not found on this server.`
      ).body()
    )
    return
  }
  // google-gax's REST fallback asks for numeric enums with `$alt=json;enum-encoding=int`
  const alt = url.searchParams.get('$alt') ?? url.searchParams.get('alt') ?? ''
  const numericEnums = /enum-encoding=int/.test(alt)
  const hit = faults.take(route.fault)
  if (hit?.delayMs) await sleep(hit.delayMs)
  if (hit?.drop) {
    req.socket.destroy()
    return
  }
  const failure =
    hit?.status !== undefined ? faultError(hit.status, route.method, hit.message) : undefined
  if (failure && !hit?.afterApply) {
    req.resume()
    send(res, failure.httpStatus, failure.body())
    return
  }
  const answer = route.run(await readJson(req), numericEnums)
  // afterApply: the request took effect, but its answer is lost
  if (failure) send(res, failure.httpStatus, failure.body())
  else send(res, 200, answer)
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)

/** Starts the Cloud Logging v2 REST emulator, listening on loopback only. */
export async function startLoggingEmulator(
  options: LoggingEmulatorOptions = {}
): Promise<LoggingEmulator> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host))
    throw new Error(`the Logging emulator listens on loopback only, not ${host}`)
  const faults = options.faults ?? new FaultInjector()
  const store = new LogStore(options.visibilityDelayMs ?? 0)
  const table = routes(store)
  const server = emulatorServer((req, res) => {
    serve(req, res, table, faults).catch((error: unknown) => {
      const failure =
        error instanceof LoggingError ? error : new LoggingError(500, (error as Error).message)
      if (res.headersSent) res.destroy()
      else send(res, failure.httpStatus, failure.body())
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
    write: (entries, defaults = {}) => {
      const delays = entries.map(entry => entry.visibilityDelayMs)
      const bare = entries.map(({ visibilityDelayMs: _delay, ...entry }) => entry)
      return store.writeRequest({ ...defaults, entries: bare }, delays)
    }
  }
}
