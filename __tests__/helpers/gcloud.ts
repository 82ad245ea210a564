import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runCommand, type CommandResult } from './command.js'

export type GcloudResult = CommandResult

export interface Gcloud {
  /** A scratch directory, gcloud's working directory; its configuration lives inside. */
  work: string
  run(args: string[]): Promise<GcloudResult>
  /** Runs gcloud and fails with its output when it exits non-zero. */
  ok(args: string[]): Promise<string>
  remove(): Promise<void>
}

/**
 * The installed Google Cloud CLI pointed at a stack's emulators (or some of them) the way a
 * developer would (api_endpoint_overrides, no credentials), with a configuration of its own.
 */
export async function gcloudFor(
  stack: Partial<Pick<Stack, 'storage' | 'dataprocRest' | 'logging'>>,
  project: string
): Promise<Gcloud> {
  const work = await mkdtemp(join(tmpdir(), 'kda-gcloud-'))
  const configDir = join(work, 'config')
  // CLOUDSDK_* variables override the configuration (a CLOUDSDK_CORE_PROJECT or an endpoint
  // override from the developer's shell would point the test elsewhere); only the choice of
  // Python interpreter is kept.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('CLOUDSDK_') || key.startsWith('CLOUDSDK_PYTHON')
    )
  )
  const run = (args: string[]): Promise<GcloudResult> =>
    runCommand('gcloud', args, {
      cwd: work,
      env: { ...env, CLOUDSDK_CONFIG: configDir, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' }
    })
  const ok = async (args: string[]): Promise<string> => {
    const result = await run(args)
    if (result.code !== 0) {
      throw new Error(
        `gcloud ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`
      )
    }
    return result.stdout
  }
  const overrides: [string, string | undefined][] = [
    ['api_endpoint_overrides/storage', stack.storage && `${stack.storage}/storage/v1/`],
    ['api_endpoint_overrides/dataproc', stack.dataprocRest && `${stack.dataprocRest}/`],
    ['api_endpoint_overrides/logging', stack.logging && `${stack.logging}/`]
  ]
  for (const [property, value] of [
    ...overrides.filter((entry): entry is [string, string] => entry[1] !== undefined),
    ['auth/disable_credentials', 'true'],
    ['core/project', project],
    ['core/disable_usage_reporting', 'true'],
    ['component_manager/disable_update_check', 'true']
  ] as const) {
    await ok(['config', 'set', property, value])
  }
  return { work, run, ok, remove: () => rm(work, { recursive: true, force: true }) }
}
