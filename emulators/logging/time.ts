/**
 * Timestamps as the Logging API carries them: RFC 3339 in, instants with nanosecond precision
 * compared as such (offsets and fraction lengths do not matter), proto3 JSON out (UTC, with 0, 3,
 * 6 or 9 fractional digits).
 */
export interface Instant {
  /** Whole seconds since the epoch. */
  seconds: number
  nanos: number
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2}))?$/

/** Parses RFC 3339 (a bare date means its midnight UTC, as filters allow); undefined when invalid. */
export function parseInstant(text: string): Instant | undefined {
  const m = RFC3339.exec(text.trim())
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(part => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const millis = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(millis)
  // Date.UTC rolls 2024-02-30 over into March; a real calendar date must survive the round trip
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined
  }
  const zone = m[8] ?? 'Z'
  const offsetMinutes =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)))
  const nanos = Number((m[7] ?? '').padEnd(9, '0'))
  return { seconds: millis / 1000 - offsetMinutes * 60, nanos }
}

export function formatInstant({ seconds, nanos }: Instant): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19)
  if (nanos === 0) return `${base}Z`
  const digits = String(nanos).padStart(9, '0')
  const fraction =
    nanos % 1e6 === 0 ? digits.slice(0, 3) : nanos % 1e3 === 0 ? digits.slice(0, 6) : digits
  return `${base}.${fraction}Z`
}

export const compareInstants = (a: Instant, b: Instant): number =>
  a.seconds - b.seconds || a.nanos - b.nanos

export function instantFromMillis(millis: number): Instant {
  const seconds = Math.floor(millis / 1000)
  return { seconds, nanos: Math.round((millis - seconds * 1000) * 1e6) }
}
