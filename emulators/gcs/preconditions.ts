import { badRequest, conditionNotMet, GcsError } from './errors.js'
import type { ObjectCheck } from './store.js'

/** Generation preconditions from the query, kept as strings so sessions can store them as JSON. */
export interface Preconditions {
  ifGenerationMatch?: string
  ifGenerationNotMatch?: string
  ifMetagenerationMatch?: string
  ifMetagenerationNotMatch?: string
}

const NAMES = [
  'ifGenerationMatch',
  'ifGenerationNotMatch',
  'ifMetagenerationMatch',
  'ifMetagenerationNotMatch'
] as const

export function parsePreconditions(query: URLSearchParams): Preconditions {
  const found: Preconditions = {}
  for (const name of NAMES) {
    const value = query.get(name)
    if (value === null) continue
    if (!/^\d+$/.test(value)) throw badRequest(`Invalid argument for ${name}: ${value}`)
    found[name] = String(BigInt(value))
  }
  return found
}

/**
 * For writes (uploads, patch, delete). `ifGenerationMatch=0` means "only if no live object";
 * metageneration conditions need an object to compare against.
 */
export const writeCheck =
  (p: Preconditions): ObjectCheck =>
  current => {
    const generation = current?.generation ?? '0'
    if (p.ifGenerationMatch !== undefined && p.ifGenerationMatch !== generation) {
      throw conditionNotMet()
    }
    if (p.ifGenerationNotMatch !== undefined && p.ifGenerationNotMatch === generation) {
      throw conditionNotMet()
    }
    if (
      p.ifMetagenerationMatch !== undefined &&
      p.ifMetagenerationMatch !== current?.metageneration
    ) {
      throw conditionNotMet()
    }
    if (
      p.ifMetagenerationNotMatch !== undefined &&
      p.ifMetagenerationNotMatch === current?.metageneration
    ) {
      throw conditionNotMet()
    }
  }

const notModified = (): GcsError => new GcsError(304, 'notModified', 'Not Modified')

/**
 * For reads of an existing object: a failed "match" is 412, a failed "not match" is 304 as the
 * object has not changed from what the client holds. `generation` pins the only version kept.
 */
export const readCheck =
  (p: Preconditions, generation: string | null): ObjectCheck =>
  current => {
    if (!current) return
    if (generation !== null && generation !== current.generation) {
      throw new GcsError(404, 'notFound', `No such object: ${current.bucket}/${current.name}`)
    }
    if (p.ifGenerationMatch !== undefined && p.ifGenerationMatch !== current.generation) {
      throw conditionNotMet()
    }
    if (
      p.ifMetagenerationMatch !== undefined &&
      p.ifMetagenerationMatch !== current.metageneration
    ) {
      throw conditionNotMet()
    }
    if (p.ifGenerationNotMatch === current.generation) throw notModified()
    if (p.ifMetagenerationNotMatch === current.metageneration) throw notModified()
  }
