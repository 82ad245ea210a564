import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileChecksums, type Checksums } from '../checksum.js'
import type { Plan } from '../plan.js'
import { snapshotWorkingTree } from './snapshot.js'
import type { UploadItem } from './upload.js'

export interface LocalFile {
  path: string
  checksums: Checksums
}

export interface CodeArtifacts {
  code: LocalFile & { files: number; skipped: string[] }
  entrypoint: LocalFile
}

/** The two files a run needs in GCS: the snapshot of the project and the main file. */
export async function snapshotCode(
  projectDir: string,
  entrypointPath: string
): Promise<CodeArtifacts> {
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'kedro-code-'))
  const [snapshot, entrypointSums] = await Promise.all([
    snapshotWorkingTree({ projectDir, outFile: join(dir, 'code.zip') }),
    fileChecksums(entrypointPath)
  ])
  return {
    code: {
      path: snapshot.path,
      checksums: snapshot,
      files: snapshot.files,
      skipped: snapshot.skipped
    },
    entrypoint: { path: entrypointPath, checksums: entrypointSums }
  }
}

export function codeUploads(plan: Plan, artifacts: CodeArtifacts): UploadItem[] {
  const immutable = plan.env === 'prod'
  return [
    {
      localPath: artifacts.entrypoint.path,
      uri: plan.storage.entrypointUri,
      contentType: 'text/x-python',
      checksums: artifacts.entrypoint.checksums,
      immutable
    },
    {
      localPath: artifacts.code.path,
      uri: plan.storage.codeUri,
      contentType: 'application/zip',
      checksums: artifacts.code.checksums,
      immutable
    }
  ]
}
