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
import { dockerignore, type ContextEntry } from './build-context.js'
import type { ImageRequest } from './docker-build.js'
import { dockerfileDependencies } from './dockerfile-deps.js'

/** What decides the image's bytes: the build's Dockerfile, context, target, arguments and platform. */
export type FingerprintInput = Pick<
  ImageRequest,
  'dockerfile' | 'context' | 'target' | 'buildArgs' | 'platform'
>

export interface Fingerprint {
  /** `fp-<first 32 hex digits>`, a valid docker tag. */
  tag: string
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
  return { tag: `fp-${hex.slice(0, 32)}`, stages: deps.stages, files: selected }
}

const byKey = (a: [string, string], b: [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
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
    // Docker's own matcher: a path matching the source, or below one that does, is selected.
    const rule = dockerignore(/^[!#]/.test(source) ? `\\${source}` : source)
    for (const relative of all) if (rule.ignores(relative)) selected.add(relative)
  }
  return [...selected].sort()
}
