import type { Storage } from '@google-cloud/storage'
import type { DataprocClient } from '../clients/clients.js'
import type { Batch } from '../steps/batch/submit.js'
import { isTerminal, stateOf } from '../steps/batch/watch.js'
import type { RegistryClient } from '../steps/image/registry-client.js'
import type { CleanupTarget } from './target.js'

/** Everything a cleanup removes, found before anything is removed: a dry run lists exactly this. */
export interface Leftovers {
  /** Batches still going: cancelled. */
  running: { name: string; operation: string }[]
  /** Finished batch records: deleted with delete-batches only. */
  finished: string[]
  /** Objects of the branch's run folders in the submit bucket, and (with delete-outputs) its outputs. */
  objects: { uri: string; bytes: number }[]
  /** Run folders the objects make up (gs://BUCKET/SLUG/RUN/). */
  folders: string[]
  /** Tags removed (the image stays where anything else names it). */
  tags: string[]
  /** Images removed by digest: nothing but this branch named them. */
  digests: string[]
  /** What was kept, and why. */
  kept: string[]
}

export interface CleanupClients {
  dataproc: DataprocClient
  storage: Storage
  registry?: RegistryClient
}

async function batchesOf(
  target: CleanupTarget,
  dataproc: DataprocClient
): Promise<Pick<Leftovers, 'running' | 'finished'>> {
  const parent = `projects/${target.projectId}/locations/${target.region}`
  const filter = `labels.branch = "${target.branchLabel}" AND labels.env = "dev"`
  const running: Leftovers['running'] = []
  const finished: string[] = []
  for await (const batch of dataproc.listBatchesAsync({ parent, filter }) as AsyncIterable<Batch>) {
    const state = stateOf(batch)
    if (!isTerminal(state) && state !== 'CANCELLING')
      running.push({ name: batch.name ?? '', operation: batch.operation ?? '' })
    else if (isTerminal(state) && target.deleteBatches) finished.push(batch.name ?? '')
  }
  return { running, finished }
}

interface Found {
  uri: string
  bytes: number
  /** The run the object belongs to: the folder under the branch's. */
  run: string
  updated: number
}

async function objectsUnder(storage: Storage, bucket: string, prefix: string): Promise<Found[]> {
  const [files] = await storage.bucket(bucket).getFiles({ prefix })
  return files.map(file => ({
    uri: `gs://${bucket}/${file.name}`,
    bytes: Number(file.metadata.size ?? 0),
    run: file.name.slice(prefix.length).split('/')[0] ?? '',
    updated: Date.parse(String(file.metadata.updated ?? 0))
  }))
}

/** The runs to remove: all, or with keep-runs all but the newest (by their newest code object). */
function oldRuns(code: Found[], keepRuns: number | undefined): { old: string[]; kept: string[] } {
  const newest = new Map<string, number>()
  for (const object of code)
    newest.set(object.run, Math.max(newest.get(object.run) ?? 0, object.updated))
  const order = [...newest.keys()].sort((a, b) => (newest.get(b) ?? 0) - (newest.get(a) ?? 0))
  const kept = keepRuns === undefined ? [] : order.slice(0, keepRuns)
  return { old: order.filter(run => !kept.includes(run)), kept }
}

async function runFolders(target: CleanupTarget, storage: Storage) {
  const prefix = `${target.branchSlug}/`
  const code = await objectsUnder(storage, target.submitBucket, prefix)
  const outputs = target.deleteOutputs
    ? await objectsUnder(storage, target.outputBucket, prefix)
    : []
  const { old, kept } = oldRuns(code, target.keepRuns)
  const folder = (run: string): string => `gs://${target.submitBucket}/${prefix}${run}/`
  return {
    objects: [...code, ...outputs]
      .filter(object => target.keepRuns === undefined || old.includes(object.run))
      .map(({ uri, bytes }) => ({ uri, bytes })),
    folders: old.map(folder),
    kept: kept.map(run => `${folder(run)} (one of the newest ${target.keepRuns} runs)`)
  }
}

/**
 * The branch's tag, and its image when nothing else names it: no other tag (another branch's, a
 * release's) points at the digest. Fingerprint tags (`fp-…`) on the digest go with it.
 */
async function imageOf(
  target: CleanupTarget,
  registry: RegistryClient
): Promise<Pick<Leftovers, 'tags' | 'digests' | 'kept'>> {
  const none = { tags: [], digests: [], kept: [] }
  if (!target.image) return none
  const digest = (await registry.head(target.image.tag))?.digest
  if (!digest) return none
  const sharing: string[] = []
  const fingerprints: string[] = []
  for (const tag of await registry.tags()) {
    if (tag === target.image.tag || (await registry.head(tag))?.digest !== digest) continue
    ;(tag.startsWith('fp-') ? fingerprints : sharing).push(tag)
  }
  const image = `${target.image.repository}@${digest}`
  if (sharing.length > 0)
    return {
      tags: [target.image.tag],
      digests: [],
      kept: [`${image} (also tagged ${sharing.join(', ')})`]
    }
  return { tags: [target.image.tag, ...fingerprints], digests: [digest], kept: [] }
}

export async function findLeftovers(
  target: CleanupTarget,
  clients: CleanupClients
): Promise<Leftovers> {
  const folders = await runFolders(target, clients.storage)
  // Retention trims old run folders only: batches and the image belong to the live branch.
  if (target.keepRuns !== undefined)
    return { running: [], finished: [], tags: [], digests: [], ...folders }
  const batches = await batchesOf(target, clients.dataproc)
  const image = clients.registry ? await imageOf(target, clients.registry) : undefined
  return {
    ...batches,
    objects: folders.objects,
    folders: folders.folders,
    tags: image?.tags ?? [],
    digests: image?.digests ?? [],
    kept: [...folders.kept, ...(image?.kept ?? [])]
  }
}
