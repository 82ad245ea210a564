import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Fault injection shared by the emulators. A test arms a rule for a route (a name such as
 * `gcs.upload` or `dataproc.CreateBatch`); the next `times` requests on that route misbehave.
 *
 * - `status`: answer with this HTTP status (GCS, Dataproc REST) or gRPC status code (Dataproc gRPC).
 * - `delayMs`: hold the request this long before handling (or before failing).
 * - `drop`: destroy the connection; for uploads, after half of the body has been received.
 * - `afterApply`: handle the request for real, then answer with the failure (a create that
 *   reached the server but whose answer was lost). On Dataproc routes with `delayMs`, the
 *   answer (success or failure) is held that long after the request took effect: a create
 *   still in flight.
 * - `message`: the error's message instead of a generic one; on the route `dataproc.batch.fail`
 *   the next batch to start fails with this state message (default: the service's quota
 *   failure) instead of running.
 */
export interface FaultRule {
  route: string
  times: number
  status?: number
  delayMs?: number
  drop?: boolean
  afterApply?: boolean
  message?: string
}

export interface FaultHit {
  status?: number
  delayMs?: number
  drop?: boolean
  afterApply?: boolean
  message?: string
}

export class FaultInjector {
  private rules: FaultRule[] = []
  private readonly counts = new Map<string, number>()

  arm(rule: FaultRule): void {
    if (!rule.route || !Number.isInteger(rule.times) || rule.times < 1) {
      throw new Error('a fault rule needs a route and a positive whole number of times')
    }
    this.rules.push({ ...rule })
  }

  clear(): void {
    this.rules = []
    this.counts.clear()
  }

  /** Counts the request and, when a rule is armed for the route, consumes one use of it. */
  take(route: string): FaultHit | undefined {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1)
    const rule = this.rules.find(r => r.route === route && r.times > 0)
    if (!rule) return undefined
    rule.times -= 1
    if (rule.times === 0) this.rules = this.rules.filter(r => r !== rule)
    const { status, delayMs, drop, afterApply, message } = rule
    return { status, delayMs, drop, afterApply, message }
  }

  /** How many requests each route has seen: lets tests assert that retries really happened. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts)
  }

  /**
   * Serves `/_emulator/faults` on an emulator's HTTP server: POST arms a rule (JSON body),
   * DELETE clears all rules, GET returns the armed rules and the request counts.
   * Returns false when the request is not for the admin endpoint.
   */
  async handleAdmin(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '').split('?')[0]
    if (path !== '/_emulator/faults') return false
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'GET') {
      reply(200, { rules: this.rules, counts: this.requestCounts() })
    } else if (req.method === 'DELETE') {
      this.clear()
      reply(200, {})
    } else if (req.method === 'POST') {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FaultRule | FaultRule[]
        for (const rule of Array.isArray(parsed) ? parsed : [parsed]) this.arm(rule)
        reply(200, { rules: this.rules })
      } catch (error) {
        reply(400, { error: { code: 400, message: (error as Error).message } })
      }
    } else {
      reply(405, { error: { code: 405, message: 'use GET, POST or DELETE' } })
    }
    return true
  }
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
