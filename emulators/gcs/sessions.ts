import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ObjectHasher } from './blob.js'
import { GcsError } from './errors.js'
import type { PendingObject } from './uploads.js'

export interface RunningHash {
  hasher: ObjectHasher
  /** Bytes hashed so far, from offset 0. */
  upTo: number
}

export interface Session extends PendingObject {
  id: string
  /** From `X-Upload-Content-Length` or a Content-Range with a total, once known. */
  totalSize?: number
  /** Bytes persisted from offset 0; data past this mark is from an interrupted request. */
  committed: number
  /** The object resource, once the upload has completed. */
  result?: Record<string, unknown>
}

/**
 * Resumable upload sessions: a JSON record and a data file each, on disk so that an upload can
 * resume across emulator restarts. Requests on one session are serialised, as a retried chunk
 * may arrive while the server is still noticing that the previous attempt was cut off.
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>()
  private readonly queues = new Map<string, Promise<unknown>>()
  /**
   * Each session's checksums, taken as its bytes arrive in order from offset 0, so completing an
   * upload need not read the whole object back. In memory only: after a restart, or once a chunk
   * overlaps what was hashed (a retry after a cut-off request), the data file is hashed instead.
   */
  private readonly hashes = new Map<string, RunningHash>()

  constructor(private readonly dir: string) {
    for (const file of readdirSync(dir).filter(entry => entry.endsWith('.json'))) {
      const session = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Session
      this.sessions.set(session.id, session)
    }
  }

  create(pending: PendingObject, totalSize: number | undefined): Session {
    const id = `ADPyc${randomBytes(24).toString('base64url')}`
    const session: Session = { ...pending, id, totalSize, committed: 0 }
    writeFileSync(this.dataPath(id), '')
    this.save(session)
    return session
  }

  get(id: string): Session {
    const session = this.sessions.get(id)
    if (!session) throw new GcsError(404, 'notFound', 'No such upload session.')
    return session
  }

  save(session: Session): void {
    const path = join(this.dir, `${session.id}.json`)
    writeFileSync(`${path}.tmp`, JSON.stringify(session))
    renameSync(`${path}.tmp`, path)
    this.sessions.set(session.id, session)
  }

  /** The running hash to continue with a chunk at `start`, when it covers exactly [0, start). */
  async hashFrom(id: string, start: number): Promise<RunningHash | undefined> {
    if (start === 0) this.hashes.set(id, { hasher: await ObjectHasher.create(), upTo: 0 })
    const running = this.hashes.get(id)
    if (running?.upTo === start) return running
    this.hashes.delete(id)
    return undefined
  }

  /** The running hash of a session whose first `size` bytes are its object, if it has one. */
  takeHash(id: string, size: number): ObjectHasher | undefined {
    const running = this.hashes.get(id)
    this.hashes.delete(id)
    return running?.upTo === size ? running.hasher : undefined
  }

  remove(id: string): void {
    this.hashes.delete(id)
    rmSync(join(this.dir, `${id}.json`), { force: true })
    rmSync(this.dataPath(id), { force: true })
    this.sessions.delete(id)
  }

  dataPath(id: string): string {
    return join(this.dir, `${id}.bin`)
  }

  async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(work)
    this.queues.set(id, next)
    try {
      return await next
    } finally {
      if (this.queues.get(id) === next) this.queues.delete(id)
    }
  }
}
