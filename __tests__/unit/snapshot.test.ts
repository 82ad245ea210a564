import { execFile, execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  appendFileSync,
  chmodSync,
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { fileURLToPath } from 'node:url'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { deflateRawSync, gzipSync } from 'node:zlib'
import { CRC32C } from '@google-cloud/storage'
import yauzl from 'yauzl'
import { planSnapshot, snapshotWorkingTree } from '../../src/steps/code/snapshot.js'
import { zipBytes } from '../../src/steps/code/zip-bytes.js'

const execFileAsync = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'snapshot-'))

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function git(cwd: string, ...args: string[]): string {
  // GIT_OPTIONAL_LOCKS=0 so that the test's own `git status` does not refresh the index either.
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' }
    }
  )
}

function write(root: string, name: string, content: string | Buffer, mode?: number): void {
  const file = join(root, name)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, content)
  if (mode !== undefined) chmodSync(file, mode)
}

function newDir(prefix: string): string {
  return mkdtempSync(join(scratch, prefix))
}

interface ZipEntry {
  name: string
  data: Buffer
  method: number
  mode: number
  extraFields: number
  date: number
  time: number
  /** Sizes and CRC follow the data (a streamed entry) rather than lead it (a buffered one). */
  descriptor: boolean
}

async function readZip(file: string): Promise<ZipEntry[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true })
  const entries: ZipEntry[] = []
  for await (const entry of zip.eachEntry()) {
    entries.push({
      name: entry.fileName,
      data: await buffer(await zip.openReadStreamPromise(entry)),
      method: entry.compressionMethod,
      mode: entry.externalFileAttributes >>> 16,
      extraFields: entry.extraFields.length,
      date: entry.lastModFileDate,
      time: entry.lastModFileTime,
      descriptor: (entry.generalPurposeBitFlag & 0x8) !== 0
    })
  }
  zip.close()
  return entries
}

/** An entry's bytes as stored in the zip, still compressed. */
async function storedBytes(file: string, name: string): Promise<Buffer> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true })
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== name) continue
      return await buffer(await zip.openReadStreamPromise(entry, { decompress: false }))
    }
  } finally {
    zip.close()
  }
  throw new Error(`${name} is not in ${file}`)
}

/** Python's zipfile reads every entry and names the first whose CRC-32 is wrong; 'None' if none. */
async function firstBadCrc(file: string): Promise<string> {
  const { stdout } = await execFileAsync('python3', [
    '-c',
    'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).testzip())',
    file
  ])
  return stdout.trim()
}

const csv = 'sepal_length,species\n5.1,setosa\n'.repeat(50)
const parquetLike = randomBytes(4096)

/**
 * A Kedro-like repository with every kind of working-tree state: committed, modified, deleted,
 * staged, untracked, ignored (three ways), odd names, executables, symlinks, a submodule, a nested
 * repository, and a stash entry that must survive.
 */
function makeFixture(): { root: string; outside: string } {
  const root = newDir('repo-')
  const outside = newDir('outside-')
  write(outside, 'outside.txt', 'not part of the project\n')
  write(outside, 'global-excludes', '*.tmp\n')

  git(root, 'init', '-q', '-b', 'main')
  git(root, 'config', 'core.excludesFile', join(outside, 'global-excludes'))
  write(root, '.gitignore', 'data/08_reporting/\n*.log\n')
  write(root, 'README.md', '# demo\n')
  write(root, 'conf/base/catalog.yml', 'iris:\n  type: pandas.CSVDataset\n')
  write(root, 'src/pkg/__init__.py', '')
  write(root, 'src/pkg/nodes.py', 'def f():\n    pass\n')
  write(root, 'src/pkg/pipeline.py', 'v1\n')
  write(root, 'scripts/run.sh', '#!/bin/sh\necho hi\n', 0o755)
  write(root, 'data/01_raw/iris.csv.gz', gzipSync(csv))
  write(root, 'data/08_reporting/.gitkeep', '')
  symlinkSync('../README.md', join(root, 'src/link-to-readme.md'))
  git(root, 'add', '.')
  git(root, 'add', '-f', 'data/08_reporting/.gitkeep')
  git(root, 'commit', '-q', '-m', 'initial')
  // An uninitialised submodule: a gitlink in the index and an empty directory on disk.
  mkdirSync(join(root, 'vendor/sub'), { recursive: true })
  const head = git(root, 'rev-parse', 'HEAD').trim()
  git(root, 'update-index', '--add', '--cacheinfo', `160000,${head},vendor/sub`)
  git(root, 'commit', '-q', '-m', 'submodule')

  write(root, 'README.md', '# stashed change\n')
  git(root, 'stash', '-q')

  write(root, 'README.md', '# demo\nuncommitted line\n')
  rmSync(join(root, 'src/pkg/nodes.py'))
  write(root, 'src/pkg/pipeline.py', 'v2\n')
  git(root, 'add', 'src/pkg/pipeline.py')
  write(root, 'src/pkg/pipeline.py', 'v3\n')
  write(root, 'src/pkg/staged.py', 'staged\n')
  git(root, 'add', 'src/pkg/staged.py')
  write(root, 'src/pkg/untracked_helper.py', 'helper\n')
  write(root, 'src/pkg/debug.log', 'ignored by *.log\n')
  write(root, 'notes/new file.md', 'spaces\n')
  write(root, 'notes/données ü.txt', 'unicode\n')
  write(root, 'notes/line\nbreak.txt', 'newline in the name\n')
  write(root, 'tools/exec.sh', '#!/bin/sh\n', 0o755)
  write(root, 'data/02_intermediate/model.parquet', parquetLike)
  write(root, 'data/08_reporting/plot.png', 'ignored directory\n')
  write(root, 'logs/run.log', 'ignored\n')
  write(root, 'secret.txt', 'excluded by .git/info/exclude\n')
  write(root, '.git/info/exclude', 'secret.txt\n')
  write(root, 'cache.tmp', 'excluded by core.excludesFile\n')
  symlinkSync('conf/base/catalog.yml', join(root, 'link-inside.yml'))
  symlinkSync(join(outside, 'outside.txt'), join(root, 'link-outside.txt'))
  symlinkSync('conf', join(root, 'link-dir'))
  symlinkSync('does-not-exist', join(root, 'link-broken'))
  mkdirSync(join(root, 'empty'))
  mkdirSync(join(root, 'nested'))
  git(join(root, 'nested'), 'init', '-q')
  write(root, 'nested/inner.txt', 'belongs to another repository\n')
  return { root, outside }
}

/** Everything a user could notice: git's view, the index bytes, stash, refs, HEAD, every file. */
function userState(root: string): Record<string, string> {
  const files: string[] = []
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name)
      const stats = lstatSync(file)
      files.push(`${file} ${stats.mode} ${stats.size} ${stats.mtimeMs}`)
      if (stats.isDirectory()) visit(file)
    }
  }
  visit(root)
  return {
    status: git(root, 'status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored'),
    index: createHash('sha256')
      .update(readFileSync(join(root, '.git/index')))
      .digest('hex'),
    stash: git(root, 'stash', 'list'),
    refs: git(root, 'for-each-ref'),
    head: git(root, 'rev-parse', 'HEAD') + readFileSync(join(root, '.git/HEAD'), 'utf8'),
    files: files.join('\n')
  }
}

const ROOT_ENTRIES = [
  '.gitignore',
  'README.md',
  'conf/base/catalog.yml',
  'data/01_raw/iris.csv.gz',
  'data/02_intermediate/model.parquet',
  'data/08_reporting/.gitkeep',
  'link-inside.yml',
  'notes/données ü.txt',
  'notes/line\nbreak.txt',
  'notes/new file.md',
  'scripts/run.sh',
  'src/link-to-readme.md',
  'src/pkg/__init__.py',
  'src/pkg/pipeline.py',
  'src/pkg/staged.py',
  'src/pkg/untracked_helper.py',
  'tools/exec.sh'
]

describe('snapshotWorkingTree in a git repository', () => {
  const { root } = makeFixture()

  it('packs the working tree as it is: changes, untracked files, nothing ignored or deleted', async () => {
    const outFile = join(newDir('out-'), 'code.zip')
    const snapshot = await snapshotWorkingTree({ projectDir: root, outFile })
    const entries = await readZip(outFile)

    // Exact names in byte order, which also proves nothing ignored, deleted or nested slipped in.
    expect(entries.map(e => e.name)).toEqual(ROOT_ENTRIES)
    expect(snapshot.files).toBe(ROOT_ENTRIES.length)
    const content = (name: string): string =>
      (entries.find(e => e.name === name)?.data ?? Buffer.alloc(0)).toString()
    expect(content('README.md')).toBe('# demo\nuncommitted line\n')
    expect(content('src/pkg/pipeline.py')).toBe('v3\n')
    expect(content('src/pkg/staged.py')).toBe('staged\n')
    expect(content('notes/line\nbreak.txt')).toBe('newline in the name\n')
    expect(content('link-inside.yml')).toBe('iris:\n  type: pandas.CSVDataset\n')
    expect(content('src/link-to-readme.md')).toBe('# demo\nuncommitted line\n')
    for (const entry of entries) {
      if (entry.name === 'link-inside.yml' || entry.name === 'src/link-to-readme.md') continue
      expect(entry.data.equals(readFileSync(join(root, entry.name)))).toBe(true)
    }

    expect(snapshot.skipped.map(s => s.slice(0, s.indexOf(':')))).toEqual([
      'link-broken',
      'link-dir',
      'link-outside.txt',
      'nested',
      'vendor/sub'
    ])
    expect(snapshot.skipped.join('\n')).toMatch(/vendor\/sub: git submodule/)
    expect(snapshot.skipped.join('\n')).toMatch(/link-outside.txt: symlink to .*outside/)
  })

  it("writes a CRC-32 for every entry that Python's zipfile verifies", async () => {
    const outFile = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: root, outFile })
    // testzip() reads every entry and names the first whose CRC-32 does not match; None if all do.
    expect(await firstBadCrc(outFile)).toBe('None')
  })

  it('stores fixed metadata: 0644/0755, DOS epoch, no extra fields', async () => {
    const outFile = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: root, outFile })
    const entries = await readZip(outFile)
    const executables = entries.filter(e => e.mode === 0o100755).map(e => e.name)
    expect(executables).toEqual(['scripts/run.sh', 'tools/exec.sh'])
    expect(entries.every(e => e.mode === 0o100644 || e.mode === 0o100755)).toBe(true)
    // 1980-01-01 00:00:00 in DOS encoding: day 1 | month 1 << 5 | (1980 - 1980) << 9.
    expect(entries.every(e => e.date === 33 && e.time === 0)).toBe(true)
    expect(entries.every(e => e.extraFields === 0)).toBe(true)
  })

  it('stores already-compressed files and deflates the rest', async () => {
    const outFile = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: root, outFile })
    const method = new Map((await readZip(outFile)).map(e => [e.name, e.method]))
    expect(method.get('data/01_raw/iris.csv.gz')).toBe(0)
    expect(method.get('data/02_intermediate/model.parquet')).toBe(0)
    expect(method.get('README.md')).toBe(8)
    expect(method.get('conf/base/catalog.yml')).toBe(8)
  })

  it('snapshots a subdirectory with names relative to it', async () => {
    const outFile = join(newDir('out-'), 'code.zip')
    const snapshot = await snapshotWorkingTree({ projectDir: join(root, 'src'), outFile })
    expect((await readZip(outFile)).map(e => e.name)).toEqual([
      'pkg/__init__.py',
      'pkg/pipeline.py',
      'pkg/staged.py',
      'pkg/untracked_helper.py'
    ])
    // The link resolves to README.md, inside the repository but outside the project directory.
    expect(snapshot.skipped).toHaveLength(1)
    expect(snapshot.skipped[0]).toMatch(/^link-to-readme.md: symlink to .*README.md, outside/)
  })

  it('leaves the index, stash, refs, HEAD and every file untouched', async () => {
    const before = userState(root)
    await snapshotWorkingTree({ projectDir: root, outFile: join(newDir('out-'), 'code.zip') })
    await snapshotWorkingTree({
      projectDir: join(root, 'src'),
      outFile: join(newDir('o-'), 'c.zip')
    })
    expect(userState(root)).toEqual(before)
    expect(before.stash).toMatch(/^stash@\{0\}/)
    expect(before.status).toMatch(/^1 \.M .* README.md$/m)
    expect(before.status).toMatch(/^1 MM .* src\/pkg\/pipeline.py$/m)
  })

  it('reports the size and CRC32C of the bytes on disk, as GCS would', async () => {
    const outFile = join(newDir('out-'), 'code.zip')
    const snapshot = await snapshotWorkingTree({ projectDir: root, outFile })
    const bytes = readFileSync(outFile)
    // Google's own CRC32C, independent of the one the snapshot uses.
    const crc = new CRC32C()
    crc.update(bytes)
    expect(snapshot).toMatchObject({
      path: outFile,
      bytes: bytes.length,
      crc32c: crc.toString()
    })
  })

  it('is byte-identical across runs and time zones', async () => {
    const inProcess = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: root, outFile: inProcess })
    const expected = readFileSync(inProcess)
    // Time zones have to be set before the process starts, hence child processes (under tsx).
    const hours = new Set<number>()
    for (const tz of ['UTC', 'Asia/Kolkata', 'America/Los_Angeles']) {
      const outFile = join(newDir('out-'), 'code.zip')
      const result = await runChild(root, outFile, { TZ: tz })
      hours.add(result.hour)
      expect(readFileSync(outFile).equals(expected)).toBe(true)
    }
    expect(hours.size).toBe(3)
  })

  it('does not pack a previous snapshot written inside the project', async () => {
    const outFile = join(root, 'code.zip')
    try {
      const first = await snapshotWorkingTree({ projectDir: root, outFile })
      const second = await snapshotWorkingTree({ projectDir: root, outFile })
      expect(second.crc32c).toBe(first.crc32c)
      expect(second.skipped).toContain("code.zip: the snapshot's own output file")
    } finally {
      rmSync(outFile, { force: true })
    }
  })
})

describe('snapshotWorkingTree determinism', () => {
  it('ignores mtimes and follows content', async () => {
    const root = newDir('small-')
    git(root, 'init', '-q')
    write(root, 'a.txt', 'alpha\n')
    write(root, 'b/c.py', 'print(1)\n')
    const snap = async (): Promise<Buffer> => {
      const outFile = join(newDir('out-'), 'code.zip')
      await snapshotWorkingTree({ projectDir: root, outFile })
      return readFileSync(outFile)
    }
    const first = await snap()
    expect((await snap()).equals(first)).toBe(true)
    utimesSync(join(root, 'a.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1))
    expect((await snap()).equals(first)).toBe(true)
    write(root, 'a.txt', 'alpha!\n')
    expect((await snap()).equals(first)).toBe(false)
  })

  it("deflates at zlib's fastest level, small files and streamed ones alike", async () => {
    const root = newDir('level-')
    git(root, 'init', '-q')
    // Text long enough for the levels to differ; the second file is past the buffered size.
    const text = (lines: number): string =>
      Array.from({ length: lines }, (_, i) => `value_${i} = ${(i * 7919) % 1000}\n`).join('')
    write(root, 'small.py', text(2000))
    write(root, 'big.csv', text(80_000))
    const outFile = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: root, outFile })
    for (const name of ['small.py', 'big.csv']) {
      const content = readFileSync(join(root, name))
      const fastest = deflateRawSync(content, { level: 1 })
      expect(fastest.equals(deflateRawSync(content))).toBe(false)
      expect((await storedBytes(outFile, name)).equals(fastest)).toBe(true)
    }
  })
})

describe('deflate or store: decided by content, not by name', () => {
  const text = (bytes: number): Buffer => {
    const lines: string[] = []
    for (let i = 0, total = 0; total < bytes; i++) {
      const line = `def feature_${i}(values):\n    return sum(values) * ${(i * 7919) % 1000}\n`
      lines.push(line)
      total += line.length
    }
    return Buffer.from(lines.join('')).subarray(0, bytes)
  }
  // Sizes on both sides of the sampling threshold and of the buffered/streamed limit.
  const sizes = { buffered: 200 * 1024, streamed: 3 * 1024 * 1024 }

  it('stores incompressible bytes whatever the name, buffered or streamed', async () => {
    const dir = newDir('content-')
    const names = ['model.bin', 'weights.pkl', 'no-extension', 'looks-like.txt', 'm.weights']
    for (const name of names) {
      write(dir, `buffered/${name}`, randomBytes(sizes.buffered))
      write(dir, `streamed/${name}`, randomBytes(sizes.streamed))
    }
    const outFile = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: dir, outFile })
    const entries = await readZip(outFile)
    expect(entries).toHaveLength(names.length * 2)
    for (const entry of entries) {
      expect([entry.name, entry.method]).toEqual([entry.name, 0])
      expect(entry.data.equals(readFileSync(join(dir, entry.name)))).toBe(true)
    }
    // Both kinds of entry are there: streamed ones carry a descriptor, buffered ones do not.
    expect(entries.filter(e => e.descriptor).map(e => e.name)).toEqual(
      names.map(name => `streamed/${name}`).sort()
    )
    expect(await firstBadCrc(outFile)).toBe('None')
  })

  it('deflates text whatever the name; a known compressed extension is stored untested', async () => {
    const dir = newDir('text-')
    for (const [kind, size] of Object.entries(sizes)) {
      for (const name of ['model.bin', 'module.py', 'notes'])
        write(dir, `${kind}/${name}`, text(size))
      write(dir, `${kind}/table.parquet`, text(size))
    }
    write(dir, 'tiny-random.bin', randomBytes(100))
    const outFile = join(newDir('out-'), 'code.zip')
    await snapshotWorkingTree({ projectDir: dir, outFile })
    const entries = await readZip(outFile)
    for (const entry of entries) {
      // Files below the sampling threshold are deflated untested, random or not.
      const expected = entry.name.endsWith('.parquet') ? 0 : 8
      expect([entry.name, entry.method]).toEqual([entry.name, expected])
      expect(entry.data.equals(readFileSync(join(dir, entry.name)))).toBe(true)
    }
    const stored = await storedBytes(outFile, 'streamed/model.bin')
    expect(stored.length).toBeLessThan(sizes.streamed / 3)
  })

  it('an identical tree gives identical bytes and key, in git or not, wherever it is', async () => {
    const files: [string, Buffer][] = [
      ['src/pkg/nodes.py', text(40 * 1024)],
      ['data/06_models/regressor.pkl', randomBytes(sizes.streamed)],
      ['data/06_models/encoder.bin', randomBytes(sizes.buffered)],
      ['conf/base/parameters.yml', text(900)]
    ]
    const tree = (inGit: boolean): string => {
      const dir = newDir('same-')
      for (const [name, content] of files) write(dir, name, content)
      if (inGit) {
        git(dir, 'init', '-q')
        git(dir, 'add', '-A')
        git(dir, 'commit', '-qm', 'tree')
      }
      return dir
    }
    const snap = async (dir: string): Promise<{ key: string; zip: Buffer }> => {
      const plan = await planSnapshot({ projectDir: dir, outFile: join(newDir('out-'), 'c.zip') })
      const zip = readFileSync((await plan.write()).path)
      await plan.close()
      return { key: plan.key, zip }
    }
    const first = await snap(tree(true))
    for (const other of [await snap(tree(true)), await snap(tree(false))]) {
      expect(other.key).toBe(first.key)
      expect(other.zip.equals(first.zip)).toBe(true)
    }
  })
})

describe('snapshotWorkingTree outside git', () => {
  it('walks the directory, leaving out .git', async () => {
    const root = newDir('plain-')
    write(root, 'main.py', 'print("hi")\n')
    write(root, 'conf/local/data.yml', 'kept: outside git nothing is ignored\n')
    write(root, 'run.sh', '#!/bin/sh\n', 0o755)
    // Not a repository (no HEAD, objects, refs), but still nothing to ship.
    write(root, '.git/config', '[credential]\n')
    write(root, 'vendored/.git/config', '[core]\n')
    write(root, 'vendored/lib.py', 'x = 1\n')
    symlinkSync('main.py', join(root, 'entry.py'))
    const outFile = join(newDir('out-'), 'code.zip')
    const snapshot = await snapshotWorkingTree({ projectDir: root, outFile })
    const entries = await readZip(outFile)
    expect(entries.map(e => e.name)).toEqual([
      'conf/local/data.yml',
      'entry.py',
      'main.py',
      'run.sh',
      'vendored/lib.py'
    ])
    expect(entries.find(e => e.name === 'entry.py')?.data.toString()).toBe('print("hi")\n')
    expect(entries.find(e => e.name === 'run.sh')?.mode).toBe(0o100755)
    expect(snapshot.skipped).toEqual([])
  })

  it('says when the project directory does not exist', async () => {
    await expect(
      snapshotWorkingTree({ projectDir: join(scratch, 'missing'), outFile: join(scratch, 'x.zip') })
    ).rejects.toThrow(/project directory .*missing does not exist.*working-directory/)
  })

  it('refuses a directory inside a git directory or a bare repository', async () => {
    const root = newDir('gitdir-')
    git(root, 'init', '-q')
    await expect(
      snapshotWorkingTree({ projectDir: join(root, '.git'), outFile: join(root, '..', 'g.zip') })
    ).rejects.toThrow(/inside a git directory or a bare repository.*point working-directory/)
  })

  it('refuses, rather than walks, a repository git will not read', async () => {
    const root = newDir('unsafe-')
    git(root, 'init', '-q')
    // Walking instead would ship what .gitignore keeps out.
    write(root, '.gitignore', 'conf/local/\n')
    write(root, 'conf/local/credentials.yml', 'secret: 1\n')
    // git's own switch for its ownership check: as if the repository belonged to someone else.
    const outFile = join(newDir('out-'), 'code.zip')
    await expect(runChild(root, outFile, { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' })).rejects.toThrow(
      /dubious ownership.*safe\.directory/s
    )
  })

  it('says when git is missing', async () => {
    const root = newDir('nogit-')
    write(root, 'a.txt', 'a\n')
    await expect(runChild(root, join(root, 'out.zip'), { PATH: '' })).rejects.toThrow(
      /git is not installed or not on PATH/
    )
  })
})

/** Runs snapshotWorkingTree in a fresh Node process with extra environment (TZ, PATH). */
async function runChild(
  projectDir: string,
  outFile: string,
  env: Record<string, string>
): Promise<{ hour: number }> {
  const script = join(scratch, 'child.mts')
  const module = new URL('src/steps/code/snapshot.ts', `file://${repoRoot}/`).href
  writeFileSync(
    script,
    `import { snapshotWorkingTree } from ${JSON.stringify(module)}\n` +
      'const [projectDir, outFile] = process.argv.slice(2)\n' +
      'await snapshotWorkingTree({ projectDir, outFile })\n' +
      'console.log(JSON.stringify({ hour: new Date(0).getHours() }))\n'
  )
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', script, projectDir, outFile],
    { cwd: repoRoot, env: { ...process.env, ...env } }
  )
  return JSON.parse(stdout) as { hour: number }
}

describe('the snapshot key names the zip without writing it', () => {
  const keyOf = async (dir: string): Promise<string> => {
    const plan = await planSnapshot({ projectDir: dir, outFile: join(newDir('key-'), 'code.zip') })
    await plan.close()
    return plan.key
  }

  it('is the same for the same tree, also when only modification times change', async () => {
    const dir = newDir('keyrepo-')
    execFileSync('git', ['init', '-q'], { cwd: dir })
    writeFileSync(join(dir, 'a.py'), 'print(1)\n')
    writeFileSync(join(dir, 'b.txt'), 'b\n')
    execFileSync('git', ['add', '-A'], { cwd: dir })
    execFileSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-qm', 'x'], {
      cwd: dir
    })
    const first = await keyOf(dir)
    expect(await keyOf(dir)).toBe(first)
    utimesSync(join(dir, 'a.py'), new Date(2001, 1, 1), new Date(2001, 1, 1))
    expect(await keyOf(dir)).toBe(first)

    writeFileSync(join(dir, 'a.py'), 'print(2)\n')
    const edited = await keyOf(dir)
    expect(edited).not.toBe(first)
    writeFileSync(join(dir, 'new.py'), 'x = 1\n')
    const added = await keyOf(dir)
    expect(added).not.toBe(edited)
    chmodSync(join(dir, 'b.txt'), 0o755)
    expect(await keyOf(dir)).not.toBe(added)
  })

  it('changes exactly when the zip bytes change', async () => {
    const dir = newDir('keybytes-')
    writeFileSync(join(dir, 'a.py'), 'one\n')
    const plan = await planSnapshot({ projectDir: dir, outFile: join(newDir('kb-'), 'code.zip') })
    const again = await planSnapshot({ projectDir: dir, outFile: join(newDir('kb-'), 'code.zip') })
    expect(again.key).toBe(plan.key)
    expect(readFileSync((await again.write()).path)).toEqual(
      readFileSync((await plan.write()).path)
    )
    await Promise.all([plan.close(), again.close()])
    writeFileSync(join(dir, 'a.py'), 'two\n')
    expect(await keyOf(dir)).not.toBe(plan.key)
  })
})

describe('snapshot write', () => {
  /** A project outside git: a small text file, a file too big to be read whole, and another. */
  function project(): string {
    const dir = newDir('write-')
    write(dir, 'small.txt', 'x'.repeat(100))
    write(dir, 'big.bin', randomBytes(2 * 1024 * 1024))
    write(dir, 'z-last.py', 'print(1)\n')
    return dir
  }

  it('writes the same zip again after an upload failed halfway, none of the first one mixed in', async () => {
    const dir = project()
    for (let i = 0; i < 6; i++) write(dir, `data/part-${i}.bin`, randomBytes(900 * 1024))
    const plan = await planSnapshot({ projectDir: dir, outFile: join(newDir('out-'), 'code.zip') })
    // An upload that takes one block, then fails with the rest of the zip still coming.
    let taken = 0
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(++taken > 1 ? new Error('connection reset') : null)
      }
    })
    await expect(plan.stream(failing)).rejects.toThrow('connection reset')
    const again = await plan.write()
    await plan.close()
    const fresh = await snapshotWorkingTree({
      projectDir: dir,
      outFile: join(newDir('out-'), 'code.zip')
    })
    expect(readFileSync(again.path).equals(readFileSync(fresh.path))).toBe(true)
    expect(again.crc32c).toBe(fresh.crc32c)
  })

  it.each([
    ['a small file deleted', 'small.txt', 'delete', /^small\.txt vanished while the code snapshot/],
    ['a big file deleted', 'big.bin', 'delete', /^big\.bin vanished while the code snapshot/],
    ['a small file grown', 'small.txt', 'grow', /^small\.txt changed size while the code snapshot/],
    ['a big file grown', 'big.bin', 'grow', /^big\.bin changed size while the code snapshot/]
  ])('fails on %s after listing, naming it, and leaves no zip', async (...row) => {
    const [, name, change, message] = row
    const dir = project()
    const outFile = join(newDir('out-'), 'code.zip')
    const plan = await planSnapshot({ projectDir: dir, outFile })
    if (change === 'delete') rmSync(join(dir, name))
    else appendFileSync(join(dir, name), 'more')
    await expect(plan.write()).rejects.toThrow(message)
    await plan.close()
    expect(existsSync(outFile)).toBe(false)
  })

  it('reads files up to 1 MiB whole and streams bigger ones; only streamed data has a descriptor', async () => {
    const dir = newDir('whole-')
    // 40 MiB of files read whole, more than are read ahead at once, and two streamed ones.
    const files = Array.from({ length: 40 }, (_, i) => `data/part-${String(i).padStart(2, '0')}.gz`)
    for (const file of files) write(dir, file, randomBytes(1024 * 1024))
    write(dir, 'data/part-20-big.bin', randomBytes(1024 * 1024 + 1))
    write(dir, 'data/zz-big.csv', 'a,b,c\n'.repeat(300_000))
    const outFile = join(newDir('out-'), 'code.zip')
    const snapshot = await snapshotWorkingTree({ projectDir: dir, outFile })
    const entries = await readZip(outFile)
    expect(entries.map(e => e.name)).toEqual(
      [...files, 'data/part-20-big.bin', 'data/zz-big.csv'].sort()
    )
    for (const entry of entries) {
      expect(entry.data.equals(readFileSync(join(dir, entry.name)))).toBe(true)
    }
    expect(snapshot.files).toBe(42)
    expect(entries.filter(e => e.descriptor).map(e => [e.name, e.method])).toEqual([
      ['data/part-20-big.bin', 0],
      ['data/zz-big.csv', 8]
    ])
    expect(await firstBadCrc(outFile)).toBe('None')
    // The CRC32C the snapshot's thread computed over its 40-odd blocks, as GCS would.
    const crc = new CRC32C()
    crc.update(readFileSync(outFile))
    expect(snapshot.crc32c).toBe(crc.toString())
  })
})

describe('zip format limits', () => {
  it('writes ZIP64 end records past 65,535 entries, and zip readers take them', async () => {
    const dir = newDir('many-')
    write(dir, 'same.py', 'x = 1\n')
    const source = join(dir, 'same.py')
    const count = 70_000
    const entries = Array.from({ length: count }, (_, i) => ({
      name: `pkg/m${String(i).padStart(5, '0')}.py`,
      source,
      size: 6,
      executable: false,
      identity: ''
    }))
    const outFile = join(newDir('out-'), 'code.zip')
    await pipeline(Readable.from(zipBytes(entries)), createWriteStream(outFile))
    const { stdout } = await execFileAsync('python3', [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.testzip(), z.read("pkg/m69999.py"))',
      outFile
    ])
    expect(stdout.trim()).toBe(`${count} None b'x = 1\\n'`)
  })
})
