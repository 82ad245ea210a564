/**
 * The workflow artifact: the run's records (driver output, batch, plan) as one zip on the workflow
 * run. A report step: it never fails the run, it says why nothing was uploaded.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

export interface ArtifactFile {
  /** A plain file name, e.g. driver-output.log, batch.json, plan.json. */
  name: string
  content: string
}

export type ArtifactResult =
  { uploaded: true; name: string; id?: number; size?: number } | { uploaded: false; reason: string }

// What @actions/artifact reads to reach the Actions results service; the runner sets both.
const RUNTIME_VARIABLES = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL']

export async function uploadRunArtifacts(
  name: string,
  files: ArtifactFile[]
): Promise<ArtifactResult> {
  // Checked before the runtime, so a caller's mistake shows in local runs too.
  const names = files.map(file => file.name)
  const invalid = names.find((n, i) => n === '' || n !== basename(n) || names.indexOf(n) !== i)
  if (invalid !== undefined) {
    throw new Error(`artifact file names must be distinct plain names, got '${invalid}'`)
  }
  const missing = RUNTIME_VARIABLES.filter(variable => !process.env[variable])
  if (missing.length > 0) {
    return {
      uploaded: false,
      reason: `no Actions runtime (${missing.join(', ')} not set), so artifact ${name} was not uploaded`
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'kedro-dataproc-artifact-'))
  try {
    const paths = await Promise.all(
      files.map(async file => {
        const path = join(dir, file.name)
        await writeFile(path, file.content)
        return path
      })
    )
    // Loaded on first use: the library and the Azure SDK behind it stay out of runs that never
    // upload, and a failure to load them becomes a reason instead of a crash.
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, paths, dir)
    return { uploaded: true, name, id, size }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { uploaded: false, reason: `uploading artifact ${name} failed: ${message}` }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
