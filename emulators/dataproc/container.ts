import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

/**
 * The batch's `containerImage`, as Dataproc handles it: pulled from the registry by the reference
 * the batch names (best a digest), its configured environment read back, and the checks the
 * service makes on a custom image.
 */

/** The stack's Docker daemon and the registry its batches pull from. */
export interface ContainerHost {
  /** unix:///…/docker.sock */
  dockerHost: string
  /** host:port */
  registry: string
}

export interface PulledImage {
  reference: string
  /** The image's `ENV`, which `docker run` applies. */
  env: Record<string, string>
}

/** Dataproc's user and group for every container of a batch. */
export const SPARK_UID = 1099

export class ImagePullError extends Error {
  override name = 'ImagePullError'
}

const run = promisify(execFile)

export function docker(host: ContainerHost, args: string[]): Promise<{ stdout: string }> {
  return run('docker', ['-H', host.dockerHost, ...args], { maxBuffer: 16 * 1024 * 1024 })
}

/**
 * Pulls the image from the stack's registry. Dataproc pulls only from Artifact Registry and
 * Container Registry; the stack's registry stands for those, so an image elsewhere cannot be pulled
 * (this machine reaches no other registry anyway).
 */
export async function pullImage(host: ContainerHost, reference: string): Promise<PulledImage> {
  if (!reference.startsWith(`${host.registry}/`)) {
    throw new ImagePullError(
      `Failed to pull container image ${reference}: the image is not in the local stack's ` +
        `registry ${host.registry}, the only registry its batches can pull from`
    )
  }
  try {
    await docker(host, ['pull', '--quiet', reference])
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message
    throw new ImagePullError(`Failed to pull container image ${reference}: ${stderr}`)
  }
  const { stdout } = await docker(host, [
    'image',
    'inspect',
    '--format',
    '{{json .Config.Env}}',
    reference
  ])
  const list = (JSON.parse(stdout) as string[] | null) ?? []
  const env = Object.fromEntries(
    list.map(entry => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])
  )
  return { reference, env }
}

/** The warning the service gives an image that sets SPARK_HOME (it mounts its own Spark). */
export function bundledSparkWarning(image: PulledImage): string | undefined {
  const home = image.env.SPARK_HOME
  if (!home) return undefined
  return bundledSpark(`SPARK_HOME=${home}`)
}

export function bundledSpark(what: string): string {
  return (
    `WARNING: the container image bundles Spark (${what}). Dataproc mounts the runtime's ` +
    `Spark into the container at run time, and a custom image must not include Spark: the ` +
    `runtime's Spark is used.`
  )
}
