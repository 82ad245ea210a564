import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { link, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { processAlive } from '../../emulators/proc.js'
import type { Stack } from '../../emulators/stack.js'
import { ROOT } from './action.js'
import { manifestDigest } from './image-files.js'

/**
 * A small real image for batches that only need to run: FROM python:3.11-slim (the stack's base),
 * the `spark` user (1099), and what a tiny Kedro project needs (Kedro, kedro-datasets' Spark
 * extras without PySpark, gcsfs) at the versions of the stack's driver environment. Built once
 * per recipe (pip reaches PyPI through `--network host`), saved as a tarball under
 * .cache/test-image and loaded into each test stack's daemon, then pushed to its registry.
 */

const REQUIREMENTS_IN = join(ROOT, 'emulators', 'driver-env', 'requirements.in')
const CACHE = join(ROOT, '.cache', 'test-image')
/** Set in the image; tests read it back in the driver. */
export const TEST_IMAGE_ENV = 'KDA_TEST_IMAGE'
const REPOSITORY = 'my-project-123/kedro/test-image'

const run = promisify(execFile)

function pinOf(requirements: string, name: string): string {
  const version = new RegExp(`^${name}(?:\\[[^\\]]*\\])?==(\\S+)`, 'm').exec(requirements)?.[1]
  if (!version) throw new Error(`${REQUIREMENTS_IN} pins no ${name}`)
  return version
}

async function recipe(): Promise<{ dockerfile: string; requirements: string; key: string }> {
  const pins = await readFile(REQUIREMENTS_IN, 'utf8')
  // No PySpark: Dataproc mounts Spark into the container, and an image must not bundle it.
  const requirements = [
    `kedro==${pinOf(pins, 'kedro')}`,
    `kedro-datasets[spark-gcs,hdfs-base,s3fs-base]==${pinOf(pins, 'kedro-datasets')}`,
    `gcsfs==${pinOf(pins, 'gcsfs')}`,
    ''
  ].join('\n')
  const dockerfile = [
    'FROM python:3.11-slim',
    'RUN groupadd -g 1099 spark && useradd -u 1099 -g 1099 -d /home/spark -m spark',
    'COPY requirements.txt /tmp/requirements.txt',
    'RUN pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt',
    `ENV ${TEST_IMAGE_ENV}=from-the-image-env`,
    'USER spark',
    ''
  ].join('\n')
  const key = createHash('sha256').update(dockerfile).update(requirements).digest('hex')
  return { dockerfile, requirements, key: key.slice(0, 16) }
}

/**
 * The test image in `stack`'s registry, by digest: `HOST:PORT/my-project-123/kedro/test-image@sha256:…`.
 * Needs the stack's Docker daemon and registry.
 */
export async function testImage(stack: Stack): Promise<string> {
  const dockerHost = stack.dockerHost as string
  const registry = stack.registry as string
  const { key } = await recipe()
  const local = `kda-test-image:${key}`
  const tarball = await testImageTarball(dockerHost)
  const docker = (...args: string[]) =>
    run('docker', ['-H', dockerHost, ...args], { maxBuffer: 64 * 1024 * 1024 })
  await docker('load', '--quiet', '--input', tarball)
  const tagged = `${registry}/${REPOSITORY}:${key}`
  await docker('tag', local, tagged)
  await docker('push', '--quiet', tagged)
  const digest = await manifestDigest(registry, REPOSITORY, key)
  if (!digest) throw new Error(`${tagged} was pushed, yet the registry does not have it`)
  return `${registry}/${REPOSITORY}@${digest}`
}

/** The tarball of the test image, built with `dockerHost` when no one has built it yet. */
async function testImageTarball(dockerHost: string): Promise<string> {
  const { dockerfile, requirements, key } = await recipe()
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
