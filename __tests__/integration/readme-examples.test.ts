/**
 * Every workflow and command example of the README, run as written, so none can drift from what
 * the action and the command accept. Workflows: each step that uses the action runs the way the
 * runner runs it (`node` on the bundle, its `with:` as INPUT_* variables, an event payload for
 * each of the workflow's triggers), with `dry-run: true` added: nothing reaches Google. Commands:
 * each `npx … kedro-dataproc-action` line runs through bash with `node cli.js` in place of npx,
 * `run` with `--dry-run` added, in a project whose pyproject.toml holds the README's settings;
 * `logs` and `cancel`, which have no dry run, against the local stack, on batches submitted with
 * those settings, the README's placeholder batch id replaced by theirs.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT, runAction } from '../helpers/action.js'
import type { Stack } from '../../emulators/stack.js'
import { CLI, runCli } from '../helpers/cli.js'
import { git } from '../helpers/git.js'
import { checkoutExample } from '../helpers/project.js'
import { startTestStack } from '../helpers/stack.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const ACTION = 'org/kedro-dataproc-action@v1'

// No credentials and no network: any call to Google would fail, so a dry run that passes made none.
const OFFLINE = {
  GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json',
  GCE_METADATA_HOST: '127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9'
}

interface Step {
  uses?: string
  with?: Record<string, string | number | boolean>
}

interface Workflow {
  on?: string | string[] | Record<string, unknown>
  jobs?: Record<string, { steps: Step[] }>
}

/** The README's fenced blocks of one language, in order. */
function blocks(language: string): string[] {
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm')
  return [...README.matchAll(fence)].map(match => match[1] as string)
}

/** The workflow's triggers; a push of tags is `tag`. */
function triggersOf(workflow: Workflow): string[] {
  if (typeof workflow.on === 'string') return [workflow.on]
  if (Array.isArray(workflow.on)) return workflow.on
  const on = (workflow.on ?? {}) as Record<string, { tags?: string[] } | null>
  return Object.keys(on).map(name => (name === 'push' && on.push?.tags ? 'tag' : name))
}

/** A workflow, or a bare list of steps, as its action steps and triggers. */
function actionUses(block: string): { title: string; steps: Step[]; triggers: string[] }[] {
  const parsed = parse(block) as Workflow | Step[]
  if (Array.isArray(parsed)) {
    const steps = parsed.filter(step => step.uses === ACTION)
    return steps.length > 0 ? [{ title: 'the first example', steps, triggers: ['push'] }] : []
  }
  const steps = Object.values(parsed.jobs ?? {}).flatMap(job => job.steps)
  const uses = steps.filter(step => step.uses === ACTION)
  const title = (parsed as { name?: string }).name ?? 'a workflow'
  return uses.length > 0 ? [{ title, steps: uses, triggers: triggersOf(parsed) }] : []
}

const DISPATCHED_RELEASE = 'v0.1.0'

/** `${{ inputs.NAME || 'literal' }}`, the only expressions the README's `with:` blocks use. */
function expand(value: string, inputs: Record<string, string>): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_match, expression: string) => {
    for (const part of expression.split('||').map(text => text.trim())) {
      const input = /^inputs\.([\w-]+)$/.exec(part)
      if (input && inputs[input[1] as string]) return inputs[input[1] as string] as string
      const literal = /^'([^']*)'$/.exec(part)
      if (literal) return literal[1] as string
    }
    throw new Error(`the test cannot evaluate \${{ ${expression} }}`)
  })
}

/** The runner's variables and payload for one trigger of the workflow. */
function eventOf(
  trigger: string,
  repo: string,
  runNumber: number
): { env: Record<string, string>; inputs: Record<string, string>; event: unknown } {
  const sha = git(repo, 'rev-parse', 'HEAD').trim()
  const env: Record<string, string> = {
    GITHUB_EVENT_NAME: trigger,
    GITHUB_REF_NAME: 'feature-x',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: 'acme/pipelines',
    GITHUB_RUN_ID: String(9000 + runNumber),
    GITHUB_RUN_NUMBER: String(runNumber),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: repo,
    ...OFFLINE
  }
  const repository = { full_name: 'acme/pipelines' }
  switch (trigger) {
    case 'pull_request':
      env.GITHUB_HEAD_REF = 'feature/readme'
      env.GITHUB_REF_NAME = '12/merge'
      return {
        env,
        inputs: {},
        event: { repository, pull_request: { number: 12, head: { ref: 'feature/readme', sha } } }
      }
    case 'push':
      return { env, inputs: {}, event: { repository, ref: 'refs/heads/feature-x' } }
    case 'tag':
      // The release workflow runs on the push of the tag the checkout has.
      git(repo, 'tag', 'v0.2.0')
      env.GITHUB_EVENT_NAME = 'push'
      env.GITHUB_REF_NAME = 'v0.2.0'
      env.GITHUB_REF_TYPE = 'tag'
      return { env, inputs: {}, event: { repository, ref: 'refs/tags/v0.2.0' } }
    case 'workflow_dispatch':
      return {
        env,
        inputs: { release: DISPATCHED_RELEASE },
        event: { repository, inputs: { release: DISPATCHED_RELEASE } }
      }
    default:
      return { env, inputs: {}, event: { repository, schedule: '0 3 * * *' } }
  }
}

const workflows = blocks('yaml').flatMap(actionUses)

test('the README shows the workflows this test runs', () => {
  expect(workflows.map(w => w.title)).toEqual([
    'the first example',
    'dataproc-dev',
    'dataproc-release',
    'dataproc-prod'
  ])
})

describe.each(workflows)('README workflow: $title', ({ steps, triggers }) => {
  test.each(triggers)('on %s, run as written in dry-run, exits 0', async trigger => {
    const repo = checkoutExample('feature-x')
    const { env, inputs, event } = eventOf(trigger, repo, 17)
    for (const step of steps) {
      const withInputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([name, value]) => [
          name,
          expand(String(value), inputs)
        ])
      )
      const run = await runAction({ inputs: { ...withInputs, 'dry-run': 'true' }, env, event })
      expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: '', code: 0 })
      expect(run.stdout).toContain('dry-run: nothing was built, uploaded or submitted.')
      const plan = JSON.parse(run.outputs.plan as string) as { release?: string }
      if (withInputs.release) expect(plan.release).toBe(withInputs.release)
    }
  })
})

/** Every command line of the README: the ```sh block and the GitLab pipeline's scripts. */
function commandLines(): { line: string; env: Record<string, string> }[] {
  const lines = blocks('sh')
    .flatMap(block => block.split('\n'))
    .filter(line => line.includes('kedro-dataproc-action'))
    .map(line => ({ line, env: {} }))
  for (const block of blocks('yaml').filter(text => text.startsWith('# .gitlab-ci.yml'))) {
    const jobs = parse(block) as Record<
      string,
      { script?: string[]; variables?: Record<string, string> }
    >
    for (const job of Object.values(jobs))
      for (const line of job.script ?? []) lines.push({ line, env: job.variables ?? {} })
  }
  return lines
}

const commands = commandLines()

test('the README shows the commands this test runs', () => {
  expect(commands.length).toBeGreaterThanOrEqual(6)
})

/** The example project with the README's settings in its pyproject.toml. */
function readmeProject(): string {
  const settings = blocks('toml').find(block => block.includes('[tool.kedro-dataproc]')) as string
  const project = checkoutExample('feature/readme')
  appendFileSync(join(project, 'pyproject.toml'), `\n${settings}`)
  git(project, 'commit', '-qam', 'settings from the README')
  return project
}

/** A README command line as bash runs it: `node cli.js` for npx, its comment dropped. */
const asRun = (line: string): string =>
  line
    .replace(/npx (--yes )?github:OWNER\/kedro-dataproc-action(#v1)?/, 'node "$CLI"')
    .replace(/\s+# .*$/, '')

/** Runs in the background: the stack's emulators answer from this process meanwhile. */
function bash(
  command: string,
  cwd: string,
  env: Record<string, string>
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CLI, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise(resolve => child.on('close', status => resolve({ status, stdout, stderr })))
}

describe('README commands, run as written (run in dry-run)', () => {
  let project = ''
  beforeAll(() => {
    project = readmeProject()
  })

  test.each(commands.filter(({ line }) => !/ (logs|cancel|clean) /.test(line)))(
    '$line',
    async ({ line, env }) => {
      const command = asRun(line)
      const dryRun = / run( |$)/.test(command) ? `${command} --dry-run` : command
      const result = await bash(dryRun, project, { RELEASE: 'v0.2.0', ...OFFLINE, ...env })
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 })
    }
  )
})

describe('README logs, cancel and clean, run as written against the local stack', () => {
  let stack: Stack | undefined
  let project = ''
  let env: Record<string, string> = {}
  beforeAll(async () => {
    stack = await startTestStack('off', 'acme-dev-dataproc-submit', 'acme-dev-dataproc-output')
    project = readmeProject()
    writeFileSync(
      join(project, 'slow.py'),
      'import time\nfor i in range(600):\n    print(f"working {i}", flush=True)\n    time.sleep(0.1)\n'
    )
    writeFileSync(join(project, 'quick.py'), 'print("done", flush=True)\n')
    // The stack in place of Google, through the settings' environment variables.
    env = {
      KEDRO_DATAPROC_DATAPROC_ENDPOINT: `http://${stack.dataproc}`,
      KEDRO_DATAPROC_STORAGE_ENDPOINT: stack.storage,
      KEDRO_DATAPROC_IMAGE: '127.0.0.1:5000/acme-dev/kedro/dataproc-serverless:prebuilt'
    }
  })
  afterAll(async () => stack?.stop())

  /** A batch submitted with the README's settings, left to run: its id. */
  async function submitted(entrypoint: string): Promise<string> {
    const run = await runCli(['run', '--no-wait', '--json', '--entrypoint', entrypoint], {
      cwd: project,
      env
    })
    expect(run.code).toBe(0)
    return (JSON.parse(run.stdout) as { batchId: string }).batchId
  }

  const line = (command: 'logs' | 'cancel' | 'clean'): string =>
    commands.find(c => c.line.includes(` ${command} `))?.line as string

  test('cancel BATCH cancels it and waits until it is CANCELLED', async () => {
    const id = await submitted('slow.py')
    const result = await bash(
      asRun(line('cancel')).replace(/kedro-dev-my-branch-…/, id),
      project,
      env
    )
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 })
    expect(result.stderr).toContain(`batch ${id} CANCELLED`)
  })

  test('logs BATCH follows it to its end and prints its driver output', async () => {
    const id = await submitted('quick.py')
    const result = await bash(
      asRun(line('logs')).replace(/kedro-dev-my-branch-…/, id),
      project,
      env
    )
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 })
    expect(result.stdout).toContain('done\n')
  })

  // Last: the runs above left the branch's run folders for it to list.
  test('clean --branch BRANCH --dry-run lists what the branch left behind, removing nothing', async () => {
    const command = asRun(line('clean')).replace('my-branch', 'feature/readme')
    const result = await bash(command, project, env)
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 })
    expect(result.stdout).toContain('clean feature/readme (dry run)')
    expect(result.stdout).toMatch(/\b[1-9]\d* run folder\(s\) would be deleted \([1-9]/)
    const again = await bash(command, project, env)
    expect(again.stdout).toBe(result.stdout)
  })
})
