/**
 * The action's one retry policy: which failures are worth another try, and how long to wait
 * before it. Every call that retries on its own (Dataproc, the registry, Cloud Logging, the
 * batch watch) takes its classification and its waits from here; the storage client's own retry
 * takes its ceiling from here too.
 */
import { errorCause, errorCode, firstLine, httpStatus } from './errors.js'
import { log } from './log.js'

/** gRPC codes that mean "try again": UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE. */
const TRANSIENT_GRPC = new Set([2, 4, 8, 13, 14])
const RESOURCE_EXHAUSTED = 8
/** What Node and fetch say when a request got no answer at all. */
const NO_ANSWER = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up|fetch failed/

/**
 * A failure of the service or the network rather than of the request: HTTP 5xx, 429 and 408,
 * their gRPC twins, and a request that got no answer (looked for along the `cause` chain, where
 * fetch keeps the socket's error).
 */
export function isTransient(error: unknown): boolean {
  const status = httpStatus(error)
  if (status !== undefined) return status >= 500 || status === 429 || status === 408
  const code = errorCode(error)
  if (typeof code === 'number') return TRANSIENT_GRPC.has(code)
  for (let cause = error, depth = 0; cause && depth < 4; cause = errorCause(cause), depth++) {
    if (NO_ANSWER.test(String(cause))) return true
  }
  return false
}

function isQuotaError(error: unknown): boolean {
  const code = errorCode(error)
  return code === RESOURCE_EXHAUSTED || code === 429
}

/** Waits that grow exponentially, drawn with full jitter below a ceiling. */
export interface Backoff {
  /** The ceiling of the first wait; it doubles with each further failure in a row. */
  firstMs: number
  /** Where the ceiling stops doubling. */
  maxMs: number
  /** The shortest wait whatever the draw: a pace the caller must keep between requests. */
  minMs?: number
}

/** For calls to Google's APIs and the registry. */
export const BACKOFF: Backoff = { firstMs: 500, maxMs: 16_000 }

/** How long withRetries keeps trying a call, unless told otherwise. */
export const MAX_ELAPSED_MS = 120_000

/**
 * The wait after the `failures`-th failure in a row. Full jitter (a uniform draw below the
 * ceiling) keeps clients that failed together from retrying together.
 */
export function backoffDelay(
  failures: number,
  backoff: Backoff = BACKOFF,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(backoff.firstMs * 2 ** Math.max(failures - 1, 0), backoff.maxMs)
  return Math.max(backoff.minMs ?? 0, Math.round(random() * ceiling))
}

export interface RetryOptions {
  /** Names the call in the log, e.g. "CreateBatch". */
  what: string
  /** Give up once this much time has passed since the first try; default MAX_ELAPSED_MS. */
  maxElapsedMs?: number
  /** Give up after this many tries in all; default no limit but the time. */
  attempts?: number
  backoff?: Backoff
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Retries transient failures, bounded in time (and tries). Only for calls that are safe to repeat
 * (CreateBatch is, because it carries the planned request id).
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now()
  const maxElapsedMs = options.maxElapsedMs ?? MAX_ELAPSED_MS
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      const outOfTries = options.attempts !== undefined && attempt >= options.attempts
      if (!isTransient(error) || outOfTries || Date.now() - started > maxElapsedMs) throw error
      const delay = backoffDelay(attempt, options.backoff)
      const reason = isQuotaError(error)
        ? 'quota exceeded (RESOURCE_EXHAUSTED): the project hit a per-minute Dataproc quota'
        : firstLine(error)
      log.info(
        `${options.what} failed (try ${attempt}: ${reason}); retrying in ${(delay / 1000).toFixed(1)}s`
      )
      await sleep(delay)
    }
  }
}
