import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { ROOT, runAction, workflowEnv } from '../helpers/action.js'
import { runCli } from '../helpers/cli.js'
import { git } from '../helpers/git.js'
import { checkoutExample } from '../helpers/project.js'
import { stackInputs, stackStorage, startTestStack } from '../helpers/stack.js'

/**
 * A project the other tests never see, shaped like Kedro's spaceflights-pyspark starter (which
 * lives on GitHub, out of reach here): `kedro-dataproc init`, one catalog change, a green run;
 * and each mistake a new user makes, refused or warned by the pre-flight before anything is
 * uploaded or submitted, as the emulators' request counts show.
 */
const STARTER = join(ROOT, '__tests__', 'fixtures', 'spaceflights-starter')
const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'
// The runner's Python with the project's Kedro: the drivers' environment.
const PATH = `${join(ROOT, '.cache', 'driver-env', 'venv', 'bin')}:${process.env.PATH ?? ''}`
const BRANCH = 'feature/starter'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())

const init = (dir: string, ...flags: string[]) =>
  runCli(['init', ...flags], { cwd: dir, env: { PATH } })

/** The starter as `kedro new` leaves it, in a fresh git checkout. */
const starter = (): string => checkoutExample(BRANCH, STARTER)

/** After `init`, the one change a user makes: every output under the run output prefix. */
async function adapted(): Promise<string> {
  const dir = starter()
  expect((await init(dir)).code).toBe(0)
  const catalog = join(dir, 'conf/base/catalog.yml')
  const text = readFileSync(catalog, 'utf8')
  writeFileSync(catalog, text.replace(/filepath: data\/0([238])_/g, 'filepath: ${_output}/0$1_'))
  return dir
}

function runStarter(dir: string, runNumber: number, inputs: Record<string, string>) {
  return runAction({
    inputs: { ...stackInputs(stack), 'artifact-repository': 'kedro', ...inputs },
    env: { ...workflowEnv({ workspace: dir, runNumber, ref: BRANCH }), PATH }
  })
}

/** What the emulators have been asked to store or run so far. */
function sent(): { uploads: number; batches: number } {
  return {
    uploads: stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0,
    batches: stack.dataprocEmulator.faults.requestCounts()['dataproc.CreateBatch'] ?? 0
  }
}

/** Runs a mistake and checks that it was refused before anything was uploaded or submitted. */
async function refused(dir: string, runNumber: number, inputs: Record<string, string> = {}) {
  const before = sent()
  const run = await runStarter(dir, runNumber, inputs)
  expect(run.code).toBe(1)
  expect(run.stdout).toContain('::error::kedro-dataproc-action: pre-flight refused the run')
  expect(sent()).toEqual(before)
  return run
}

test('init --dry-run shows the diff and changes nothing; init adapts; a second init is a no-op', async () => {
  const dir = starter()
  const dry = await init(dir, '--dry-run')
  expect(dry.code).toBe(0)
  expect(dry.stdout).toContain('+++ b/deployment/dataproc/serverless/Dockerfile')
  expect(dry.stdout).toContain('+    "custom_resolvers": {**CONFIG_LOADER_ARGS.get(')
  expect(dry.stdout).toContain('+_output: ${oc.env:KEDRO_DATAPROC_RUN_OUTPUT_URI,data}')
  expect(dry.stderr).toMatch(/spark-local.*puts pyspark into the image/)
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('')

  expect((await init(dir)).code).toBe(0)
  const status = git(dir, 'status', '--porcelain', '--untracked-files=all')
  expect(status.split('\n').filter(Boolean).sort()).toEqual([
    ' M conf/base/catalog.yml',
    ' M pyproject.toml',
    ' M requirements.txt',
    ' M src/spaceflights_starter/settings.py',
    '?? .dockerignore',
    '?? deployment/dataproc/serverless/Dockerfile'
  ])
  git(dir, 'add', '-A')
  const staged = git(dir, 'status', '--porcelain', '--untracked-files=all')
  const again = await init(dir)
  expect(again.stdout).toContain('init: nothing to change')
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe(staged)
  expect(git(dir, 'diff')).toBe('')
})

test('before the catalog change the pre-flight names each output that would be lost', async () => {
  const dir = starter()
  expect((await init(dir)).code).toBe(0)
  const run = await runStarter(dir, 901, { 'dry-run': 'true' })
  expect(run.code).toBe(0)
  for (const name of ['preprocessed_companies', 'model_input_table', 'passenger_capacity_by_type'])
    expect(run.stdout).toMatch(
      new RegExp(`::warning::dataset '${name}' writes to data/\\S+, a local path on the batch`)
    )
  expect(run.stdout).toMatch(/::warning::requirements.txt: .*puts pyspark into the image/)
})

test('init, one catalog change, and the starter runs green with its outputs in GCS', async () => {
  const dir = await adapted()
  const run = await runStarter(dir, 902, { image: PREBUILT })
  expect(run.outputs.state).toBe('SUCCEEDED')
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/pre-flight \([\d.]+s\) ran: .*pipelines, nodes and tags/)
  expect(run.stdout).not.toContain('a local path on the batch')
  const [bucket, ...prefix] = (run.outputs['run-output-uri'] as string).slice(5).split('/')
  const [files] = await stackStorage(stack)
    .bucket(bucket as string)
    .getFiles({ prefix: `${prefix.join('/')}/` })
  const names = files.map(file => file.name)
  expect(names).toContainEqual(
    expect.stringMatching(/08_reporting\/passenger_capacity_by_type\.csv\/_SUCCESS$/)
  )
})

test('oc.env in the catalog without the resolver is refused before any upload', async () => {
  const dir = starter()
  const catalog = join(dir, 'conf/base/catalog.yml')
  const text = readFileSync(catalog, 'utf8')
  writeFileSync(
    catalog,
    text.replace(
      /filepath: data\/0([238])_/g,
      'filepath: ${oc.env:KEDRO_DATAPROC_RUN_OUTPUT_URI}/0$1_'
    )
  )
  // Not adapted yet, so there is no Dockerfile: a prebuilt image.
  const run = await refused(dir, 903, { image: PREBUILT })
  expect(run.stdout).toContain(
    'the configuration uses ${oc.env:…}, a resolver that settings.py does not register'
  )
})

test('an input that git ignores is refused, naming the dataset, the file and the fix', async () => {
  const dir = await adapted()
  mkdirSync(join(dir, 'data/05_model_input'))
  renameSync(join(dir, 'data/01_raw/companies.csv'), join(dir, 'data/05_model_input/companies.csv'))
  const catalog = join(dir, 'conf/base/catalog.yml')
  writeFileSync(
    catalog,
    readFileSync(catalog, 'utf8').replace(
      'data/01_raw/companies.csv',
      'data/05_model_input/companies.csv'
    )
  )
  const run = await refused(dir, 904)
  expect(run.stdout).toContain(
    "dataset 'companies' reads data/05_model_input/companies.csv, which code.zip will not hold (git ignores it, or it does not exist): commit it (git add -f data/05_model_input/companies.csv)"
  )
})

test('gs:// outputs without gcsfs in the image are refused', async () => {
  const dir = await adapted()
  writeFileSync(
    join(dir, 'requirements.txt'),
    'kedro~=1.7\nkedro-datasets[pandas-csvdataset]>=9.6\n'
  )
  const run = await refused(dir, 905)
  expect(run.stdout).toMatch(
    /requirements\.txt: datasets 'model_input_table', .* use gs:\/\/ paths, which need gcsfs/
  )
})

test('pipelines, nodes and tags the project does not define are refused with those it does', async () => {
  const dir = await adapted()
  const pipeline = await refused(dir, 906, { 'kedro-run-args': '--pipelines=reportin' })
  expect(pipeline.stdout).toContain(
    "kedro-run-args: --pipelines names 'reportin', which the project does not define; its pipelines: data_processing, reporting"
  )
  const rest = await refused(dir, 907, { 'kedro-run-args': '--nodes=compare --tags=preprocesing' })
  expect(rest.stdout).toContain("--nodes names 'compare', which the project does not define")
  expect(rest.stdout).toContain(
    "--tags names 'preprocesing', which the project does not define; its tags: preprocessing"
  )

  // The command runs the same pre-flight, and exits 2 as for any input problem.
  const before = sent()
  const cli = await runCli(
    [
      'run',
      '--project-id=my-project-123',
      '--region=europe-west1',
      '--run-submit-bucket=submit-bucket',
      '--run-output-bucket=output-bucket',
      `--dataproc-endpoint=http://${stack.dataproc}`,
      `--storage-endpoint=${stack.storage}`,
      `--image=${PREBUILT}`,
      '--kedro-run-args=--pipelines=reportin'
    ],
    { cwd: dir, env: { PATH } }
  )
  expect(cli.code).toBe(2)
  expect(cli.stderr).toContain("--pipelines names 'reportin'")
  expect(sent()).toEqual(before)
})

test('preflight: false skips it, and says so', async () => {
  const dir = await adapted()
  const run = await runStarter(dir, 908, {
    'kedro-run-args': '--pipelines=reportin',
    'dry-run': 'true',
    preflight: 'false'
  })
  expect(run.code).toBe(0)
  expect(run.stdout).toContain('pre-flight: skipped (preflight: false)')
})
