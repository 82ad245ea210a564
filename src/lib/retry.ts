import { log } from './log.js'

/** gRPC codes that mean "try again": UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE. */
const TRANSIENT_GRPC = new Set([2, 4, 8, 13, 14])
const RESOURCE_EXHAUSTED = 8

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code
  return typeof code === 'number' ? code : undefined
}

/** A failure of the service rather than of the request: 5xx, 429, and their gRPC twins. */
export function isTransient(error: unknown): boolean {
  const code = codeOf(error)
  if (code === undefined)
    return /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up/.test(String(error))
  return code >= 500 || code === 429 || code === 408 || TRANSIENT_GRPC.has(code)
}

export function isQuotaError(error: unknown): boolean {
  const code = codeOf(error)
  return code === RESOURCE_EXHAUSTED || code === 429
}

export interface RetryOptions {
  /** Names the call in the log, e.g. "CreateBatch". */
  what: string
  /** Give up once this much time has passed since the first try. */
  maxElapsedMs?: number
  initialDelayMs?: number
  maxDelayMs?: number
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Retries transient failures with exponential backoff and full jitter, bounded in time. Only for
 * calls that are safe to repeat (CreateBatch is, because it carries the planned request id).
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now()
  const maxElapsedMs = options.maxElapsedMs ?? 120_000
  let ceiling = options.initialDelayMs ?? 500
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (!isTransient(error) || Date.now() - started > maxElapsedMs) throw error
      const delay = Math.round(Math.random() * ceiling)
      const reason = isQuotaError(error)
        ? 'quota exceeded (RESOURCE_EXHAUSTED): the project hit a per-minute Dataproc quota'
        : (error as Error).message.split('\n')[0]
      log.info(
        `${options.what} failed (try ${attempt}: ${reason}); retrying in ${(delay / 1000).toFixed(1)}s`
      )
      await sleep(delay)
      ceiling = Math.min(ceiling * 2, options.maxDelayMs ?? 16_000)
    }
  }
}
