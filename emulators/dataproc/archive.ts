import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'

/** Unpacks a staged archive the way Spark does for `archiveUris`: .zip/.jar, .tar, .tgz, .tar.gz. */
export async function extractArchive(file: string, destination: string): Promise<void> {
  await mkdir(destination, { recursive: true })
  const lower = file.toLowerCase()
  if (lower.endsWith('.zip') || lower.endsWith('.jar')) return extractZip(file, destination)
  if (lower.endsWith('.tar') || lower.endsWith('.tgz') || lower.endsWith('.tar.gz')) {
    return extractTar(file, destination)
  }
  throw new Error(`Unsupported archive type: ${file} (expected .zip, .jar, .tar, .tgz or .tar.gz)`)
}

/** Entries written at once: one at a time, thousands of small files take seconds. */
const EXTRACT_CONCURRENCY = 16

async function extractZip(file: string, destination: string): Promise<void> {
  // yauzl rejects absolute names and `..` components, so entries stay inside the destination.
  // Closed below once every write is done, not when the last entry has been listed.
  const zip = await yauzl.openPromise(file, {
    lazyEntries: true,
    strictFileNames: true,
    autoClose: false
  })
  const writing = new Set<Promise<void>>()
  const extract = async (entry: yauzl.Entry, target: string): Promise<void> => {
    await mkdir(dirname(target), { recursive: true })
    await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target))
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const target = join(destination, entry.fileName)
      if (entry.fileName.endsWith('/')) {
        await mkdir(target, { recursive: true })
        continue
      }
      const task = extract(entry, target).finally(() => writing.delete(task))
      // Seen by the race or the final wait; until then it must not count as unhandled.
      task.catch(() => undefined)
      writing.add(task)
      if (writing.size >= EXTRACT_CONCURRENCY) await Promise.race(writing)
    }
    await Promise.all(writing)
  } finally {
    await Promise.allSettled(writing)
    zip.close()
  }
}

function extractTar(file: string, destination: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-xf', file, '-C', destination], {
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`tar could not extract ${file}: ${stderr.trim()}`))
    )
  })
}
