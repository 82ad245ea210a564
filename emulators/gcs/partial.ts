import { badRequest } from './errors.js'
import { isRecord } from './http.js'

/** Selected keys, each with the selection inside it, or null for the whole value. */
type Selection = Map<string, Selection | null>

function merge(into: Selection, key: string, sub: Selection | null): void {
  const existing = into.get(key)
  if (!into.has(key) || sub === null) into.set(key, sub)
  else if (existing) for (const [k, v] of sub) merge(existing, k, v)
}

/**
 * The `fields` grammar of Google's partial responses: `a,b` several fields, `a/b` a field inside
 * another, `a(b,c)` several fields inside one, `*` every field.
 */
class FieldsParser {
  private at = 0

  constructor(private readonly text: string) {}

  parse(): Selection {
    const selection = this.list()
    if (this.at !== this.text.length) this.fail()
    return selection
  }

  private list(): Selection {
    const selection: Selection = new Map()
    for (;;) {
      const [key, sub] = this.item()
      merge(selection, key, sub)
      if (this.text[this.at] !== ',') return selection
      this.at++
    }
  }

  private item(): [string, Selection | null] {
    const start = this.at
    while (this.at < this.text.length && !',/()'.includes(this.text[this.at] ?? '')) this.at++
    const key = this.text.slice(start, this.at).trim()
    if (key === '') this.fail()
    const next = this.text[this.at]
    if (next === '/') {
      this.at++
      const [inner, sub] = this.item()
      return [key, new Map([[inner, sub]])]
    }
    if (next === '(') {
      this.at++
      const sub = this.list()
      if (this.text[this.at] !== ')') this.fail()
      this.at++
      return [key, sub]
    }
    return [key, null]
  }

  private fail(): never {
    throw badRequest(`Invalid field selection: ${this.text}`)
  }
}

function select(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map(entry => select(entry, selection))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, sub] of selection) {
    const keys = key === '*' ? Object.keys(value) : [key]
    for (const name of keys) {
      if (value[name] === undefined) continue
      out[name] = sub === null ? value[name] : select(value[name], sub)
    }
  }
  return out
}

/**
 * What trims a JSON answer to the `fields` a client asks for, as the service does for successful
 * calls. Parsed before the call runs: a malformed selection fails it with 400 and no effect.
 */
export function fieldSelector(fields: string | null): (json: unknown) => unknown {
  if (fields === null || fields.trim() === '') return json => json
  const selection = new FieldsParser(fields).parse()
  return json => select(json, selection)
}
