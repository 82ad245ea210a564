import { createHash } from 'node:crypto'

/** Short, stable hex digest: makes truncated names unique again and ids deterministic per attempt. */
export function shortHash(value: string, length = 8): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length)
}

/**
 * Fits a name into `max` characters. A name that has to be cut keeps its head and gains a hash of
 * the whole, so two long names that share a prefix still differ.
 */
export function fit(name: string, max: number, separator = '-'): string {
  if (name.length <= max) return name
  const suffix = separator + shortHash(name)
  return trimSeparators(name.slice(0, max - suffix.length), separator) + suffix
}

function trimSeparators(value: string, separator: string): string {
  let start = 0
  let end = value.length
  while (start < end && value[start] === separator) start++
  while (end > start && value[end - 1] === separator) end--
  return value.slice(start, end)
}

/**
 * The reference rule: every run of characters outside [A-Za-z0-9] becomes one `-`. That rule maps
 * `feat/x`, `feat-x`, `feat_x` and `feat.x` to one folder, so a slug that differs from its branch
 * gains a short hash of the real name; a plain name (`main`, `feat-x`) stays as it is.
 */
export function branchSlug(branch: string): string {
  const slug = branch.replace(/[^A-Za-z0-9]+/g, '-')
  if (slug === branch) return slug
  const head = trimSeparators(slug, '-')
  return `${head}${head ? '-' : ''}${shortHash(`branch:${branch}`, 6)}`
}

/** Docker tags: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function imageTag(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '')
  return fit(cleaned || 'untagged', 128)
}

/**
 * Builds a batch id from readable parts and a hash that makes it unique per workflow attempt.
 * The readable head is cut first, so the hash always survives.
 */
export function batchId(readableParts: string[], uniqueKey: string): string {
  const hash = shortHash(uniqueKey)
  const head = trimSeparators(
    readableParts
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-'),
    '-'
  )
  const room = 63 - hash.length - 1
  const cutHead = trimSeparators(head.slice(0, room), '-')
  return cutHead ? `${cutHead}-${hash}` : `batch-${hash}`
}

export function requestId(batch: string): string {
  return shortHash(`request:${batch}`, 32)
}

/** Label keys and values: lowercase letters, digits, `-` and `_`, at most 63 characters. */
export function labelValue(value: string): string {
  return fit(trimSeparators(value.toLowerCase().replace(/[^a-z0-9_-]+/g, '-'), '-'), 63)
}
