/**
 * Reading a Dockerfile as BuildKit does, as far as the fingerprint needs it: its instructions, and
 * the words, flags, variables and paths inside them.
 */
import path from 'node:path'
import { splitWords } from '../../lib/words.js'

export interface Instruction {
  keyword: string
  args: string
}

/**
 * The instructions of a Dockerfile: parser directives (`# escape=`), comments, line continuations
 * and heredoc bodies handled the way BuildKit's parser does, enough to read FROM/COPY/ADD/RUN/ARG/ENV.
 */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split(/\r?\n/)
  let escape = '\\'
  let i = 0
  // Directives are only recognised before any instruction, comment or blank line.
  for (; i < lines.length; i++) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i] as string)
    if (!directive) break
    if ((directive[1] as string).toLowerCase() === 'escape') escape = directive[2] as string
  }
  const instructions: Instruction[] = []
  while (i < lines.length) {
    let line = lines[i++] as string
    if (/^\s*(#|$)/.test(line)) continue
    let joined = ''
    for (;;) {
      const trimmed = line.replace(/\s+$/, '')
      if (!trimmed.endsWith(escape) || i >= lines.length) {
        joined += trimmed
        break
      }
      joined += trimmed.slice(0, -escape.length)
      // Comment and blank lines inside a continuation are dropped, not ending it.
      do line = lines[i++] as string
      while (i < lines.length && /^\s*(#|$)/.test(line))
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(joined)
    if (!match) continue
    const keyword = (match[1] as string).toUpperCase()
    const args = match[2] as string
    instructions.push({ keyword, args })
    if (['RUN', 'COPY', 'ADD'].includes(keyword)) {
      for (const heredoc of args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
        const stripTabs = heredoc[1] === '-'
        const word = heredoc[3] as string
        while (i < lines.length) {
          const body = lines[i++] as string
          if ((stripTabs ? body.replace(/^\t+/, '') : body) === word) break
        }
      }
    }
  }
  return instructions
}

function unquote(word: string): string {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word
}

/** COPY/ADD arguments in either form: JSON array or words. */
export function copyWords(args: string): string[] {
  const flags: string[] = []
  let rest = args.trim()
  // Flags come before the JSON array: COPY --chown=1:1 ["a b", "/dest/"].
  for (let match = /^(--\S+)\s*/.exec(rest); match; match = /^(--\S+)\s*/.exec(rest)) {
    flags.push(match[1] as string)
    rest = rest.slice(match[0].length)
  }
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest)
      if (Array.isArray(parsed) && parsed.every(item => typeof item === 'string')) {
        return [...flags, ...(parsed as string[])]
      }
    } catch {
      // Not valid JSON: Docker then reads the line as words too.
    }
  }
  return [...flags, ...splitWords(rest)]
}

export function splitFlags(words: string[]): {
  flags: Map<string, string>
  mounts: string[]
  words: string[]
} {
  const flags = new Map<string, string>()
  const mounts: string[] = []
  let i = 0
  for (; i < words.length && (words[i] as string).startsWith('--'); i++) {
    const [name, value] = splitAssignment((words[i] as string).slice(2))
    if (name === 'mount') mounts.push(value ?? '')
    else flags.set(name.toLowerCase(), value ?? '')
  }
  return { flags, mounts, words: words.slice(i) }
}

export function splitAssignment(word: string): [string, string | undefined] {
  const at = word.indexOf('=')
  return at < 0 ? [word, undefined] : [word.slice(0, at), unquote(word.slice(at + 1))]
}

/** `ENV A=1 B=2` and the legacy `ENV A 1`. */
export function envPairs(args: string): [string, string][] {
  const words = splitWords(args)
  if (words.length > 0 && !(words[0] as string).includes('=')) {
    const [name, ...value] = args.trim().split(/\s+/)
    return [[name as string, unquote(value.join(' '))]]
  }
  return words.map(word => splitAssignment(word)).map(([k, v]) => [k, v ?? ''])
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}`; unknown names expand to ''. */
export function expand(word: string, vars: Record<string, string>): string {
  return word.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _,
      braced: string | undefined,
      op: string | undefined,
      operand: string | undefined,
      bare: string | undefined
    ) => {
      const value = vars[(braced ?? bare) as string]
      if (op === '-') return value ? value : (operand ?? '')
      if (op === '+') return value ? (operand ?? '') : ''
      return value ?? ''
    }
  )
}

/** A COPY source as a context-relative posix path: `/a/../b/` → `b`, `./` → `.`. */
export function cleanSource(source: string): string {
  const cleaned = path.posix.normalize(`/${source}`).replace(/\/+$/, '').slice(1)
  return cleaned === '' ? '.' : cleaned
}
