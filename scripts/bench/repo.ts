/**
 * The benchmark's Kedro-shaped git repository: the example project (examples/spaceflights-pyspark)
 * grown to the size of a real one — thousands of source, configuration, notebook and doc files and
 * tens of megabytes of raw data, much of it already compressed (`.parquet`, `.csv.gz`: random
 * bytes, which no archiver can shrink) — committed on `main`, then checked out on a feature branch
 * with uncommitted work on top: modified tracked files (text and one data file) and untracked files.
 *
 * The shape is a pure function of the seed (`repoPlan`), so every run of the benchmark measures
 * the same repository: text comes from a seeded PRNG, data bytes from an AES-CTR keystream keyed by
 * the seed and the path.
 */
import { execFileSync } from 'node:child_process'
import { createCipheriv, createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const EXAMPLE = fileURLToPath(
  new URL('../../examples/spaceflights-pyspark', import.meta.url)
)
/** The guide's entrypoint, placed where the guide's submit_batches.py uploads the main file from. */
export const REFERENCE_ENTRYPOINT = fileURLToPath(
  new URL('../reference/entrypoint.py', import.meta.url)
)
export const BRANCH = 'feature/bench-run'
export const DEFAULT_SEED = 'kedro-dataproc-bench-v1'

export interface PlannedFile {
  /** `/`-separated, relative to the repository root. */
  path: string
  /** Produces the file's bytes; deterministic. */
  content: () => Buffer
  size: number
  /** Random bytes: no archiver can shrink them, whatever the file's name says. */
  random?: boolean
}

export interface RepoPlan {
  /** Committed on main. */
  committed: PlannedFile[]
  /** Written over committed files after the feature branch is checked out. */
  modified: PlannedFile[]
  /** New files, not added to git. */
  untracked: PlannedFile[]
}

/** mulberry32: a small seeded PRNG; good enough to vary names and sizes reproducibly. */
export function prng(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0)
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Incompressible bytes, the same for the same seed and path. */
function randomBytes(seed: string, path: string, size: number): Buffer {
  const key = createHash('sha256').update(`${seed}\0${path}`).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()])
}

/** A file of the given text, or of the given bytes as they are (the example's gzipped sample). */
export function text(path: string, body: string | Buffer): PlannedFile {
  const bytes = Buffer.from(body)
  return { path, size: bytes.length, content: () => bytes }
}

export function binary(seed: string, path: string, size: number): PlannedFile {
  return { path, size, random: true, content: () => randomBytes(seed, path, size) }
}

const WORDS = ['price', 'engine', 'shuttle', 'company', 'review', 'rating', 'crew', 'capacity']

export function pythonModule(random: () => number, name: string, functions: number): string {
  const lines = [`"""Generated module ${name} (benchmark fixture)."""`, '', 'import math', '']
  for (let f = 0; f < functions; f++) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string
    const factor = (random() * 10).toFixed(4)
    lines.push(
      `def ${word}_feature_${f}(values, factor=${factor}):`,
      `    """Scales the ${word} column and clips it at the ${f}th percentile."""`,
      '    total = 0.0',
      '    for value in values:',
      `        total += math.log1p(abs(value)) * factor`,
      `    return {"name": "${name}.${word}_${f}", "score": total / max(len(values), 1)}`,
      '',
      ''
    )
  }
  return lines.join('\n')
}

export function parameters(random: () => number, name: string, keys: number): string {
  const lines = [`# Generated parameters ${name} (benchmark fixture)`, `${name}:`]
  for (let k = 0; k < keys; k++) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string
    lines.push(`  ${word}_${k}: ${(random() * 100).toFixed(3)}`)
  }
  return `${lines.join('\n')}\n`
}

export function notebook(random: () => number, cells: number): string {
  const cellList = Array.from({ length: cells }, (_, c) => ({
    cell_type: 'code',
    execution_count: c + 1,
    metadata: {},
    outputs: [
      { output_type: 'stream', name: 'stdout', text: [`${(random() * 1e6).toFixed(2)}\n`] }
    ],
    source: [`df_${c} = catalog.load("model_input_table")\n`, `df_${c}.describe()\n`]
  }))
  return `${JSON.stringify({ cells: cellList, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`
}

function csv(random: () => number, rows: number): string {
  const lines = ['id,company_rating,engine_type,price,capacity']
  for (let r = 0; r < rows; r++) {
    const engine = WORDS[Math.floor(random() * WORDS.length)] as string
    lines.push(
      `${r},${(random() * 100).toFixed(1)}%,${engine},${(random() * 5000).toFixed(2)},${Math.floor(random() * 12)}`
    )
  }
  return `${lines.join('\n')}\n`
}

export function exampleFiles(): PlannedFile[] {
  const files: PlannedFile[] = []
  const visit = (dir: string): void => {
    for (const dirent of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, dirent.name)
      if (dirent.isDirectory()) visit(full)
      else if (dirent.isFile())
        // Bytes, not text: a gzipped sample decoded as UTF-8 would be corrupt.
        files.push(text(relative(EXAMPLE, full), readFileSync(full)))
    }
  }
  visit(EXAMPLE)
  return files.sort((a, b) => a.path.localeCompare(b.path))
}

export const PACKAGE = 'src/spaceflights_pyspark'

/** The repository's files and working-tree changes; a pure function of the seed and the example. */
export function repoPlan(seed = DEFAULT_SEED): RepoPlan {
  const random = prng(seed)
  const committed: PlannedFile[] = [
    ...exampleFiles(),
    text('scripts/dataproc/main.py', readFileSync(REFERENCE_ENTRYPOINT, 'utf8'))
  ]
  for (let p = 0; p < 40; p++) {
    const pkg = `${PACKAGE}/lib/pkg_${String(p).padStart(2, '0')}`
    committed.push(text(`${pkg}/__init__.py`, `"""Generated package ${p}."""\n`))
    for (let m = 0; m < 40; m++) {
      const name = `mod_${String(m).padStart(2, '0')}`
      committed.push(
        text(`${pkg}/${name}.py`, pythonModule(random, name, 3 + Math.floor(random() * 12)))
      )
    }
    for (let t = 0; t < 5; t++) {
      committed.push(
        text(
          `tests/lib/pkg_${String(p).padStart(2, '0')}/test_mod_${t}.py`,
          pythonModule(random, `test_mod_${t}`, 2 + Math.floor(random() * 4))
        )
      )
    }
  }
  for (let c = 0; c < 120; c++) {
    const name = `params_${String(c).padStart(3, '0')}`
    committed.push(
      text(
        `conf/base/parameters/${name}.yml`,
        parameters(random, name, 10 + Math.floor(random() * 40))
      )
    )
  }
  for (let c = 0; c < 40; c++) {
    committed.push(
      text(
        `conf/base/catalog/catalog_${String(c).padStart(2, '0')}.yml`,
        `dataset_${c}:\n  type: spark.SparkDataset\n  filepath: data/01_raw/table_${c}.parquet\n  file_format: parquet\n`
      )
    )
  }
  for (let n = 0; n < 30; n++) {
    committed.push(
      text(
        `notebooks/exploration_${String(n).padStart(2, '0')}.ipynb`,
        notebook(random, 40 + Math.floor(random() * 80))
      )
    )
  }
  for (let d = 0; d < 40; d++) {
    committed.push(
      text(
        `docs/source/page_${String(d).padStart(2, '0')}.md`,
        `# Page ${d}\n\n${'Kedro pipelines on Dataproc Serverless. '.repeat(20 + Math.floor(random() * 200))}\n`
      )
    )
  }
  // Raw data: `.parquet` and `.csv.gz` hold random bytes (already compressed), `.csv` is text.
  for (let t = 0; t < 40; t++) {
    const size = 900_000 + Math.floor(random() * 300_000)
    committed.push(binary(seed, `data/01_raw/table_${String(t).padStart(2, '0')}.parquet`, size))
  }
  for (let g = 0; g < 12; g++) {
    const size = 400_000 + Math.floor(random() * 200_000)
    committed.push(binary(seed, `data/01_raw/events_${String(g).padStart(2, '0')}.csv.gz`, size))
  }
  for (let s = 0; s < 8; s++) {
    committed.push(text(`data/01_raw/shuttles_${s}.csv`, csv(random, 18_000)))
  }

  const byPath = new Map(committed.map(file => [file.path, file]))
  const modify = (path: string, extra: string): PlannedFile => {
    const base = (byPath.get(path) as PlannedFile).content().toString('utf8')
    return text(path, `${base}${extra}`)
  }
  const modified = [
    ...[0, 7, 13, 21, 33, 39].map(p =>
      modify(
        `${PACKAGE}/lib/pkg_${String(p).padStart(2, '0')}/mod_05.py`,
        `\ndef uncommitted_helper():\n    return "work in progress ${p}"\n`
      )
    ),
    modify('conf/base/parameters/params_003.yml', '  uncommitted_threshold: 0.42\n'),
    modify('conf/base/parameters.yml', '# tuned in the working tree, not committed\n'),
    binary(`${seed}/modified`, 'data/01_raw/table_05.parquet', 1_000_000)
  ]
  const untracked = [
    text(`${PACKAGE}/lib/pkg_00/mod_new.py`, pythonModule(random, 'mod_new', 6)),
    text('conf/base/parameters/params_new.yml', parameters(random, 'params_new', 20)),
    text('notebooks/scratch.ipynb', notebook(random, 20))
  ]
  return { committed, modified, untracked }
}

export interface RepoStats {
  /** Files in the working tree that a snapshot takes: committed, plus untracked, not ignored. */
  files: number
  /** Their bytes on disk. */
  bytes: number
  /** Of which random bytes (already-compressed data, models): incompressible. */
  incompressibleBytes: number
}

/** What the working tree holds once the plan is applied. */
export function planStats(plan: RepoPlan): RepoStats {
  const tree = new Map<string, PlannedFile>()
  for (const file of [...plan.committed, ...plan.modified, ...plan.untracked])
    tree.set(file.path, file)
  let bytes = 0
  let incompressibleBytes = 0
  for (const file of tree.values()) {
    bytes += file.size
    if (file.random) incompressibleBytes += file.size
  }
  return { files: tree.size, bytes, incompressibleBytes }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function write(dir: string, file: PlannedFile): void {
  const path = join(dir, ...file.path.split('/'))
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, file.content())
}

/**
 * Writes the plan into `dir` (empty or absent) as a git repository: everything committed on main,
 * then the feature branch checked out with the modifications and untracked files on top.
 */
export function materialize(plan: RepoPlan, dir: string): void {
  mkdirSync(dir, { recursive: true })
  for (const file of plan.committed) write(dir, file)
  git(dir, 'init', '-q', '-b', 'main')
  // The guide's flow commits on the user's behalf, so the repository needs an identity.
  git(dir, 'config', 'user.email', 'dev@example.com')
  git(dir, 'config', 'user.name', 'Dev')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'Kedro project')
  git(dir, 'checkout', '-q', '-b', BRANCH)
  for (const file of [...plan.modified, ...plan.untracked]) write(dir, file)
}

/** Counts what git sees in a materialized repository, to check it against the plan. */
export function gitCounts(dir: string): { tracked: number; untracked: number; modified: number } {
  const lines = (out: string): number => out.split('\0').filter(Boolean).length
  return {
    tracked: lines(git(dir, 'ls-files', '-z')),
    untracked: lines(git(dir, 'ls-files', '-z', '--others', '--exclude-standard')),
    modified: lines(git(dir, 'ls-files', '-z', '--modified'))
  }
}

/** Bytes on disk of the given repository-relative paths. */
export function diskBytes(dir: string, paths: string[]): number {
  return paths.reduce((sum, path) => sum + statSync(join(dir, ...path.split('/'))).size, 0)
}
