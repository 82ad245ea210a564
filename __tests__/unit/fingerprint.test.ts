import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { secretRules } from '../../src/steps/secrets.js'
import { dockerignore, readBuildContext } from '../../src/steps/image/build-context.js'
import { dockerfileDependencies } from '../../src/steps/image/dockerfile-deps.js'
import { fingerprint, type FingerprintInput } from '../../src/steps/image/fingerprint.js'

// The shape of the example project's Dockerfile: libraries in base, dev = base, prod adds the code.
const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG BASE_IMAGE=python:3.11-slim
FROM \${BASE_IMAGE} AS base
RUN groupadd -g 1099 spark \\
    && useradd -u 1099 -g 1099 -d /home/spark -m spark
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

FROM base AS dev

FROM base AS prod
COPY --chown=spark:spark . /home/kedro/code
`

const DOCKERIGNORE = `.git
**/__pycache__
data/**
!data/01_raw
!data/01_raw/**
`

let dir: string

async function put(relative: string, content: string): Promise<void> {
  await mkdir(dirname(join(dir, relative)), { recursive: true })
  await writeFile(join(dir, relative), content)
}

async function input(
  target: string,
  buildArgs: Record<string, string> = {}
): Promise<FingerprintInput> {
  const dockerfile = join(dir, 'Dockerfile')
  return {
    dockerfile,
    context: await readBuildContext(dir, dockerfile, secretRules([], {})),
    target,
    buildArgs,
    platform: 'linux/amd64'
  }
}

const fp = async (target: string, buildArgs: Record<string, string> = {}): Promise<string> =>
  (await fingerprint(await input(target, buildArgs))).tag

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kda-fp-'))
  await put('Dockerfile', DOCKERFILE)
  await put('.dockerignore', DOCKERIGNORE)
  await put('requirements.txt', 'kedro==0.19.9\n')
  await put('src/pkg/nodes.py', 'def f():\n    return 1\n')
  await put('src/pkg/__pycache__/nodes.cpython-311.pyc', 'bytecode')
  await put('data/01_raw/companies.csv', 'id\n1\n')
  await put('data/02_intermediate/out.parquet', 'output')
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('same inputs give the same fingerprint, shaped as a docker tag', async () => {
  const first = await fingerprint(await input('dev'))
  const second = await fingerprint(await input('dev'))
  expect(second).toEqual(first)
  expect(first.tag).toMatch(/^fp-[0-9a-f]{32}$/)
  expect(first.stages).toEqual(['base', 'dev'])
  expect(first.files).toEqual(['requirements.txt'])
  expect(await fp('prod')).not.toBe(first.tag)
})

test('requirements.txt (copied by base) changes dev and prod', async () => {
  const [dev, prod] = [await fp('dev'), await fp('prod')]
  await put('requirements.txt', 'kedro==0.19.10\n')
  expect(await fp('dev')).not.toBe(dev)
  expect(await fp('prod')).not.toBe(prod)
})

test('a file only prod copies changes prod, not dev', async () => {
  const [dev, prod] = [await fp('dev'), await fp('prod')]
  await put('src/pkg/nodes.py', 'def f():\n    return 2\n')
  expect(await fp('dev')).toBe(dev)
  expect(await fp('prod')).not.toBe(prod)
})

test('a new file in the context changes prod (COPY . copies everything not ignored)', async () => {
  const prod = await fp('prod')
  await put('conf/base/catalog.yml', 'companies: {}\n')
  expect(await fp('prod')).not.toBe(prod)
})

test('permission bits count: docker copies them into the image', async () => {
  const prod = await fp('prod')
  await chmod(join(dir, 'src/pkg/nodes.py'), 0o755)
  expect(await fp('prod')).not.toBe(prod)
})

test('build args, target and platform count', async () => {
  const dev = await fp('dev', { BASE_IMAGE: 'python:3.11-slim' })
  expect(await fp('dev', { BASE_IMAGE: 'python:3.12-slim' })).not.toBe(dev)
  expect(await fp('dev', {})).not.toBe(dev)
  const arm = await fingerprint({ ...(await input('dev')), platform: 'linux/arm64' })
  expect(arm.tag).not.toBe(await fp('dev'))
})

test('.dockerignore: ignored files do not count, re-included ones do', async () => {
  const prod = await fp('prod')
  await put('data/02_intermediate/out.parquet', 'another run')
  await put('src/pkg/__pycache__/nodes.cpython-311.pyc', 'other bytecode')
  await put('.git/HEAD', 'ref: refs/heads/other\n')
  expect(await fp('prod')).toBe(prod)
  await put('data/01_raw/companies.csv', 'id\n2\n')
  expect(await fp('prod')).not.toBe(prod)
})

test('a Dockerfile comment counts (the bytes are hashed)', async () => {
  const dev = await fp('dev')
  await put('Dockerfile', `${DOCKERFILE}# a comment\n`)
  expect(await fp('dev')).not.toBe(dev)
})

test('an unknown target is an error naming the stages', async () => {
  await expect(fingerprint(await input('staging'))).rejects.toThrow(
    "no stage named 'staging' (stages: base, dev, prod)"
  )
})

test('sources: directories, globs and a missing path', async () => {
  await put('Dockerfile', 'FROM scratch\nCOPY src/ *.txt missing.cfg /app/\n')
  await put('notes.txt', 'n')
  const result = await fingerprint({ ...(await input('0')), target: undefined })
  expect(result.files).toEqual([
    'notes.txt',
    'requirements.txt',
    'src',
    'src/pkg',
    'src/pkg/nodes.py'
  ])
})

describe('dockerfileDependencies', () => {
  test.each<[string, string, string | undefined, Record<string, string>, string[], string[]]>([
    [
      'COPY --from a named stage pulls in that stage and its sources',
      'FROM a AS build\nCOPY go.mod ./\nFROM b AS final\nCOPY --from=build /out /out\nCOPY cfg /cfg',
      'final',
      {},
      ['build', 'final'],
      ['cfg', 'go.mod']
    ],
    [
      'COPY --from a stage index; stages that nothing needs stay out',
      'FROM a\nCOPY one .\nFROM a AS unused\nCOPY two .\nFROM b\nCOPY --from=0 /x /x',
      undefined,
      {},
      ['0', '2'],
      ['one']
    ],
    [
      'COPY --from an external image reads nothing from the context',
      'FROM a\nCOPY --from=busybox:1 /bin/busybox /bin/\nCOPY --link --chmod=755 run.sh /',
      undefined,
      {},
      ['0'],
      ['run.sh']
    ],
    [
      'JSON form, ./ and leading slashes are cleaned',
      'FROM a\nCOPY --chown=1:1 ["my dir/", "/etc/x.conf", "./", "/dest/"]',
      undefined,
      {},
      ['0'],
      ['.', 'etc/x.conf', 'my dir']
    ],
    [
      'continuations with comment lines, heredoc bodies skipped',
      'FROM a\nCOPY \\\n# a comment inside\n  req.txt /r\nRUN <<EOF\nCOPY not-an-instruction /x\nEOF\nCOPY <<EOT /inline\nbody\nEOT\n',
      undefined,
      {},
      ['0'],
      ['req.txt']
    ],
    [
      'escape directive',
      '# escape=`\nFROM a\nCOPY one `\n  two /dst/\n',
      undefined,
      {},
      ['0'],
      ['one', 'two']
    ],
    [
      'FROM chains through a global ARG overridden by a build arg',
      'ARG PARENT=external\nFROM x AS libs\nCOPY requirements.txt .\nFROM ${PARENT} AS app\nCOPY app.py .',
      'app',
      { PARENT: 'libs' },
      ['libs', 'app'],
      ['app.py', 'requirements.txt']
    ],
    [
      'ARG and ENV in a stage expand in sources; remote ADD is skipped',
      'FROM a\nARG DIR=conf\nENV FILE=main.yml\nCOPY ${DIR}/$FILE /c/\nADD https://example.com/x.tgz /x\n',
      undefined,
      {},
      ['0'],
      ['conf/main.yml']
    ],
    [
      'RUN bind mounts: from= is a stage, otherwise a context source',
      'FROM a AS deps\nFROM b\nRUN --mount=type=bind,from=deps,target=/d --mount=type=bind,source=wheels,target=/w --mount=type=cache,target=/c true',
      undefined,
      {},
      ['deps', '1'],
      ['wheels']
    ],
    [
      'arguments split as the shell does: a quoted mount source with a space is one path',
      'FROM a\nRUN --mount=type=bind,source="my wheels",target=/w pip install /w/*.whl\nCOPY "two words.txt" /x/',
      undefined,
      {},
      ['0'],
      ['my wheels', 'two words.txt']
    ]
  ])('%s', (_name, text, target, buildArgs, stages, sources) => {
    expect(dockerfileDependencies(text, target, buildArgs)).toEqual({ stages, sources })
  })

  test('an unclosed quote names its instruction', () => {
    expect(() => dockerfileDependencies('FROM a\nCOPY "x /y', undefined, {})).toThrow(
      `the Dockerfile's COPY "x /y: it has an unclosed " quote; close it`
    )
  })
})

describe('.dockerignore matching', () => {
  const rules = dockerignore(
    '# comment\n/build\n**/*.pyc\ndata/**\n!data/01_raw\n!data/01_raw/**\nlogs/\n*.md\n!README.md'
  )
  test.each<[string, boolean]>([
    ['build', true],
    ['build/lib/x.py', true],
    ['src/build', false],
    ['a/b/c.pyc', true],
    ['top.pyc', true],
    ['data/02_intermediate/x', true],
    ['data/01_raw', false],
    ['data/01_raw/companies.csv', false],
    ['logs/run.log', true],
    ['CHANGES.md', true],
    ['README.md', false],
    ['docs/CHANGES.md', false],
    ['src/pkg/nodes.py', false],
    // Case-sensitive, as Docker is on Linux.
    ['readme.MD', false]
  ])('%s ignored: %s', (path, ignored) => {
    expect(rules.ignores(path)).toBe(ignored)
  })
})
