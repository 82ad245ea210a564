import { execFile } from 'node:child_process'
import { link, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sleep } from './faults.js'
import { processAlive } from './proc.js'
import {
  BASE_IMAGE_TAG,
  buildRootfsTarball,
  IMAGE_CHANGES,
  readRecipe,
  type Recipe
} from './base-image-recipe.js'

/**
 * The stack's Docker daemon gets a real `python:3.11-slim` (emulators/base-image-recipe.ts says
 * what is in it), so a Dockerfile that starts `FROM python:3.11-slim` builds unchanged here, with
 * real `apt-get install` and `pip install` steps.
 *
 * The root filesystem is built once per recipe (debootstrap: minutes) into a gzipped tarball under
 * the cache directory, named by the recipe's hash, and `docker import`ed into each new daemon
 * (seconds). Several processes may start stacks at once: one builds while the others wait for its
 * lock, and the tarball appears by an atomic rename, so nobody ever reads half of one.
 */

export { BASE_IMAGE_TAG }

/** Shared by every worktree that links .cache to the same place. */
export const DEFAULT_BASE_IMAGE_CACHE = fileURLToPath(
  new URL('../.cache/base-image', import.meta.url)
)

const RECIPE_LABEL = 'kda.base-image.recipe'

export interface BaseImageOptions {
  /** `unix:///…/docker.sock` of the daemon that gets the image. */
  dockerHost: string
  /** Where the tarballs are kept; default .cache/base-image. */
  cacheDir?: string
  /** Default stderr: a first build takes minutes, and whoever waits should know why. */
  log?: (line: string) => void
}

const toStderr = (line: string): void => void process.stderr.write(`base image: ${line}\n`)

const run = promisify(execFile)

/** Makes sure the daemon has `python:3.11-slim` from the current recipe; returns that tag. */
export async function ensureBaseImage(options: BaseImageOptions): Promise<string> {
  const recipe = await readRecipe()
  const env = { ...process.env, DOCKER_HOST: options.dockerHost }
  const labelled = await run(
    'docker',
    ['image', 'inspect', '--format', `{{index .Config.Labels "${RECIPE_LABEL}"}}`, BASE_IMAGE_TAG],
    { env }
  ).then(
    ({ stdout }) => stdout.trim(),
    () => ''
  )
  if (labelled === recipe.key) return BASE_IMAGE_TAG
  const tarball = await baseImageTarball(recipe, options.cacheDir, options.log ?? toStderr)
  const changes = [...IMAGE_CHANGES, `LABEL ${RECIPE_LABEL}=${recipe.key}`]
  try {
    await run(
      'docker',
      ['import', ...changes.flatMap(change => ['--change', change]), tarball, BASE_IMAGE_TAG],
      { env }
    )
  } catch (error) {
    const { stderr } = error as { stderr?: string }
    throw new Error(`docker import ${tarball} failed: ${(stderr || String(error)).trim()}`)
  }
  return BASE_IMAGE_TAG
}

/** The cached tarball of `recipe`, built first when missing (or by another process meanwhile). */
export async function baseImageTarball(
  recipe?: Recipe,
  cacheDir = DEFAULT_BASE_IMAGE_CACHE,
  log: (line: string) => void = () => undefined
): Promise<string> {
  const current = recipe ?? (await readRecipe())
  await mkdir(cacheDir, { recursive: true })
  const tarball = join(cacheDir, `python-3.11-slim-${current.key}.tar.gz`)
  const lock = `${tarball}.lock`
  let waiting = false
  for (;;) {
    if (await exists(tarball)) return tarball
    if (await takeLock(lock)) {
      try {
        if (await exists(tarball)) return tarball
        log(`building ${BASE_IMAGE_TAG} from Debian packages (debootstrap, once) into ${tarball}`)
        await build(current, cacheDir, tarball)
        return tarball
      } finally {
        await rm(lock, { force: true })
      }
    }
    if (!waiting) log(`waiting for another process that builds ${tarball}`)
    waiting = true
    // The builder's lock goes when it ends, whatever the outcome; then the loop looks again.
    await sleep(1000)
  }
}

async function build(recipe: Recipe, cacheDir: string, tarball: string): Promise<void> {
  const work = await mkdtemp(join(cacheDir, '.build-'))
  try {
    const partial = join(work, 'image.tar.gz')
    await buildRootfsTarball(recipe, join(work, 'rootfs'), partial)
    await rename(partial, tarball)
  } finally {
    // --one-file-system: a failed debootstrap can leave /proc or /sys mounted in the root fs.
    await run('rm', ['-rf', '--one-file-system', work]).catch(() => undefined)
  }
}

/**
 * The lock file holds its owner's pid from the moment it exists (written aside, then hard-linked
 * into place, which fails if it is there). A lock whose owner is gone is removed.
 */
async function takeLock(lock: string): Promise<boolean> {
  const mine = `${lock}.${process.pid}`
  await writeFile(mine, `${process.pid}\n`)
  try {
    await link(mine, lock)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const owner = Number(await readFile(lock, 'utf8').catch(() => '0'))
    if (owner > 0 && !processAlive(owner)) await rm(lock, { force: true })
    return false
  } finally {
    await rm(mine, { force: true })
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
