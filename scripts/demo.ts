/**
 * The main job, end to end on the local stack, the way a pull request runs it: a throwaway
 * checkout of examples/spaceflights-pyspark on a feature branch with an uncommitted change, and
 * the bundled action (`node dist/index.js`) run with the runner's INPUT_* variables, output and
 * summary files. Nothing outside a temporary directory is touched.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { Storage } from '@google-cloud/storage'
import { PassThroughClient } from 'google-auth-library'
import { startStack } from '../emulators/stack.js'
import { parseOutputFile } from './runner-files.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BRANCH = 'feature/demo-run'

const say = (text: string): void => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`)

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' })
}

function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kedro-demo-'))
  cpSync(join(ROOT, 'examples', 'spaceflights-pyspark'), dir, { recursive: true })
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, '-c', 'user.email=demo@example.com', '-c', 'user.name=Demo', 'add', '-A')
  git(
    dir,
    '-c',
    'user.email=demo@example.com',
    '-c',
    'user.name=Demo',
    'commit',
    '-q',
    '-m',
    'example project'
  )
  git(dir, 'checkout', '-q', '-b', BRANCH)
  // Uncommitted work: the run takes it as it is, without stashing or committing anything.
  writeFileSync(
    join(dir, 'conf/base/parameters.yml'),
    `${readFileSync(join(dir, 'conf/base/parameters.yml'), 'utf8')}# tuned in the working tree, not committed\n`
  )
  return dir
}

function htmlToText(html: string): string {
  return html
    .replace(/<\/(tr|h3|p|pre|summary)>/g, '\n')
    .replace(/<\/t[dh]>/g, '  ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

async function main(): Promise<void> {
  say(
    'Starting the local stack (GCS and Dataproc emulators, registry and Docker daemon where installed)'
  )
  const stack = await startStack({ docker: 'auto' })
  const work = mkdtempSync(join(tmpdir(), 'kedro-demo-run-'))
  try {
    console.log(
      JSON.stringify({
        storage: stack.storage,
        dataproc: stack.dataproc,
        registry: stack.registry,
        dockerHost: stack.dockerHost
      })
    )
    console.log(`Batches run real Kedro on ${stack.spark} (local mode).`)
    const storage = new Storage({
      apiEndpoint: stack.storage,
      projectId: 'demo-project',
      authClient: new PassThroughClient(),
      useAuthWithCustomEndpoint: false
    })
    await storage.createBucket('demo-run-submit')
    await storage.createBucket('demo-run-output')

    const repo = checkout()
    say(`A checkout of the example project on ${BRANCH}, with an uncommitted change: ${repo}`)

    const inputs: Record<string, string> = {
      'project-id': 'demo-project',
      region: 'europe-west1',
      'run-submit-bucket': 'demo-run-submit',
      'run-output-bucket': 'demo-run-output',
      'kedro-run-args': '--params=reporting.top_n_companies=5',
      'dataproc-endpoint': `http://${stack.dataproc}`,
      'storage-endpoint': stack.storage
    }
    const env: Record<string, string> = {}
    if (stack.dockerHost && stack.registry) {
      say(
        "The stack's Docker daemon has python:3.11-slim, made from Debian packages (no Docker Hub " +
          'here): the example Dockerfile builds unchanged, its apt-get and pip reaching the package ' +
          'servers through build-network: host'
      )
      inputs['artifact-registry'] = stack.registry
      inputs['artifact-repository'] = 'kedro'
      inputs['build-network'] = 'host'
      env.DOCKER_HOST = stack.dockerHost
    } else {
      say(
        `No Docker here (${stack.dockerUnavailable}): using a prebuilt image reference instead of building`
      )
      inputs.image =
        'europe-west1-docker.pkg.dev/demo-project/kedro/dataproc-serverless@sha256:' +
        '0'.repeat(64)
    }

    const files = {
      output: join(work, 'output'),
      summary: join(work, 'summary'),
      state: join(work, 'state'),
      event: join(work, 'event.json')
    }
    writeFileSync(files.output, '')
    writeFileSync(files.summary, '')
    writeFileSync(files.state, '')
    writeFileSync(
      files.event,
      JSON.stringify({ pull_request: { number: 1, head: { ref: BRANCH, sha: '0'.repeat(40) } } })
    )
    say('Running the bundled action as the runner does: node dist/index.js')
    const code = await new Promise<number | null>(resolve => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'index.js')], {
        stdio: 'inherit',
        env: {
          ...process.env,
          ...env,
          ...Object.fromEntries(
            Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
          ),
          GITHUB_ACTIONS: 'true',
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: files.event,
          GITHUB_HEAD_REF: BRANCH,
          GITHUB_REF_NAME: '1/merge',
          GITHUB_REPOSITORY: 'acme/spaceflights',
          GITHUB_RUN_ID: String(Date.now()),
          GITHUB_RUN_NUMBER: '1',
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_WORKSPACE: repo,
          GITHUB_OUTPUT: files.output,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_STATE: files.state,
          RUNNER_TEMP: work
        }
      })
      child.on('close', resolve)
    })
    const outputUri = parseOutputFile(readFileSync(files.output, 'utf8'))['run-output-uri'] ?? ''
    say(`What the run wrote under its output prefix ${outputUri}`)
    const [, bucket = '', prefix = ''] = /^gs:\/\/([^/]+)\/(.*)$/.exec(outputUri) ?? []
    const [written] = await storage.bucket(bucket).getFiles({ prefix: `${prefix}/` })
    for (const file of written)
      console.log(`gs://${bucket}/${file.name}  (${file.metadata.size} bytes)`)
    say('Job summary')
    console.log(htmlToText(readFileSync(files.summary, 'utf8')))
    say(`The action exited with ${code}; ${repo} still has its uncommitted change:`)
    console.log(execFileSync('git', ['status', '--short'], { cwd: repo, encoding: 'utf8' }))
    process.exitCode = code ?? 1
  } finally {
    await stack.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
