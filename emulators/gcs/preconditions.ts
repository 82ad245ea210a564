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

const parseNumber = (name: string, value: string): string => {
  if (!/^\d+$/.test(value)) throw badRequest(`Invalid argument for ${name}: ${value}`)
  return String(BigInt(value))
}

export function parsePreconditions(query: URLSearchParams): Preconditions {
  const found: Preconditions = {}
  for (const name of NAMES) {
    const value = query.get(name)
    if (value !== null) found[name] = parseNumber(name, value)
  }
  return found
}

/** The source side of a copy, rewrite or move: `ifSourceGenerationMatch` and its kin. */
export function parseSourcePreconditions(query: URLSearchParams): Preconditions {
  const found: Preconditions = {}
  for (const name of NAMES) {
    const param = `ifSource${name.slice(2)}`
    const value = query.get(param)
    if (value !== null) found[name] = parseNumber(param, value)
  }
  return found
}

/** `sourceGeneration`, `generation`: a pin on one version of an object. */
export function parseGeneration(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name)
  return value === null || value === '' ? undefined : parseNumber(name, value)
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

/**
 * For the source of a copy, rewrite, move or compose: it must exist (and be the pinned
 * generation), and as the request writes, every failed condition is a 412, never a 304.
 */
export const sourceCheck =
  (p: Preconditions, generation: string | undefined): ObjectCheck =>
  current => {
    if (!current) return
    if (generation !== undefined && generation !== current.generation) {
      throw new GcsError(404, 'notFound', `No such object: ${current.bucket}/${current.name}`)
    }
    writeCheck(p)(current)
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
