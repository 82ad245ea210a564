/**
 * What a snapshot holds, worked out in the snapshot's thread (snapshot-worker.ts) from the
 * listing: each listed name looked at on disk, credentials files and local secrets left out,
 * private keys and Google logins refused, the entries in zip order and the key that names the zip
 * (key.ts).
 */
import {
  credentialReason,
  findSecrets,
  localSecretsReason,
  secretFilesError,
  type SecretRules
} from '../secrets.js'
import { identity, inspect, type Entry } from './entries.js'
import { snapshotKey } from './key.js'
import type { Listing } from './list.js'

export interface PlanRequest {
  /** The project directory, absolute, and its real path. */
  root: string
  rootReal: string
  /** Where the zip will be written, absolute: a previous one in the project is left out. */
  outFile: string
  listing: Listing
  secrets: SecretRules
}

export interface PlannedEntries {
  entries: Entry[]
  key: string
  /** Sorted, each as `path: reason`. */
  skipped: string[]
  /** Files too big to be read for keys and logins. */
  unscanned: string[]
}

export async function planEntries({
  root,
  rootReal,
  outFile,
  listing,
  secrets
}: PlanRequest): Promise<PlannedEntries> {
  const skipped = listing.skipped.map(s => `${s.name}: ${s.reason}`)
  const outIdentity = await identity(outFile)

  const entries: Entry[] = []
  for (const name of listing.names) {
    const candidate = inspect(root, rootReal, name)
    if (candidate.kind === 'skip') skipped.push(`${name}: ${candidate.reason}`)
    if (candidate.kind !== 'file') continue
    const credentials =
      credentialReason(name, candidate.entry.source, secrets.credentials) ??
      localSecretsReason(name, candidate.entry.source, secrets.allowed)
    if (credentials) {
      skipped.push(`${name}: ${credentials}`)
      continue
    }
    // A previous code.zip written inside the project must not end up inside the new one.
    if (candidate.entry.identity === outIdentity) {
      skipped.push(`${name}: the snapshot's own output file`)
      continue
    }
    entries.push(candidate.entry)
  }
  const scan = findSecrets(entries, secrets.allowed)
  if (scan.found.length > 0)
    throw secretFilesError('The code snapshot (working-directory)', scan.found)
  // Sorted by UTF-8 bytes, the order zip readers and other tools agree on whatever the locale.
  const sortKeys = new Map(entries.map(entry => [entry, Buffer.from(entry.name)]))
  entries.sort((a, b) => Buffer.compare(sortKeys.get(a) as Buffer, sortKeys.get(b) as Buffer))
  const key = await snapshotKey(entries, listing.cleanBlobs, root)
  return { entries, key, skipped: skipped.sort(), unscanned: scan.unscanned.sort() }
}
