/**
 * The image's Python requirements, as far as the files say: the requirements files that the
 * Dockerfile's build target copies from the context. Read to tell whether gcsfs is there (gs://
 * paths need it) and pyspark is not (Dataproc mounts its own Spark).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { errorMessage } from '../lib/errors.js'
import { dockerfileDependencies } from '../steps/image/dockerfile-deps.js'

export interface Requirement {
  /** The file, relative to the project, and the line as written. */
  file: string
  line: string
  /** The normalised project name (`kedro-datasets`) and its extras. */
  name: string
  extras: string[]
}

export type ImageRequirements =
  { requirements: Requirement[]; files: string[] } | { skipped: string }

const REQUIREMENTS_FILE = /(^|\/)requirements[^/]*\.(txt|in)$/
const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/

/** Requirement lines of `text`: names and extras, without comments, options and includes. */
export function parseRequirements(file: string, text: string): Requirement[] {
  const found: Requirement[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    const match = NAME.exec(line)
    if (!match || line.startsWith('-')) continue
    const name = (match[1] as string).toLowerCase().replace(/[._]+/g, '-')
    const extras = (match[2] ?? '')
      .split(',')
      .map(extra => extra.trim().toLowerCase())
      .filter(Boolean)
    found.push({ file, line, name, extras })
  }
  return found
}

/** Context paths the build reads that are requirements files (a directory: those at its top). */
function requirementFiles(context: string, sources: string[]): string[] {
  const files = new Set<string>()
  for (const source of sources) {
    const path = join(context, source)
    if (!existsSync(path)) continue
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort())
        if (REQUIREMENTS_FILE.test(name)) files.add(join(path, name))
    } else if (REQUIREMENTS_FILE.test(source)) files.add(path)
  }
  return [...files]
}

export interface ImageBuild {
  directory: string
  /** Undefined for a prebuilt image. */
  dockerfile?: string
  context: string
  target: string
  buildArgs: Record<string, string>
}

export function imageRequirements(build: ImageBuild): ImageRequirements {
  if (!build.dockerfile)
    return { skipped: 'the image is prebuilt (image), so its requirements cannot be read' }
  if (!existsSync(build.dockerfile))
    return { skipped: `${relative(build.directory, build.dockerfile)} does not exist` }
  let sources: string[]
  try {
    ;({ sources } = dockerfileDependencies(
      readFileSync(build.dockerfile, 'utf8'),
      build.target,
      build.buildArgs
    ))
  } catch (error) {
    // The build itself reports a Dockerfile it cannot use.
    return { skipped: `the Dockerfile could not be read: ${errorMessage(error)}` }
  }
  const files = requirementFiles(build.context, sources)
  if (files.length === 0)
    return { skipped: `the Dockerfile's ${build.target} stage copies no requirements*.txt` }
  const shown = files.map(file => relative(build.directory, file))
  return {
    files: shown,
    requirements: files.flatMap((file, i) =>
      parseRequirements(shown[i] as string, readFileSync(file, 'utf8'))
    )
  }
}

// kedro-datasets 9.x: these extras install pyspark, these install gcsfs.
const PYSPARK_EXTRAS = ['spark-base', 'spark-local', 'spark', 'spark-all']
const GCSFS_EXTRAS = ['spark-gcs', 'spark-cloud', 'spark-all']

const hasExtra = (requirement: Requirement, name: string, extras: string[]): boolean =>
  requirement.name === name && requirement.extras.some(extra => extras.includes(extra))

/** The lines that put pyspark into the image. */
export const pysparkLines = (requirements: Requirement[]): Requirement[] =>
  requirements.filter(r => r.name === 'pyspark' || hasExtra(r, 'kedro-datasets', PYSPARK_EXTRAS))

export const hasGcsfs = (requirements: Requirement[]): boolean =>
  requirements.some(
    r =>
      r.name === 'gcsfs' ||
      hasExtra(r, 'kedro-datasets', GCSFS_EXTRAS) ||
      hasExtra(r, 'fsspec', ['gcs'])
  )
