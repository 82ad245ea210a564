import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { link, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { readRecipe } from '../../emulators/base-image-recipe.js'
import { processAlive } from '../../emulators/proc.js'
import type { Stack } from '../../emulators/stack.js'
import { ROOT } from './action.js'
import { EXAMPLE } from './project.js'
import { manifestDigest } from './image-files.js'

/**
 * A small real image for batches that only need to run: FROM python:3.11-slim (the stack's base),
 * the `spark` user (1099), and what the example and the tiny Kedro project need (Kedro,
 * kedro-datasets' Spark and pandas extras without PySpark, gcsfs, pandas) at the versions of the
 * stack's driver environment. Built once per recipe and base image (pip reaches PyPI through
 * `--network host`), saved as a tarball under .cache/test-image and loaded into each test stack's
 * daemon, then pushed to its registry.
 */

/** Its libraries: the example's, which pins those of the driver environment (no PySpark). */
const REQUIREMENTS = join(EXAMPLE, 'requirements.txt')
const CACHE = join(ROOT, '.cache', 'test-image')
/** Set in the image; tests read it back in the driver. */
export const TEST_IMAGE_ENV = 'KDA_TEST_IMAGE'
const REPOSITORY = 'my-project-123/kedro/test-image'

const run = promisify(execFile)

interface Recipe {
  dockerfile: string
  requirements: string
  key: string
}

/** Keyed by its own recipe and that of the python:3.11-slim it is built on. */
async function recipe(): Promise<Recipe> {
  const base = (await readRecipe()).key
  const requirements = await readFile(REQUIREMENTS, 'utf8')
  const dockerfile = [
    'FROM python:3.11-slim',
    'RUN groupadd -g 1099 spark && useradd -u 1099 -g 1099 -d /home/spark -m spark',
    'COPY requirements.txt /tmp/requirements.txt',
    'RUN pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt',
    `ENV ${TEST_IMAGE_ENV}=from-the-image-env`,
    'USER spark',
    ''
  ].join('\n')
  const key = createHash('sha256').update(`${base}\n${dockerfile}\n${requirements}`).digest('hex')
  return { dockerfile, requirements, key: key.slice(0, 16) }
}

/**
 * The test image in `stack`'s registry, by digest: `HOST:PORT/my-project-123/kedro/test-image@sha256:…`.
 * Needs the stack's Docker daemon and registry.
 */
export async function testImage(stack: Stack): Promise<string> {
  const dockerHost = stack.dockerHost as string
  const registry = stack.registry as string
  const docker = (...args: string[]) =>
    run('docker', ['-H', dockerHost, ...args], { maxBuffer: 64 * 1024 * 1024 })
  const wanted = await recipe()
  const { key } = wanted
  const tarball = await testImageTarball(dockerHost, wanted)
  const { stdout } = await docker('load', '--input', tarball)
  const local = /Loaded image: (\S+)/.exec(stdout)?.[1]
  if (!local) throw new Error(`docker load of ${tarball} named no image: ${stdout}`)
  const tagged = `${registry}/${REPOSITORY}:${key}`
  await docker('tag', local, tagged)
  await docker('push', '--quiet', tagged)
  const digest = await manifestDigest(registry, REPOSITORY, key)
  if (!digest) throw new Error(`${tagged} was pushed, yet the registry does not have it`)
  return `${registry}/${REPOSITORY}@${digest}`
}

/** The tarball of the test image, built with `dockerHost` when no one has built it yet. */
async function testImageTarball(dockerHost: string, wanted: Recipe): Promise<string> {
  const { dockerfile, requirements, key } = wanted
  const tarball = join(CACHE, `${key}.tar`)
  await mkdir(CACHE, { recursive: true })
  const lock = `${tarball}.lock`
  for (;;) {
    if (await exists(tarball)) return tarball
    if (await takeLock(lock)) {
      try {
        if (await exists(tarball)) return tarball
        const context = await mkdtemp(join(CACHE, '.build-'))
        try {
          await writeFile(join(context, 'Dockerfile'), dockerfile)
          await writeFile(join(context, 'requirements.txt'), requirements)
          const docker = ['-H', dockerHost]
          const tag = `kda-test-image:${key}`
          await run('docker', [...docker, 'build', '--network', 'host', '-t', tag, context], {
            maxBuffer: 64 * 1024 * 1024
          })
          await run('docker', [...docker, 'save', '--output', join(context, 'image.tar'), tag])
          await rename(join(context, 'image.tar'), tarball)
        } finally {
          await rm(context, { recursive: true, force: true })
        }
        return tarball
      } finally {
        await rm(lock, { force: true })
      }
    }
    // Another test file is building it: wait for its lock to go, then look again.
    await new Promise(resolve => setTimeout(resolve, 1000))
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

/** A lock file holding its owner's pid (written aside, hard-linked into place); a dead owner's goes. */
async function takeLock(lock: string): Promise<boolean> {
  const mine = `${lock}.${process.pid}`
  await writeFile(mine, String(process.pid))
  try {
    await link(mine, lock)
    return true
  } catch {
    const owner = Number(await readFile(lock, 'utf8').catch(() => '0'))
    if (owner > 0 && !processAlive(owner)) await rm(lock, { force: true })
    return false
  } finally {
    await rm(mine, { force: true })
  }
}

/**
 * An image a batch of `stack` runs in: the test image where the stack has Docker, else any
 * reference (a stack without Docker runs every batch in the runtime's default environment).
 */
export async function runnableImage(stack: Stack): Promise<string> {
  if (stack.dockerHost && stack.registry) return testImage(stack)
  return '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'
}
