/**
 * The image fingerprint: a hash of everything a build of `target` depends on, so that an image
 * pushed under `fp-<hash>` can be reused instead of rebuilt.
 *
 * What goes in:
 * - the Dockerfile's bytes (a comment change counts: cheap to rebuild, and never wrong);
 * - target, platform and every build arg;
 * - the context files that the target and the stages it depends on copy: `FROM <stage>` chains,
 *   `COPY --from=<stage>` and `RUN --mount=…,from=<stage>` pull in other stages; `COPY`/`ADD`
 *   sources and `RUN --mount=type=bind` sources (without `from=`) name context paths — files,
 *   directories and globs, filtered by the context's `.dockerignore` as Docker filters them.
 *   Each file counts with its path, permission bits and content (symlinks with their target).
 *   The context is the one the build is given (see build-context.ts), credentials left out.
 *
 * What does not: a base image tag that moves upstream (`FROM python:3.11-slim`) keeps its
 * fingerprint — pin the base by digest (a build arg works) to roll it forward deliberately. Remote
 * `ADD https://…` sources are not fetched.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, readlink } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { globRegExp, type BuildContext, type ContextEntry } from './build-context.js'

export interface FingerprintInput {
  dockerfile: string
  /** What is sent to Docker (see build-context.ts). */
  context: BuildContext
  target?: string
  buildArgs: Record<string, string>
  platform: string
}

export interface Fingerprint {
  /** `fp-<first 32 hex digits>`, a valid docker tag. */
  tag: string
  /** The full SHA-256, hex. */
  hash: string
  /** The stages the target depends on, in Dockerfile order (the target last among its own chain). */
  stages: string[]
  /** Context paths that went into the hash, sorted. */
  files: string[]
}

/** Bumped when what goes into the hash changes, so old fingerprints are never reused wrongly. */
const SCHEME = 'kedro-dataproc-action/image-fingerprint/v1'

export async function fingerprint(input: FingerprintInput): Promise<Fingerprint> {
  const { dir: context, entries } = input.context
  const dockerfileBytes = await readFile(input.dockerfile)
  const deps = dockerfileDependencies(
    dockerfileBytes.toString('utf8'),
    input.target,
    input.buildArgs
  )
  const selected = selectSources(entries, deps.sources)

  const hash = createHash('sha256')
  const field = (name: string, value: string): void => {
    // Length-prefixed, so no value can imitate the boundary to the next field.
    hash.update(`${name} ${Buffer.byteLength(value)}\n${value}\n`)
  }
  field('scheme', SCHEME)
  field('platform', input.platform)
  field('target', input.target ?? '')
  field('build-args', JSON.stringify(Object.entries(input.buildArgs).sort(byKey)))
  field('dockerfile', createHash('sha256').update(dockerfileBytes).digest('hex'))
  for (const relative of selected) {
    const entry = entries.get(relative) as ContextEntry
    field('path', relative)
    field('kind', `${entry.kind} ${(entry.mode & 0o7777).toString(8)}`)
    if (entry.kind === 'file') field('sha256', await fileSha256(path.join(context, relative)))
    if (entry.kind === 'symlink') field('link', await readlink(path.join(context, relative)))
  }
  const hex = hash.digest('hex')
  return { tag: `fp-${hex.slice(0, 32)}`, hash: hex, stages: deps.stages, files: selected }
}

const byKey = (a: [string, string], b: [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

// ------------------------------------------------------------------------- Dockerfile parsing

interface Instruction {
  keyword: string
  args: string
}

/**
 * The instructions of a Dockerfile: parser directives (`# escape=`), comments, line continuations
 * and heredoc bodies handled the way BuildKit's parser does, enough to read FROM/COPY/ADD/RUN/ARG/ENV.
 */
function parseDockerfile(text: string): Instruction[] {
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

interface Stage {
  name: string
  index: number
  /** Stages this one needs: its FROM parent and `--from=` references, as indexes. */
  needs: number[]
  sources: string[]
}

export interface Dependencies {
  stages: string[]
  /** Context paths (cleaned, relative, posix; '.' is the whole context) the stages read. */
  sources: string[]
}

function dependenciesOf(
  instructions: Instruction[],
  target: string | undefined,
  buildArgs: Record<string, string>
): Dependencies {
  const globalArgs: Record<string, string> = {}
  const stages: Stage[] = []
  let scope: Record<string, string> = {}
  const stageIndex = (reference: string): number | undefined => {
    if (/^\d+$/.test(reference)) {
      const index = Number(reference)
      return index < stages.length ? index : undefined
    }
    const found = stages.find(stage => stage.name === reference.toLowerCase())
    return found?.index
  }

  for (const { keyword, args } of instructions) {
    if (keyword === 'ARG') {
      for (const word of splitWords(args)) {
        const [name, value] = splitAssignment(word)
        const into = stages.length === 0 ? globalArgs : scope
        // Inside a stage, `ARG NAME` without a value brings the global ARG's value into scope.
        const inherited = stages.length === 0 ? undefined : globalArgs[name]
        const resolved = buildArgs[name] ?? (value !== undefined ? expand(value, into) : inherited)
        if (resolved !== undefined) into[name] = resolved
      }
      continue
    }
    if (keyword === 'FROM') {
      const { words } = splitFlags(splitWords(args))
      const image = expand(words[0] ?? '', globalArgs)
      const name = words[1]?.toLowerCase() === 'as' ? (words[2] ?? '').toLowerCase() : ''
      const parent = stageIndex(image)
      stages.push({
        name: name || String(stages.length),
        index: stages.length,
        needs: parent === undefined ? [] : [parent],
        sources: []
      })
      scope = {}
      continue
    }
    const stage = stages[stages.length - 1]
    if (!stage) continue
    if (keyword === 'ENV') {
      for (const [name, value] of envPairs(args)) scope[name] = expand(value, scope)
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const { flags, words } = splitFlags(copyWords(args))
      const from = flags.get('from')
      if (from !== undefined) {
        const index = stageIndex(expand(from, scope))
        if (index !== undefined) stage.needs.push(index)
        // A copy from another stage or an image reads nothing from the context.
        continue
      }
      for (const source of words.slice(0, -1)) {
        if (source.startsWith('<<')) continue
        if (keyword === 'ADD' && /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) continue
        stage.sources.push(cleanSource(expand(source, scope)))
      }
    } else if (keyword === 'RUN') {
      for (const mount of splitFlags(splitWords(args)).mounts) {
        const options = new Map(
          mount.split(',').map(part => {
            const [key, value] = splitAssignment(part)
            return [key.toLowerCase(), value ?? ''] as const
          })
        )
        const type = options.get('type') ?? 'bind'
        if (type !== 'bind') continue
        const from = options.get('from')
        if (from !== undefined) {
          const index = stageIndex(expand(from, scope))
          if (index !== undefined) stage.needs.push(index)
        } else {
          stage.sources.push(
            cleanSource(expand(options.get('source') ?? options.get('src') ?? '.', scope))
          )
        }
      }
    }
  }

  if (stages.length === 0) throw new Error('the Dockerfile has no FROM instruction')
  const wanted =
    target === undefined
      ? stages.length - 1
      : stages.find(s => s.name === target.toLowerCase())?.index
  if (wanted === undefined) {
    const names = stages.map(s => s.name).join(', ')
    throw new Error(`the Dockerfile has no stage named '${target}' (stages: ${names})`)
  }
  const needed = new Set<number>()
  const visit = (index: number): void => {
    if (needed.has(index)) return
    needed.add(index)
    for (const next of (stages[index] as Stage).needs) visit(next)
  }
  visit(wanted)
  const chosen = stages.filter(stage => needed.has(stage.index))
  const sources = [...new Set(chosen.flatMap(stage => stage.sources))].sort()
  return { stages: chosen.map(stage => stage.name), sources }
}

/** The stages `target` (default: the last stage) depends on, and the context paths they read. */
export function dockerfileDependencies(
  text: string,
  target: string | undefined,
  buildArgs: Record<string, string>
): Dependencies {
  return dependenciesOf(parseDockerfile(text), target, buildArgs)
}

/** Whitespace-separated words with surrounding quotes removed. */
function splitWords(args: string): string[] {
  return (args.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote)
}

function unquote(word: string): string {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word
}

/** COPY/ADD arguments in either form: JSON array or words. */
function copyWords(args: string): string[] {
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

function splitFlags(words: string[]): {
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

function splitAssignment(word: string): [string, string | undefined] {
  const at = word.indexOf('=')
  return at < 0 ? [word, undefined] : [word.slice(0, at), unquote(word.slice(at + 1))]
}

/** `ENV A=1 B=2` and the legacy `ENV A 1`. */
function envPairs(args: string): [string, string][] {
  const words = splitWords(args)
  if (words.length > 0 && !(words[0] as string).includes('=')) {
    const [name, ...value] = args.trim().split(/\s+/)
    return [[name as string, unquote(value.join(' '))]]
  }
  return words.map(word => splitAssignment(word)).map(([k, v]) => [k, v ?? ''])
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}`; unknown names expand to ''. */
function expand(word: string, vars: Record<string, string>): string {
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
function cleanSource(source: string): string {
  const cleaned = path.posix.normalize(`/${source}`).replace(/\/+$/, '').slice(1)
  return cleaned === '' ? '.' : cleaned
}

/**
 * The context paths that the sources select: a path names itself and, for a directory, everything
 * below; a glob matches path by path. A source that matches nothing selects nothing (the build
 * itself then fails and says so).
 */
function selectSources(entries: Map<string, ContextEntry>, sources: string[]): string[] {
  const selected = new Set<string>()
  const all = [...entries.keys()]
  for (const source of sources) {
    if (source === '.') {
      for (const relative of all) selected.add(relative)
      continue
    }
    let roots = [source]
    if (/[*?[\\]/.test(source)) {
      const glob = globRegExp(source, false)
      roots = all.filter(relative => glob.test(relative))
    }
    // Below a root, not only below a root entry: an ignored directory is still sent as the
    // parent of files that `!` rules bring back.
    for (const root of roots) {
      for (const relative of all) {
        if (relative === root || relative.startsWith(`${root}/`)) selected.add(relative)
      }
    }
  }
  return [...selected].sort()
}
