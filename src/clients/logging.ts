/** Cloud Logging's `entries:list`, where runtime 3.0 and later write the driver output. */

export interface LogEntry {
  insertId?: string
  timestamp?: string
  textPayload?: string
  jsonPayload?: { message?: unknown }
}

/** One `entries:list` call: the request body in, the parsed answer out; errors carry `status`. */
export type ListEntries = (
  body: Record<string, unknown>
) => Promise<{ entries?: LogEntry[]; nextPageToken?: string }>

/** `entries:list` over REST, with the headers of the given credentials (none for an emulator). */
export function restListEntries(
  baseUrl: string,
  headers: () => Promise<Record<string, string>>
): ListEntries {
  return async body => {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/v2/entries:list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await headers()) },
      body: JSON.stringify(body)
    })
    const text = await response.text()
    if (!response.ok) {
      const message = text.slice(0, 300).replace(/\s+/g, ' ')
      throw Object.assign(new Error(`entries:list answered ${response.status}: ${message}`), {
        status: response.status,
        code: response.status
      })
    }
    return JSON.parse(text) as { entries?: LogEntry[]; nextPageToken?: string }
  }
}
