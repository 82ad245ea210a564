import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { sleep, type FaultHit, type FaultInjector } from '../faults.js'
import type { SubRequest } from './batch.js'
import { GcsError, reasonFor } from './errors.js'
import { drain, errorReply, type Reply, type RequestContext } from './http.js'
import { fieldSelector } from './partial.js'
import { matchRoute, type Backend, type Route } from './router.js'

export function replyForError(error: unknown): Reply {
  if (error instanceof GcsError) {
    return error.status === 304
      ? { status: 304 }
      : errorReply(error.status, error.reason, error.message)
  }
  return errorReply(500, 'backendError', (error as Error).message ?? String(error))
}

const injected = (status: number): Reply => errorReply(status, reasonFor(status), 'Injected fault.')

/**
 * Google's clients may tunnel a method through POST with `X-HTTP-Method-Override`, which the
 * service honours.
 */
export function methodOf(req: IncomingMessage): string {
  const method = req.method ?? 'GET'
  const override = req.headers['x-http-method-override']
  return method === 'POST' && typeof override === 'string' ? override.toUpperCase() : method
}

/**
 * Runs a matched route: the handler, a thrown error as a JSON API error, `fields` applied to a
 * successful answer, and an `afterApply` fault, which lets the work happen but fails the answer.
 */
export async function runRoute(
  route: Route,
  ctx: RequestContext,
  fault: FaultHit | undefined
): Promise<Reply> {
  let reply: Reply
  let trim: (json: unknown) => unknown = json => json
  try {
    trim = fieldSelector(ctx.query.get('fields'))
    reply = await route.handle(ctx)
  } catch (error) {
    if (ctx.req.destroyed && !ctx.req.complete) throw error
    await drain(ctx.req)
    reply = replyForError(error)
  }
  if (fault?.status !== undefined) {
    reply.stream?.destroy()
    return injected(fault.status)
  }
  if (reply.json !== undefined && reply.status < 300) reply.json = trim(reply.json)
  return reply
}

/** A batch call as a request the handlers can read like any other. */
function messageOf(request: SubRequest): IncomingMessage {
  const req = new IncomingMessage(new Socket())
  req.method = request.method
  req.url = request.url
  req.headers = { ...request.headers, 'content-length': String(request.body.length) }
  req.push(request.body)
  req.push(null)
  req.complete = true
  return req
}

const MEDIA_PATH = /^\/(upload|resumable\/upload|download|batch)\//

/**
 * Runs one call of a batch through the same routes, fault rules and request counts as a call of
 * its own. Object data cannot travel in a batch, nor can another batch.
 */
export function subRequestRunner(
  backend: Backend,
  faults: FaultInjector,
  baseUrl: () => string
): (request: SubRequest) => Promise<Reply> {
  return async request => {
    const [path = '', search = ''] = request.url.split('?', 2)
    const query = new URLSearchParams(search)
    if (MEDIA_PATH.test(path) || query.get('alt') === 'media') {
      return errorReply(400, 'invalid', 'Object data cannot be uploaded or downloaded in a batch.')
    }
    const req = messageOf(request)
    const method = methodOf(req)
    const route = matchRoute(method, path, query, backend)
    if (!route) return errorReply(404, 'notFound', `Not Found: ${method} ${path}`)
    const fault = faults.take(route.name)
    if (fault?.delayMs) await sleep(fault.delayMs)
    if (fault?.status !== undefined && !fault.afterApply) return injected(fault.status)
    return runRoute(route, { req, method, query, baseUrl: baseUrl() }, fault)
  }
}
