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
import ignore, { type Ignore } from '@balena/dockerignore'
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
  const patterns = await readFile(path.join(root, '.dockerignore'), 'utf8').catch(() => '')
  const leftOut: string[] = []
  const entries = await walkContext(root, patterns, (relative, absolute) => {
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

/**
 * `.dockerignore` as Docker reads it (moby's patternmatcher: last match wins, `!` re-includes, a
 * pattern matching a directory matches everything below it, `**` spans directories), through
 * `@balena/dockerignore`, a port of moby's code; case-sensitive, as Docker is on Linux.
 * `__tests__/integration/dockerignore.test.ts` holds it to a real `docker build`.
 */
export function dockerignore(patterns: string): Ignore {
  // The package is CommonJS with its function as `default` too; that is the one its types name.
  return ignore.default({ ignorecase: false }).add(patterns)
}

/**
 * Whether Docker looks inside an ignored directory: as moby's archive walk does, only when a `!`
 * pattern, as written, starts with the directory's path. So `**` then `!**\/*.py` brings nothing
 * back, and `data` then `!data/01_raw/x.csv` does (the integration test shows both on Docker).
 */
function reincludedBelow(patterns: string): (directory: string) => boolean {
  const exceptions = patterns
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.startsWith('!'))
    .map(line => `${path.posix.normalize(line.slice(1).trim()).replace(/^\/+/, '')}/`)
  return directory => exceptions.some(exception => exception.startsWith(`${directory}/`))
}

/**
 * Every path of the context that Docker would send, keyed by relative posix path; `keep` may
 * still leave a file out.
 */
async function walkContext(
  context: string,
  patterns: string,
  keep: (relative: string, absolute: string) => boolean
): Promise<Map<string, ContextEntry>> {
  const entries = new Map<string, ContextEntry>()
  const rules = dockerignore(patterns)
  const mayReinclude = reincludedBelow(patterns)
  const walk = async (relativeDir: string): Promise<void> => {
    const names = (await readdir(path.join(context, relativeDir))).sort()
    for (const name of names) {
      const relative = relativeDir === '' ? name : `${relativeDir}/${name}`
      const absolute = path.join(context, relative)
      const info = await lstat(absolute)
      const ignored = rules.ignores(relative)
      const entry = { mode: info.mode, size: info.size, mtime: info.mtime }
      if (info.isDirectory()) {
        if (!ignored) entries.set(relative, { kind: 'dir', ...entry })
        if (!ignored || mayReinclude(relative)) await walk(relative)
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
