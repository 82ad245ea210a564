import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'

/**
 * Unpacks a staged archive the way Spark does for `archiveUris`: .zip/.jar, .tar, .tgz, .tar.gz.
 * Both run in a child process: Python's zipfile (the drivers' Python) unpacks the thousands of
 * small files of a Kedro project several times faster than a stream per entry in this process
 * (0.3 s against 1.3 s for 2,158 files), and leaves the emulator free to serve meanwhile.
 */
export async function extractArchive(
  file: string,
  destination: string,
  python: string
): Promise<void> {
  await mkdir(destination, { recursive: true })
  const lower = file.toLowerCase()
  if (lower.endsWith('.zip') || lower.endsWith('.jar')) {
    return run(python, ['-c', EXTRACT_ZIP, file, destination], file)
  }
  if (lower.endsWith('.tar') || lower.endsWith('.tgz') || lower.endsWith('.tar.gz')) {
    return run('tar', ['-xf', file, '-C', destination], file)
  }
  throw new Error(`Unsupported archive type: ${file} (expected .zip, .jar, .tar, .tgz or .tar.gz)`)
}

/**
 * Refuses an entry that would land outside the destination, as Hadoop's FileUtil.unZip does
 * (zipfile alone would quietly rewrite such a name); zipfile checks every entry's CRC-32.
 */
const EXTRACT_ZIP = `
import os, sys, zipfile
archive, destination = sys.argv[1], os.path.realpath(sys.argv[2])
with zipfile.ZipFile(archive) as z:
    for name in z.namelist():
        target = os.path.realpath(os.path.join(destination, name))
        if os.path.commonpath([destination, target]) != destination:
            sys.exit(f"entry {name!r} would be written outside {destination}")
    z.extractall(destination)
`

function run(command: string, args: string[], file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code => {
      if (code === 0) return resolve()
      const reason = stderr.trim().split('\n').pop() ?? `exit code ${code}`
      reject(new Error(`Could not extract ${file}: ${reason}`))
    })
  })
}
