import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAction } from '../helpers/action.js'
import { git, makeRepo } from '../helpers/git.js'

const INPUTS = {
  'project-id': 'my-project-123',
  region: 'europe-west1',
  'run-submit-bucket': 'submit-bucket',
  'run-output-bucket': 'output-bucket',
  'artifact-repository': 'kedro',
  'kedro-run-args': `--pipeline=data_processing --params="a=1,b=x y"`,
  'dry-run': 'true'
}

// No credentials and no network: every endpoint points at a closed port, so any call would fail.
const OFFLINE = {
  GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json',
  GCE_METADATA_HOST: '127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9'
}

/** A repository with the Dockerfile a dry run plans to build (it must exist, as for the run). */
function makeProject(): string {
  const repo = makeRepo('main')
  mkdirSync(join(repo, 'deployment/dataproc/serverless'), { recursive: true })
  writeFileSync(
    join(repo, 'deployment/dataproc/serverless/Dockerfile'),
    'FROM scratch AS dev\nFROM scratch AS prod\n'
  )
  return repo
}

const PR_HEAD_SHA = '0123456789abcdef0123456789abcdef01234567'

function pullRequestRun(repo: string) {
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_HEAD_REF: 'feature/new-model',
    GITHUB_REF_NAME: '42/merge',
    // The merge commit the runner made and checked out for the run.
    GITHUB_SHA: git(repo, 'rev-parse', 'HEAD').trim(),
    GITHUB_REPOSITORY: 'acme/pipelines',
    GITHUB_RUN_ID: '9000',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_WORKSPACE: repo,
    ...OFFLINE
  }
}

const PR_EVENT = {
  pull_request: { number: 42, head: { ref: 'feature/new-model', sha: PR_HEAD_SHA } }
}

test('a dev dry run on a pull request prints and outputs the plan of the PR head branch', async () => {
  const repo = makeProject()
  // A pull request checkout is a detached merge commit: git alone would only say HEAD.
  git(repo, 'checkout', '-q', '--detach')
  const run = await runAction({ inputs: INPUTS, env: pullRequestRun(repo), event: PR_EVENT })
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  const plan = JSON.parse(run.outputs.plan as string)
  expect(plan).toMatchObject({
    env: 'dev',
    branch: 'feature/new-model',
    // The slug differs from the branch, so it carries a hash of it: feature-new-model-1a2b3c.
    branchSlug: expect.stringMatching(/^feature-new-model-[0-9a-f]{6}$/),
    commit: PR_HEAD_SHA,
    runId: expect.stringMatching(/^feature-new-model-[0-9a-f]{6}-r17-a2-[0-9a-f]{6}$/),
    storage: {
      codeUri: `gs://submit-bucket/${plan.branchSlug}/${plan.runId}/code.zip`,
      entrypointUri: `gs://submit-bucket/${plan.branchSlug}/${plan.runId}/entrypoint.py`,
      runOutputUri: `gs://output-bucket/${plan.branchSlug}/${plan.runId}`
    }
  })
  expect(plan.batch.request.batch.pysparkBatch.args).toEqual([
    '--',
    '--pipeline=data_processing',
    '--params=a=1,b=x y'
  ])
  expect(run.outputs).toMatchObject({
    'batch-id': plan.batch.id,
    image: `europe-west1-docker.pkg.dev/my-project-123/kedro/dataproc-serverless:${plan.branchSlug}`,
    'code-uri': plan.storage.codeUri,
    'entrypoint-uri': plan.storage.entrypointUri,
    'run-output-uri': plan.storage.runOutputUri
  })
  expect(run.stdout).toContain(`::group::Plan: dev run ${plan.runId}`)
  expect(run.stdout).toContain('dry-run: nothing was built, uploaded or submitted.')
  expect(run.summary).toContain('dry run')
  expect(run.summary).toContain(plan.batch.id)
})

test('a prod dry run plans the release folder and an optional run id', async () => {
  const repo = makeProject()
  const run = await runAction({
    inputs: { ...INPUTS, env: 'prod', release: 'v0.2.0', 'run-id': 'nightly-7' },
    env: {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_REF_NAME: 'main',
      GITHUB_WORKSPACE: repo,
      GITHUB_RUN_ID: '1',
      ...OFFLINE
    }
  })
  expect(run.code).toBe(0)
  const plan = JSON.parse(run.outputs.plan as string)
  expect(plan).toMatchObject({
    env: 'prod',
    release: 'v0.2.0',
    runId: 'nightly-7',
    image: {
      reference: 'europe-west1-docker.pkg.dev/my-project-123/kedro/dataproc-serverless:v0.2.0'
    },
    storage: {
      codeUri: 'gs://submit-bucket/release/v0.2.0/code.zip',
      runOutputUri: 'gs://output-bucket/release/v0.2.0/nightly-7'
    }
  })
  expect(plan.batch.request.batch.labels).toMatchObject({
    env: 'prod',
    release: 'v0-2-0',
    'run-id': 'nightly-7'
  })
})

test('bad input fails the step with one prefixed message before anything happens', async () => {
  const repo = makeRepo('main')
  writeFileSync(join(repo, 'marker'), '')
  const run = await runAction({
    inputs: {
      ...INPUTS,
      'dry-run': 'false',
      'kedro-run-args': "--params='param1:10,param2=a'",
      region: 'us-central1-a'
    },
    env: { GITHUB_WORKSPACE: repo, GITHUB_REF_NAME: 'main', ...OFFLINE }
  })
  expect(run.code).toBe(1)
  // The repository has no Dockerfile either: every problem is named at once.
  expect(run.stdout).toMatch(/::error::kedro-dataproc-action: 3 invalid inputs:/)
  expect(run.stdout).toContain(
    "dockerfile: 'deployment/dataproc/serverless/Dockerfile' does not exist"
  )
  expect(run.stdout).toContain('--params=param1=10,param2=a')
  expect(run.stdout).toContain("region: 'us-central1-a' is a zone")
  expect(run.outputs).toEqual({})
})

describe("kedro-run-args against the project's own Kedro", () => {
  function kedroProject(requirement: string, initVersion: string): string {
    const repo = makeProject()
    writeFileSync(join(repo, 'requirements.txt'), `${requirement}\nkedro-datasets~=9.6\n`)
    writeFileSync(
      join(repo, 'pyproject.toml'),
      `[tool.kedro]\npackage_name = "p"\nproject_name = "p"\nkedro_init_version = "${initVersion}"\n`
    )
    return repo
  }
  const run = (repo: string, kedroRunArgs: string, dryRun = 'true') =>
    runAction({
      inputs: { ...INPUTS, 'kedro-run-args': kedroRunArgs, 'dry-run': dryRun },
      env: { GITHUB_WORKSPACE: repo, GITHUB_REF_NAME: 'main', ...OFFLINE }
    })

  test('a Kedro 1.x project: --pipelines, --nodes and --params=a=1, pass; the plan says which Kedro and why', async () => {
    const result = await run(
      kedroProject('kedro~=1.7', '1.7.0'),
      '--pipelines=a,b --nodes=n1 --params=a=1,'
    )
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('::warning::kedro-run-args')
    expect(JSON.parse(result.outputs.plan as string).kedro).toEqual({
      version: '1.7',
      reason: 'requirements.txt asks for kedro~=1.7: Kedro 1.7'
    })
    expect(result.stdout).toMatch(
      /checked for +Kedro 1\.7 \(requirements\.txt asks for kedro~=1\.7/
    )
  })

  test('--pipeline passes with a warning naming --pipelines', async () => {
    const result = await run(kedroProject('kedro~=1.7', '1.7.0'), '--pipeline=data_processing')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      '::warning::kedro-run-args: --pipeline is deprecated since Kedro 1.4; write --pipelines instead'
    )
  })

  test('--namespace is refused before anything happens, naming --namespaces', async () => {
    const result = await run(kedroProject('kedro~=1.7', '1.7.0'), '--namespace=x', 'false')
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::kedro-dataproc-action: .*kedro-run-args: --namespace was removed in Kedro 1\.0 \(the project's is Kedro 1\.7\); write --namespaces/
    )
    expect(result.outputs).toEqual({})
  })

  test('on a project pinned to Kedro 1.1, --pipelines is refused with the version that brought it', async () => {
    const result = await run(kedroProject('kedro==1.1.0', '1.1.0'), '--pipelines=a', 'false')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      "kedro-run-args: --pipelines needs Kedro 1.2 or newer, and the project's is Kedro 1.1"
    )
    expect(result.outputs).toEqual({})
  })

  test('kedro_init_version 0.19.9 with Kedro 1.x pinned is refused before the build, with both versions', async () => {
    const result = await run(kedroProject('kedro~=1.7', '0.19.9'), '', 'false')
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /working-directory: pyproject\.toml's kedro_init_version 0\.19\.9 does not match Kedro 1\.7 .*set kedro_init_version = "1\.7\.0"/
    )
    expect(result.outputs).toEqual({})
  })
})
