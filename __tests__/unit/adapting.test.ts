import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgv } from '../../src/cli/args.js'
import { changed, planInit, type Change } from '../../src/cli/init.js'
import { DOCKERFILE } from '../../src/cli/init-files.js'
import { runRequest } from '../../src/kedro/preflight.js'
import { inspectProject } from '../../src/kedro/inspect.js'
import {
  hasGcsfs,
  imageRequirements,
  parseRequirements,
  pysparkLines
} from '../../src/kedro/requirements.js'
import { buildPlan, PlanError } from '../../src/plan/plan.js'
import { VALID, parse, problemsOf } from '../../scripts/refusals.js'
import { ROOT } from '../helpers/action.js'

const STARTER = join(ROOT, '__tests__', 'fixtures', 'spaceflights-starter')

function starterCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'starter-'))
  cpSync(STARTER, dir, { recursive: true })
  return dir
}

test('the requirements a starter has: pyspark through an extra, gcsfs absent', () => {
  const lines = parseRequirements(
    'requirements.txt',
    'kedro~=1.7  # the framework\n-r other.txt\nkedro-datasets[pandas-csvdataset, spark-local]>=9.6\n'
  )
  expect(lines.map(line => line.name)).toEqual(['kedro', 'kedro-datasets'])
  expect(pysparkLines(lines).map(line => line.name)).toEqual(['kedro-datasets'])
  expect(hasGcsfs(lines)).toBe(false)
  expect(hasGcsfs(parseRequirements('r', 'kedro-datasets[spark-gcs]\n'))).toBe(true)
  expect(hasGcsfs(parseRequirements('r', 'GCSFS==2026.10.1\n'))).toBe(true)
  expect(pysparkLines(parseRequirements('r', 'PySpark>=3.5\n'))).toHaveLength(1)
})

test('kedro run options are read by their long names, in either spelling', () => {
  expect(
    runRequest(['-e', 'staging', '--pipelines=a,b', '--tags', 'x', '--params=k=1,j=2'], [1, 7])
  ).toEqual({ env: 'staging', params: 'k=1,j=2', pipelines: 'a,b', nodes: '', tags: 'x' })
  expect(runRequest(['--pipeline=dp', '-n', 'one'], [1, 7])).toMatchObject({
    pipelines: 'dp',
    nodes: 'one'
  })
})

test('init on the starter plans each file, and merges the resolver into CONFIG_LOADER_ARGS', () => {
  const dir = starterCopy()
  const first = planInit(dir)
  expect(first.changes.map(change => change.path)).toEqual([
    'deployment/dataproc/serverless/Dockerfile',
    '.dockerignore',
    'pyproject.toml',
    'src/spaceflights_starter/settings.py',
    'conf/base/catalog.yml',
    'requirements.txt'
  ])
  expect(first.warnings.join('\n')).toMatch(/spark-local.*puts pyspark into the image/)
  const settings = first.changes[3] as Change
  const merged = changed(settings, readFileSync(join(dir, settings.path), 'utf8'))
  // The starter's config_patterns stay: the resolver is merged into its CONFIG_LOADER_ARGS.
  expect(merged).toContain('"spark": ["spark*", "spark*/**"]')
  expect(merged).toMatch(/CONFIG_LOADER_ARGS = \{\n {4}\*\*CONFIG_LOADER_ARGS,/)
  rmSync(dir, { recursive: true })
})

test("init's Dockerfile keeps the example's custom-container rules", () => {
  const example = readFileSync(
    join(ROOT, 'examples/spaceflights-pyspark/deployment/dataproc/serverless/Dockerfile'),
    'utf8'
  )
  const rules = (text: string): string[] =>
    text.split('\n').filter(line => /^(FROM|RUN|ENV|COPY|USER|WORKDIR|\s+&&)/.test(line))
  expect(rules(DOCKERFILE)).toEqual(rules(example))
  expect(DOCKERFILE).toContain('FROM python:3.11-slim AS base')
  expect(DOCKERFILE).toContain('useradd -u 1099 -g 1099')
  expect(DOCKERFILE).toContain('PYSPARK_PYTHON=/usr/local/bin/python')
})

test('no inputs: no artifact-registry problem for a host that was never given', () => {
  const problems = problemsOf({})
  expect(problems.some(problem => problem.startsWith('region:'))).toBe(true)
  expect(problems.filter(problem => problem.startsWith('artifact-registry:'))).toEqual([])
})

test('an endpoint without a scheme is refused with both spellings', () => {
  expect(problemsOf({ ...VALID, 'dataproc-endpoint': '127.0.0.1:8080' })).toEqual([
    "dataproc-endpoint: '127.0.0.1:8080' has no scheme; write http://127.0.0.1:8080 for a local emulator (plaintext, no credentials) or https://127.0.0.1:8080"
  ])
  expect(
    problemsOf({ ...VALID, 'dataproc-endpoint': 'europe-west1-dataproc.googleapis.com' })
  ).toEqual([])
})

test('a dry run needs the Dockerfile the real run builds', () => {
  const problems = problemsOf({ ...VALID, 'dry-run': 'true', dockerfile: 'missing/Dockerfile' })
  expect(problems).toEqual([
    "dockerfile: 'missing/Dockerfile' does not exist under working-directory; fix the path"
  ])
})

test('outside a git repository the plan says so, not that the checkout is detached', () => {
  const config = parse(VALID)
  const facts = {
    eventName: '',
    branch: '',
    commit: '',
    repository: '',
    runId: '',
    runNumber: '',
    runAttempt: '',
    job: '',
    step: '',
    serverUrl: '',
    localNonce: 'n',
    shippedEntrypoint: '/e.py'
  }
  expect(() => buildPlan(config, facts)).toThrow(PlanError)
  expect(() => buildPlan(config, facts)).toThrow(/not in a git repository/)
  expect(() => buildPlan(config, { ...facts, commit: 'abc' })).toThrow(/detached/)
})

test('init takes --dry-run and --working-directory, nothing else', () => {
  expect(parseArgv(['init', '--dry-run'])).toEqual({
    command: 'init',
    flags: { 'dry-run': 'true' },
    json: false
  })
  expect(() => parseArgv(['init', '--region=europe-west1'])).toThrow(
    '--region does not apply to init; it takes --dry-run and --working-directory'
  )
  expect(() => parseArgv(['init', 'here'])).toThrow("init takes no arguments, only flags: 'here'")
})

test("the image's requirements are the files its target copies; otherwise why they are unknown", () => {
  const dir = starterCopy()
  const dockerfile = join(dir, 'Dockerfile')
  writeFileSync(dockerfile, 'FROM python:3.11-slim AS dev\nCOPY requirements.txt /tmp/\n')
  const build = { directory: dir, dockerfile, context: dir, target: 'dev', buildArgs: {} }
  expect(imageRequirements(build)).toMatchObject({ files: ['requirements.txt'] })
  expect(imageRequirements({ ...build, dockerfile: undefined })).toEqual({
    skipped: 'the image is prebuilt (image), so its requirements cannot be read'
  })
  expect(imageRequirements({ ...build, target: 'prod' })).toEqual({
    skipped: expect.stringMatching(/^the Dockerfile could not be read: .*prod/)
  })
  rmSync(dir, { recursive: true })
})

test('without a Python on PATH the checks that need Kedro say why they did not run', async () => {
  const request = { env: '', params: '', pipelines: '', nodes: '', tags: '' }
  const inspected = await inspectProject(STARTER, request, [1, 7], { PATH: '/nonexistent' })
  expect(inspected).toEqual({ skipped: expect.stringMatching(/^python could not run: .*ENOENT/) })
})

test('init never overwrites a file it did not write: it names it and leaves it', () => {
  const dir = starterCopy()
  writeFileSync(join(dir, '.dockerignore'), 'data\n')
  const plan = planInit(dir)
  expect(plan.changes.map(change => change.path)).not.toContain('.dockerignore')
  expect(plan.warnings).toContainEqual(
    expect.stringMatching(/^\.dockerignore exists and kedro-dataproc init did not write it/)
  )
  rmSync(dir, { recursive: true })
})
