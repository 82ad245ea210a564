/**
 * What our build context sends against what Docker itself copies, for the same tree and the same
 * `.dockerignore`: `COPY . /ctx/` into a scratch image, built from the directory by a real daemon
 * (the Docker CLI filters the directory with moby's rules; the CLI here has no buildx, so the
 * classic builder), then the image's /ctx listed. A divergence decides what enters an
 * image, so each pattern of the table is checked against Docker, not against our reading of it.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import tar from 'tar-stream'
import { startDockerDaemon, type DockerDaemon } from '../../emulators/docker.js'
import { readBuildContext } from '../../src/steps/image/build-context.js'
import { secretRules } from '../../src/steps/secrets.js'
import { IN_CI } from '../helpers/stack.js'

const run = promisify(execFile)

const TREE = [
  'README.md',
  'readme.MD',
  'notes.md',
  'build/lib/x.py',
  'src/build/y.py',
  'src/pkg/nodes.py',
  'src/pkg/nodes.pyc',
  'top.pyc',
  'data/01_raw/companies.csv',
  'data/02_intermediate/x.parquet',
  'logs/run.log',
  'docs/CHANGES.md',
  'a/b/c/deep.txt',
  'we[ird]/f?le.txt'
]

const PATTERNS: [string, string][] = [
  ['no .dockerignore rules', ''],
  [
    'negations, ** and leading /',
    '# comment\n/build\n**/*.pyc\ndata/**\n!data/01_raw\n!data/01_raw/**\nlogs/\n*.md\n!README.md'
  ],
  ['everything but a re-included directory', '*\n!src\n!Dockerfile'],
  ['** with a re-included extension', '**\n!**/*.py'],
  ['a re-included file inside an ignored directory', 'src\n!src/pkg/nodes.py'],
  ['.dockerignore and the Dockerfile excluding themselves', '.dockerignore\nDockerfile'],
  ['** in the middle, ./ and /', 'a/**/deep.txt\n/top.pyc\n./notes.md'],
  ['case-sensitive', '*.MD'],
  ['* and ? within a segment, classes', 'src/*/nodes.py?\n[rl]*\n!readme.MD'],
  ['a directory with a trailing / and a re-included child', 'build/\n!build/lib'],
  ['**/ at the start', '**/build'],
  ['escapes and a class in a name', 'we\\[ird\\]/f\\?le.txt'],
  ['an ignored parent, a re-included grandchild', 'data\n!data/01_raw/companies.csv'],
  // Docker looks inside an ignored directory only for a `!` pattern that starts with its path.
  ['a re-included grandchild through a wildcard', 'data\n!data/*/companies.csv'],
  ['a re-included directory below a wildcard', 'src/*\n!src/pkg'],
  ['blank lines and spaces around patterns', '\n   notes.md   \n\n  ! notes.md\ntop.pyc  ']
]

let daemon: DockerDaemon | undefined
let stateDir = ''
let tree = ''

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'kda-di-'))
  try {
    daemon = await startDockerDaemon({ stateDir })
  } catch (error) {
    if (IN_CI) throw error
    console.warn(`SKIPPED .dockerignore against Docker: ${(error as Error).message}`)
  }
  tree = await mkdtemp(join(tmpdir(), 'kda-di-tree-'))
  for (const file of TREE) {
    await mkdir(dirname(join(tree, file)), { recursive: true })
    await writeFile(join(tree, file), `${file}\n`)
  }
  await mkdir(join(tree, 'empty'))
  await symlink('src', join(tree, 'link'))
  await writeFile(join(tree, 'Dockerfile'), 'FROM scratch\nCOPY . /ctx/\n')
})

afterAll(async () => {
  await daemon?.close()
  await rm(stateDir, { recursive: true, force: true })
  await rm(tree, { recursive: true, force: true })
})

/** What `COPY . /ctx/` puts in the image, as Docker builds it from the directory. */
async function dockerCopies(tag: string): Promise<string[]> {
  const host = ['-H', daemon?.host as string]
  const env = { ...process.env, DOCKER_BUILDKIT: '0' }
  await run('docker', [...host, 'build', '-q', '-t', tag, tree], { env })
  const { stdout: id } = await run('docker', [...host, 'create', tag, '/none'])
  try {
    const cp = spawn('docker', [...host, 'cp', `${id.trim()}:/ctx`, '-'], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const extract = tar.extract()
    const paths: string[] = []
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/\/$/, '')
      if (name.startsWith('ctx/')) paths.push(name.slice('ctx/'.length))
      stream.on('end', next)
      stream.resume()
    })
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve).on('error', reject)
      cp.on('error', reject)
      cp.stdout.pipe(extract)
    })
    return paths.sort()
  } finally {
    await run('docker', [...host, 'rm', id.trim()])
  }
}

/** What our context sends, as the paths an image would hold (parents of re-included files too). */
async function weSend(): Promise<string[]> {
  const context = await readBuildContext(tree, join(tree, 'Dockerfile'), secretRules([], {}))
  const paths = new Set<string>()
  for (const name of context.entries.keys()) {
    const parts = name.split('/')
    for (let depth = 1; depth <= parts.length; depth++) paths.add(parts.slice(0, depth).join('/'))
  }
  return [...paths].sort()
}

describe('.dockerignore as Docker reads it', () => {
  test.each(PATTERNS)('%s', async (_name, patterns) => {
    if (!daemon) return
    await writeFile(join(tree, '.dockerignore'), patterns)
    const tag = `ctx:${PATTERNS.findIndex(([, p]) => p === patterns)}`
    const [docker, ours] = [await dockerCopies(tag), await weSend()]
    expect(ours).toEqual(docker)
  })
})
