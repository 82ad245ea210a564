/** How input text is read: durations, booleans, `key=value` lines, lists and endpoints. */

/** Where a client talks to: a Google endpoint over TLS, or a local one in plaintext without credentials. */
export interface Endpoint {
  host: string
  port: number
  plaintext: boolean
  /** The base URL, for HTTP APIs. */
  url: string
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `45m`, `1h30m`, `14400s`, `2d`: a bare number is refused because its unit would be a guess. */
export function parseDuration(value: string): number | undefined {
  if (!/^([0-9]+[smhd])+$/.test(value)) return undefined
  let seconds = 0
  for (const [, amount, unit] of value.matchAll(/([0-9]+)([smhd])/g)) {
    seconds += Number(amount) * (DURATION_UNITS[unit as string] as number)
  }
  return seconds
}

/** YAML 1.2 core booleans, as `core.getBooleanInput` accepts them. */
export function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  return undefined
}

/** `key=value` lines; blank lines and `#` comments are skipped. */
export function parsePairs(text: string): { pairs: [string, string][]; bad: string[] } {
  const pairs: [string, string][] = []
  const bad: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) bad.push(line)
    else pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()])
  }
  return { pairs, bad }
}

export function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map(item => item.trim())
    .filter(Boolean)
}

/**
 * An endpoint input: `http://host:port` means plaintext without credentials (a local stack);
 * `https://host[:port]` or a bare `host[:port]` means TLS.
 */
export function parseEndpoint(value: string, defaultPlaintext: boolean): Endpoint | undefined {
  const withScheme = /^[a-z]+:\/\//.test(value)
    ? value
    : `${defaultPlaintext ? 'http' : 'https'}://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.search || url.hash || url.username) return undefined
  const plaintext = url.protocol === 'http:'
  const port = url.port ? Number(url.port) : plaintext ? 80 : 443
  const path = url.pathname.replace(/\/+$/, '')
  return { host: url.hostname, port, plaintext, url: `${url.protocol}//${url.host}${path}` }
}
