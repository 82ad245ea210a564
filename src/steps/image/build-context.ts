/**
 * The image's build context as the action hands it to Docker: the context directory filtered by
 * its `.dockerignore` as Docker filters it, less what must never reach an image (the credentials
 * files auth steps write, every git config holding a credential such as actions/checkout's token,
 * `.env*` files and Kedro's credentials unless allowed; see secrets.ts), streamed to Docker
 * as a tar on stdin so nothing is written into the user's tree. The fingerprint hashes the same
 * entries, so what is hashed is what is built.
 *
 * Only `<context>/.dockerignore` is read: the classic builder ignores BuildKit's
 * `<Dockerfile>.dockerignore`, and one answer must fit both builders.
 */
import { createReadStream } from 'node:fs'
import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import { log } from '../../lib/log.js'
import {
  credentialReason,
  findSecrets,
  gitConfigReason,
  localSecretsReason,
  secretFilesError,
  unscannedLine,
  type SecretRules
} from '../secrets.js'

export interface ContextEntry {
  kind: 'file' | 'dir' | 'symlink'
  mode: number
  size: number
  mtime: Date
}

export interface BuildContext {
  /** Absolute path of the context directory. */
  dir: string
  /** Every path sent to Docker, keyed by relative posix path, in walk order. */
  entries: Map<string, ContextEntry>
  /** The Dockerfile's path inside the tar, for `--file`. */
  dockerfile: string
  /** The Dockerfile, when it lies outside the context or is ignored and so is added on its own. */
  addedDockerfile?: string
  /** Paths left out on purpose, each as `path: reason`. */
  leftOut: string[]
}

/** Where a Dockerfile from outside the context goes in the tar. */
const ADDED_DOCKERFILE = '.kedro-dataproc-action.Dockerfile'

/**
 * Lists the context and refuses it when a file that would be sent holds a private key or a Google
 * login, before anything is built or pushed.
 */
export async function readBuildContext(
  dir: string,
  dockerfile: string,
  secrets: SecretRules
): Promise<BuildContext> {
  const root = path.resolve(dir)
  const rules = parseDockerignore(
    await readFile(path.join(root, '.dockerignore'), 'utf8').catch(() => '')
  )
  const leftOut: string[] = []
  const entries = await walkContext(root, rules, (relative, absolute) => {
    const reason =
      credentialReason(relative, absolute, secrets.credentials) ??
      gitConfigReason(relative, absolute) ??
      localSecretsReason(relative, absolute, secrets.allowed)
    if (!reason) return true
    leftOut.push(`${relative}: ${reason}`)
    return false
  })
  const files = [...entries]
    .filter(([, entry]) => entry.kind === 'file')
    .map(([name, entry]) => ({ name, source: path.join(root, name), size: entry.size }))
  const scan = findSecrets(files, secrets.allowed)
  if (scan.found.length > 0) {
    throw secretFilesError('The image build context (build-context)', scan.found)
  }
  for (const name of scan.unscanned) log.info(unscannedLine('the image build context', name))

  const inside = path.relative(root, path.resolve(dockerfile)).split(path.sep).join('/')
  const sent = !inside.startsWith('../') && entries.get(inside)?.kind === 'file'
  return sent
    ? { dir: root, entries, dockerfile: inside, leftOut }
    : {
        dir: root,
        entries,
        dockerfile: ADDED_DOCKERFILE,
        addedDockerfile: path.resolve(dockerfile),
        leftOut
      }
}

/** The context as a tar stream, the way the Docker CLI packs a directory (owner 0:0). */
export function contextTar(context: BuildContext): Readable {
  const pack = tar.pack()
  const add = async (name: string, source: string, entry: ContextEntry): Promise<void> => {
    const header = { name, mode: entry.mode & 0o7777, mtime: entry.mtime, uid: 0, gid: 0 }
    if (entry.kind === 'dir') {
      pack.entry({ ...header, type: 'directory' })
    } else if (entry.kind === 'symlink') {
      pack.entry({ ...header, type: 'symlink', linkname: await readlink(source) })
    } else {
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...header, size: entry.size }, error =>
          error ? reject(error) : resolve()
        )
        createReadStream(source).on('error', reject).pipe(sink)
      })
    }
  }
  const write = async (): Promise<void> => {
    for (const [name, entry] of context.entries) {
      await add(name, path.join(context.dir, name), entry)
    }
    if (context.addedDockerfile) {
      const stats = await lstat(context.addedDockerfile)
      await add(ADDED_DOCKERFILE, context.addedDockerfile, {
        kind: 'file',
        mode: stats.mode,
        size: stats.size,
        mtime: stats.mtime
      })
    }
    pack.finalize()
  }
  write().catch((error: unknown) => pack.destroy(error as Error))
  // tar-stream's streams are streamx streams; wrapped, Docker's stdin gets a Node stream.
  return Readable.from(pack)
}

export interface IgnoreRule {
  exclude: boolean
  pattern: RegExp
}

/** `.dockerignore` as moby's patternmatcher reads it: last match wins, `!` re-includes. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = []
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const exclude = !line.startsWith('!')
    if (!exclude) line = line.slice(1).trim()
    const cleaned = path.posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '')
    if (cleaned === '' || cleaned === '.') continue
    rules.push({ exclude, pattern: globRegExp(cleaned, true) })
  }
  return rules
}

/** Whether `relative` (posix) is left out of the context by the rules. */
export function isIgnored(relative: string, rules: IgnoreRule[]): boolean {
  let ignored = false
  const parts = relative.split('/')
  for (const rule of rules) {
    // A pattern that matches a parent directory matches everything below it.
    let matched = rule.pattern.test(relative)
    for (let depth = 1; !matched && depth < parts.length; depth++) {
      matched = rule.pattern.test(parts.slice(0, depth).join('/'))
    }
    if (matched) ignored = rule.exclude
  }
  return ignored
}

/**
 * A glob as a regular expression over posix paths: `*` and `?` stay within a path segment, `[…]`
 * is a character class, `\` escapes; with `doubleStar`, `**` spans segments (dockerignore only).
 */
export function globRegExp(glob: string, doubleStar: boolean): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string
    if (ch === '*') {
      if (doubleStar && glob[i + 1] === '*') {
        i++
        if (glob[i + 1] === '/') {
          i++
          out += '(?:.*/)?'
        } else {
          out += '.*'
        }
      } else {
        out += '[^/]*'
      }
    } else if (ch === '?') {
      out += '[^/]'
    } else if (ch === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) {
        out += '\\['
        continue
      }
      let body = glob.slice(i + 1, end)
      if (body.startsWith('!')) body = `^${body.slice(1)}`
      out += `[${body.replace(/[\\\]]/g, '\\$&')}]`
      i = end
    } else if (ch === '\\' && i + 1 < glob.length) {
      out += (glob[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else {
      out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(`^${out}$`)
}

/**
 * Every path of the context that Docker would send, keyed by relative posix path; `keep` may
 * still leave a file out.
 */
async function walkContext(
  context: string,
  rules: IgnoreRule[],
  keep: (relative: string, absolute: string) => boolean
): Promise<Map<string, ContextEntry>> {
  const entries = new Map<string, ContextEntry>()
  // Without `!` rules nothing below an ignored directory can come back, so it need not be read.
  const canReinclude = rules.some(rule => !rule.exclude)
  const walk = async (relativeDir: string): Promise<void> => {
    const names = (await readdir(path.join(context, relativeDir))).sort()
    for (const name of names) {
      const relative = relativeDir === '' ? name : `${relativeDir}/${name}`
      const absolute = path.join(context, relative)
      const info = await lstat(absolute)
      const ignored = isIgnored(relative, rules)
      const entry = { mode: info.mode, size: info.size, mtime: info.mtime }
      if (info.isDirectory()) {
        if (!ignored) entries.set(relative, { kind: 'dir', ...entry })
        if (!ignored || canReinclude) await walk(relative)
      } else if (info.isSymbolicLink()) {
        if (!ignored) entries.set(relative, { kind: 'symlink', ...entry })
      } else if (!ignored && info.isFile() && keep(relative, absolute)) {
        entries.set(relative, { kind: 'file', ...entry })
      }
    }
  }
  await walk('')
  return entries
}
