import { parseGcsUri } from '../lib/gcs-uri.js'
import { log } from '../lib/log.js'
import { cancelBatch } from '../steps/batch/cancel.js'
import { findLeftovers, type CleanupClients, type Leftovers } from './find.js'
import type { CleanupTarget } from './target.js'

/** What a cleanup removed (or, on a dry run, would remove). */
export interface CleanupResult {
  dryRun: boolean
  leftovers: Leftovers
  bytes: number
}

/** One line per kind, with counts and bytes: for the log, the summary and the comment. */
export function cleanupLines(result: CleanupResult): string[] {
  const { leftovers: l, bytes } = result
  const verb = result.dryRun ? 'would' : ''
  const line = (count: number, what: string, done: string): string =>
    `${count} ${what} ${verb ? `${verb} be ${done}` : done}`
  return [
    line(l.running.length, 'running batch(es)', 'cancelled'),
    line(l.folders.length, 'run folder(s)', 'deleted') +
      ` (${l.objects.length} object(s), ${bytes} bytes)`,
    line(l.tags.length, 'image tag(s)', 'deleted'),
    line(l.digests.length, 'image(s) by digest', 'deleted'),
    line(l.finished.length, 'finished batch record(s)', 'deleted'),
    ...l.kept.map(kept => `kept ${kept}`)
  ]
}

/** Every item, for a dry run to list and a reader to check against what went. */
export function cleanupItems(leftovers: Leftovers): string[] {
  return [
    ...leftovers.running.map(batch => `cancel ${batch.name}`),
    ...leftovers.objects.map(object => `delete ${object.uri}`),
    ...leftovers.tags.map(tag => `untag ${tag}`),
    ...leftovers.digests.map(digest => `delete image ${digest}`),
    ...leftovers.finished.map(name => `delete batch ${name}`)
  ]
}

/**
 * Finds what the branch left behind and, unless `dryRun`, removes it: running batches are
 * cancelled first (so nothing writes while its folders go), then objects, tags, images, records.
 */
export async function cleanBranch(
  target: CleanupTarget,
  clients: CleanupClients,
  dryRun: boolean
): Promise<CleanupResult> {
  const leftovers = await findLeftovers(target, clients)
  const bytes = leftovers.objects.reduce((sum, object) => sum + object.bytes, 0)
  const result = { dryRun, leftovers, bytes }
  for (const item of cleanupItems(leftovers)) log.info(`${dryRun ? 'would ' : ''}${item}`)
  if (dryRun) return result
  for (const batch of leftovers.running) await cancelBatch(clients.dataproc, batch.operation)
  for (const object of leftovers.objects) {
    const { bucket, name } = parseGcsUri(object.uri)
    await clients.storage.bucket(bucket).file(name).delete({ ignoreNotFound: true })
  }
  for (const tag of leftovers.tags) {
    // Tags first: Artifact Registry deletes no image that a tag still names.
    await clients.registry?.delete(tag)
  }
  for (const digest of leftovers.digests) await clients.registry?.delete(digest)
  for (const name of leftovers.finished) await clients.dataproc.deleteBatch({ name })
  return result
}
