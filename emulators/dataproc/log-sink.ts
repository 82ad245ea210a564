import { randomUUID } from 'node:crypto'
import type { LoggingWriteEntry } from '../logging/server.js'

/**
 * Where runtime 3.0 and later send a batch's driver output: Cloud Logging, one entry a line
 * (the service's agent also batches several lines into one entry now and then), in the log
 * `dataproc.googleapis.com/output` of a `cloud_dataproc_batch` resource. There is no GCS series,
 * and the batch's outputUri stays empty.
 */
export interface LogWriter {
  write(entries: LoggingWriteEntry[]): void
}

export interface BatchResource {
  project: string
  location: string
  batchId: string
  batchUuid: string
}

/** Lines are grouped into one entry when they come in the same chunk, up to this many. */
const LINES_PER_ENTRY = 4

export class LogSink {
  private partial = ''
  private readonly decoder = new TextDecoder()

  constructor(
    private readonly writer: LogWriter,
    private readonly batch: BatchResource
  ) {}

  write(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.decode(chunk, { stream: true })).split('\n')
    this.partial = lines.pop() ?? ''
    for (let i = 0; i < lines.length; i += LINES_PER_ENTRY) {
      this.emit(lines.slice(i, i + LINES_PER_ENTRY).join('\n'))
    }
  }

  async close(): Promise<void> {
    const rest = this.partial + this.decoder.decode()
    this.partial = ''
    if (rest) this.emit(rest)
  }

  private emit(message: string): void {
    const { project, location, batchId, batchUuid } = this.batch
    this.writer.write([
      {
        logName: `projects/${project}/logs/dataproc.googleapis.com%2Foutput`,
        resource: {
          type: 'cloud_dataproc_batch',
          labels: { project_id: project, location, batch_id: batchId, batch_uuid: batchUuid }
        },
        timestamp: new Date().toISOString(),
        insertId: randomUUID(),
        severity: 'INFO',
        jsonPayload: { message }
      }
    ])
  }
}
