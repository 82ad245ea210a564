/**
 * The snapshot engine against maintained zip libraries, on the bench's three repositories
 * (shapes.ts): time, peak memory and determinism. `tsx scripts/bench/zip-engines.ts [--runs N]
 * [--repos a,b]` prints a table; docs/performance.md has the figures and the decision.
 *
 * Each run is its own process, so its peak resident memory (`maxRSS`, the worker thread included)
 * is that engine's alone. Every engine lists the files itself (git, as the action does), picks
 * deflate level 1 or store per file by the same rule (compress.ts), gives every entry the same
 * fixed time and mode, writes the zip to a file and checksums the bytes (CRC32C, as the upload
 * needs). Between the runs of an engine every file's mtime changes: a deterministic engine still
 * writes the same bytes. The libraries' CRC-32 is Node's native one, as in the bundle
 * (src/lib/native-crc32.cjs), so they are not slowed by buffer-crc32's JavaScript.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, readFileSync, utimesSync } from 'node:fs'
import { lstat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Checksummer } from '../../src/lib/checksum.js'
import { levelForFile } from '../../src/steps/code/compress.js'
import { listProjectFiles } from '../../src/steps/code/list.js'
import { snapshotWorkingTree } from '../../src/steps/code/snapshot.js'
import { materialize, planStats } from './repo.js'
import { SHAPES } from './shapes.js'

const require = createRequire(import.meta.url)
const ENGINES = ['ours', 'yazl', 'archiver'] as const
type Engine = (typeof ENGINES)[number]
const FIXED_TIME = new Date('1980-01-01T00:00:00Z')

interface Measured {
  seconds: number
  maxRssMB: number
  bytes: number
  sha256: string
}

interface Member {
  name: string
  file: string
  level: number
}

/** The files a snapshot holds, in name order, with the level the engine uses for each. */
async function members(dir: string): Promise<Member[]> {
  const { names } = await listProjectFiles(dir)
  const out: Member[] = []
  for (const name of [...names].sort()) {
    const file = path.join(dir, name)
    const info = await lstat(file).catch(() => undefined)
    if (info?.isFile()) out.push({ name, file, level: levelForFile(name, file, info.size) })
  }
  return out
}

/** Writes `zip` to `out`, checksumming on the way as the upload does. */
async function drain(zip: Readable, out: string): Promise<void> {
  const sums = await Checksummer.create()
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sums.update(chunk)
      done(null, chunk)
    }
  })
  await pipeline(zip, tap, createWriteStream(out))
}

async function withYazl(dir: string, out: string): Promise<void> {
  const yazl = (await import('yazl')).default
  const zip = new yazl.ZipFile()
  for (const { name, file, level } of await members(dir))
    zip.addFile(file, name, { mtime: FIXED_TIME, mode: 0o100644, compressionLevel: level })
  zip.end()
  await drain(zip.outputStream as Readable, out)
}

interface ArchiverZip extends Readable {
  file(file: string, data: { name: string; date: Date; mode: number; store: boolean }): void
  finalize(): Promise<void>
}

async function withArchiver(dir: string, out: string): Promise<void> {
  const archiver = require('archiver') as (
    format: 'zip',
    options: { zlib: { level: number } }
  ) => ArchiverZip
  const zip = archiver('zip', { zlib: { level: 1 } })
  for (const { name, file, level } of await members(dir))
    zip.file(file, { name, date: FIXED_TIME, mode: 0o644, store: level === 0 })
  const written = drain(zip, out)
  await zip.finalize()
  await written
}

async function measureOne(engine: Engine, dir: string, out: string): Promise<Measured> {
  // As the bundle does: buffer-crc32's API over Node's native CRC-32.
  const crcPath = require.resolve('buffer-crc32', { paths: [require.resolve('archiver')] })
  require.cache[crcPath] = { exports: require('../../src/lib/native-crc32.cjs') } as NodeJS.Module
  const start = performance.now()
  if (engine === 'ours') await snapshotWorkingTree({ projectDir: dir, outFile: out })
  else if (engine === 'yazl') await withYazl(dir, out)
  else await withArchiver(dir, out)
  const seconds = (performance.now() - start) / 1000
  const hash = createHash('sha256')
  await pipeline(createReadStream(out), hash)
  const { size } = await lstat(out)
  const maxRssMB = process.resourceUsage().maxRSS / 1024
  return { seconds, maxRssMB, bytes: size, sha256: hash.digest('hex') }
}

const treeFiles = (dir: string): string[] =>
  execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
    .split('\0')
    .filter(Boolean)
    .map(name => path.join(dir, name))

/** Every file's mtime moved, contents untouched: the same tree to git and to a deterministic zip. */
function touchAll(dir: string, at: number): void {
  for (const file of treeFiles(dir)) utimesSync(file, at, at)
}

function runChild(engine: Engine, dir: string, out: string): Measured {
  const script = fileURLToPath(import.meta.url)
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', script, '--engine', engine, '--dir', dir, '--out', out],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 }
  )
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Measured
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      runs: { type: 'string', default: '3' },
      repos: { type: 'string', default: SHAPES.map(shape => shape.name).join(',') },
      work: { type: 'string', default: path.join(tmpdir(), 'kda-zip-engines') }
    }
  })
  if (values.engine) {
    const measured = await measureOne(values.engine as Engine, values.dir ?? '', values.out ?? '')
    process.stdout.write(`${JSON.stringify(measured)}\n`)
    return
  }
  const rows: string[] = []
  for (const shape of SHAPES.filter(s => (values.repos ?? '').split(',').includes(s.name))) {
    const dir = path.join(values.work ?? '', shape.name)
    const plan = shape.plan()
    if (!existsSync(dir)) materialize(plan, dir)
    const stats = planStats(plan)
    process.stderr.write(`${shape.name}: ${JSON.stringify(stats)}\n`)
    // Every engine reads from the page cache, not only the ones that run after the first.
    for (const file of treeFiles(dir)) readFileSync(file)
    let ours = 0
    for (const engine of ENGINES) {
      const runs: Measured[] = []
      for (let run = 0; run < Number(values.runs); run++) {
        touchAll(dir, 1_700_000_000 + run * 3600)
        runs.push(runChild(engine, dir, path.join(values.work ?? '', `${engine}.zip`)))
      }
      const seconds = median(runs.map(r => r.seconds))
      if (engine === 'ours') ours = seconds
      const same = new Set(runs.map(r => r.sha256)).size === 1
      rows.push(
        [
          shape.name.padEnd(17),
          engine.padEnd(9),
          `${seconds.toFixed(2)} s`.padStart(8),
          `${(seconds / ours).toFixed(2)}×`.padStart(6),
          `${Math.max(...runs.map(r => r.maxRssMB)).toFixed(0)} MB`.padStart(8),
          `${((runs[0] as Measured).bytes / 1024 / 1024).toFixed(1)} MiB`.padStart(10),
          same ? 'identical' : 'DIFFER'
        ].join('  ')
      )
      process.stderr.write(`${rows.at(-1)}\n`)
    }
  }
  const header = ['repository       ', 'engine   ', '    time', ' ratio', 'peak RSS', '  zip size']
  process.stdout.write(`${[...header, 'bytes across runs'].join('  ')}\n${rows.join('\n')}\n`)
}

await main()
