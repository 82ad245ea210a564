import type { IncomingMessage, ServerResponse } from 'node:http'
import { emulatorServer } from '../http.js'
import type { AddressInfo } from 'node:net'
import type { JSONValue } from 'proto3-json-serializer'
import type { FaultInjector } from '../faults.js'
import { ApiError, httpError, invalidArgument } from './errors.js'
import { handle } from './handle.js'
import {
  encode,
  fromJson,
  toJson,
  TYPE_BATCH,
  TYPE_LIST_BATCHES,
  TYPE_LIST_OPERATIONS,
  TYPE_OPERATION,
  typeUrl
} from './protos.js'
import type { Store } from './store.js'
import type { Batch, PackAny } from './types.js'

/**
 * The REST face of the store (the HTTP rules of batches.proto and the Dataproc operations
 * bindings), answering in the proto3 JSON mapping; numeric enums when the client asks with
 * `$alt=json;enum-encoding=int`, as google-gax's REST fallback does.
 */

// The JSON schema root names google.protobuf.Any's first field `type_url` (see protos.ts).
const packAny: PackAny = (typeName, object) => ({
  type_url: typeUrl(typeName),
  value: encode(typeName, object)
})

const PARENT = '(projects/[^/]+/locations/[^/]+)'
const OPERATIONS = '(projects/[^/]+/(?:regions|locations)/[^/]+/operations)'

interface Route {
  method: string
  pattern: RegExp
  faultRoute: string
  run(
    match: string[],
    query: URLSearchParams,
    body: () => JSONValue
  ): { type?: string; value: object }
}

function routes(store: Store): Route[] {
  return [
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/${PARENT}/batches$`),
      faultRoute: 'dataproc.CreateBatch',
      run: ([parent], query, body) => {
        const batch = parseBatch(body())
        const name = store.createBatch({
          parent,
          batch,
          batchId: query.get('batchId') ?? undefined,
          requestId: query.get('requestId') ?? undefined
        })
        return { type: TYPE_OPERATION, value: store.getOperation(name, packAny) }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/${PARENT}/batches$`),
      faultRoute: 'dataproc.ListBatches',
      run: ([parent], query) => ({
        type: TYPE_LIST_BATCHES,
        value: store.listBatches({
          parent,
          pageSize: Number(query.get('pageSize') ?? 0),
          pageToken: query.get('pageToken') ?? undefined,
          filter: query.get('filter') ?? undefined,
          orderBy: query.get('orderBy') ?? undefined
        })
      })
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/(${PARENT}/batches/[^/]+)$`),
      faultRoute: 'dataproc.GetBatch',
      run: ([name]) => ({ type: TYPE_BATCH, value: store.getBatch(name ?? '') })
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/(${PARENT}/batches/[^/]+)$`),
      faultRoute: 'dataproc.DeleteBatch',
      run: ([name]) => {
        store.deleteBatch(name ?? '')
        return { value: {} }
      }
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/(${OPERATIONS}/[^/]+):cancel$`),
      faultRoute: 'dataproc.CancelOperation',
      run: ([name]) => {
        store.cancelOperation(name ?? '')
        return { value: {} }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/(${OPERATIONS}/[^/:]+)$`),
      faultRoute: 'dataproc.GetOperation',
      run: ([name]) => ({ type: TYPE_OPERATION, value: store.getOperation(name ?? '', packAny) })
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/(${OPERATIONS}/[^/:]+)$`),
      faultRoute: 'dataproc.DeleteOperation',
      run: ([name]) => {
        store.deleteOperation(name ?? '')
        return { value: {} }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/${OPERATIONS}$`),
      faultRoute: 'dataproc.ListOperations',
      run: ([name], query) => ({
        type: TYPE_LIST_OPERATIONS,
        value: store.listOperations(
          {
            name,
            filter: query.get('filter') ?? undefined,
            pageSize: Number(query.get('pageSize') ?? 0),
            pageToken: query.get('pageToken') ?? undefined
          },
          packAny
        )
      })
    }
  ]
}

function send(res: ServerResponse, status: number, body: JSONValue): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
  res.end(JSON.stringify(body, null, 2))
}

function sendError(res: ServerResponse, codeOrHttp: number, message: string): void {
  const { httpStatus, body } = httpError(codeOrHttp, message)
  send(res, httpStatus, body)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseBatch(json: JSONValue): Batch {
  try {
    return fromJson<Batch>(TYPE_BATCH, json)
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`)
  }
}

function parseJson(text: string): JSONValue {
  try {
    return JSON.parse(text || '{}') as JSONValue
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`)
  }
}

export async function startRestServer(
  store: Store,
  faults: FaultInjector,
  host: string,
  port: number
): Promise<{ url: string; close(): Promise<void> }> {
  const table = routes(store)
  const server = emulatorServer((req, res) => {
    void (async () => {
      if (await faults.handleAdmin(req, res)) return
      const url = new URL(req.url ?? '/', 'http://localhost')
      const alt = url.searchParams.get('$alt') ?? url.searchParams.get('alt') ?? ''
      const numericEnums = /enum-encoding=int/.test(alt)
      const path = decodeURIComponent(url.pathname)
      const route = table.find(
        candidate => candidate.method === req.method && candidate.pattern.test(path)
      )
      if (!route) {
        sendError(res, 404, `The requested URL ${url.pathname} was not found on this server.`)
        return
      }
      const match = (route.pattern.exec(path) ?? []).slice(1)
      const text = await readBody(req)
      const outcome = await handle(faults, route.faultRoute, () => {
        const result = route.run(match, url.searchParams, () => parseJson(text))
        return result.type ? toJson(result.type, result.value, numericEnums) : result.value
      })
      if (outcome.kind === 'drop') req.socket.destroy()
      else if (outcome.kind === 'error') sendError(res, outcome.code, outcome.message)
      else send(res, 200, outcome.value as JSONValue)
    })().catch((error: unknown) => {
      const code = error instanceof ApiError ? error.code : 13
      if (!res.headersSent) sendError(res, code, (error as Error).message)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
