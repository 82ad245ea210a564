import { status as GrpcStatus } from '@grpc/grpc-js'
import { sleep, type FaultInjector } from '../faults.js'
import { ApiError, faultMessage } from './errors.js'

/**
 * What a request comes to after fault injection and the store, independent of the transport:
 * a value, an error (a gRPC code, or for faults armed with one, an HTTP status), or a dropped
 * connection.
 */
export type Outcome<T> =
  { kind: 'ok'; value: T } | { kind: 'error'; code: number; message: string } | { kind: 'drop' }

export async function handle<T>(
  faults: FaultInjector,
  route: string,
  apply: () => T
): Promise<Outcome<T>> {
  const hit = faults.take(route)
  // A delay with afterApply holds the answer once the request took effect (a create in flight).
  if (hit?.delayMs && !hit.afterApply) await sleep(hit.delayMs)
  const failure = (): Outcome<T> => {
    if (hit?.drop) return { kind: 'drop' }
    const code = hit?.status ?? GrpcStatus.UNAVAILABLE
    return { kind: 'error', code, message: hit?.message ?? faultMessage(code) }
  }
  const faulty = hit !== undefined && (hit.drop === true || hit.status !== undefined)
  if (faulty && !hit.afterApply) return failure()
  let value: T
  try {
    value = apply()
  } catch (error) {
    if (error instanceof ApiError)
      return { kind: 'error', code: error.code, message: error.message }
    return { kind: 'error', code: GrpcStatus.INTERNAL, message: (error as Error).message }
  }
  // Unref'd: an answer held for a client that has gone keeps no process alive.
  if (hit?.afterApply && hit.delayMs)
    await new Promise(resolve => setTimeout(resolve, hit.delayMs).unref())
  // afterApply: the request took effect, but its answer is lost.
  return faulty ? failure() : { kind: 'ok', value }
}
