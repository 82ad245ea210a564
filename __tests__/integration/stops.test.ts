import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRegistry, type Registry } from '../../emulators/registry.js'
import type { Stack } from '../../emulators/stack.js'
import { runAction, waitForOutput, workflowEnv } from '../helpers/action.js'
import { checkoutExample } from '../helpers/project.js'
import {
  createBuckets,
  stackDataproc,
  stackInputs,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'

/**
 * A failed step or a signal stops the steps after it: the build ends within seconds and nothing
 * is pushed or submitted. The registry is real; `docker` is a stand-in whose build never ends on
 * its own (a real daemon and base image cost minutes here), and which logs every command.
 */
let stack: Stack
let registry: Registry
let bin: string

const PARENT = 'projects/my-project-123/locations/europe-west1'

beforeAll(async () => {
  stack = await startTestStack('off', 'stops-submit', 'stops-output')
  registry = await startRegistry({ stateDir: mkdtempSync(join(tmpdir(), 'stops-registry-')) })
  bin = mkdtempSync(join(tmpdir(), 'fake-docker-'))
  writeFileSync(
    join(bin, 'docker'),
    [
      '#!/bin/sh',
      'echo "$1" >> "$DOCKER_LOG"',
      'case "$1" in',
      '  buildx) exit 1 ;;',
      '  build) echo "Step 1/2 : RUN a long build"; exec sleep 600 ;;',
      '  *) exit 0 ;;',
      'esac',
      ''
    ].join('\n')
  )
  chmodSync(join(bin, 'docker'), 0o755)
})
afterAll(async () => {
  await registry?.close()
  await stack?.stop()
})
afterEach(() => stack.gcs.faults.clear())

let runNumber = 700
function building(): { inputs: Record<string, string>; env: Record<string, string>; log: string } {
  runNumber += 1
  const log = join(mkdtempSync(join(tmpdir(), 'docker-log-')), 'commands')
  const inputs = {
    ...stackInputs(stack),
    'run-submit-bucket': 'stops-submit',
    'run-output-bucket': 'stops-output',
    'artifact-registry': registry.address,
    'artifact-repository': 'kedro'
  }
  const env = {
    ...workflowEnv({
      workspace: checkoutExample('feature/stops'),
      runNumber,
      ref: 'feature/stops'
    }),
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    DOCKER_LOG: log
  }
  return { inputs, env, log }
}

const commands = (log: string): string[] =>
  existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []

async function batchCount(): Promise<number> {
  const [batches] = await stackDataproc(stack).listBatches({ parent: PARENT })
  return batches.length
}

test('an upload that fails stops the build: nothing is pushed, nothing submitted', async () => {
  const before = await batchCount()
  const { inputs, env, log } = building()
  stack.gcs.faults.arm({ route: 'gcs.upload', times: 1000, status: 403 })
  const started = Date.now()
  const run = await runAction({ inputs, env })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(/::error::kedro-dataproc-action: Injected fault/)
  // The build never ends on its own: the run ended because it was stopped (or never started it).
  expect(Date.now() - started).toBeLessThan(300_000)
  expect(commands(log)).not.toContain('push')
  expect(await batchCount()).toBe(before)
})

test('SIGTERM during the build ends the run within seconds: nothing pushed, nothing submitted', async () => {
  const before = await batchCount()
  const { inputs, env, log } = building()
  let signalledAt = 0
  const run = await runAction({
    inputs,
    env,
    onStart: child =>
      void waitForOutput(child, /RUN a long build/).then(() => {
        signalledAt = Date.now()
        child.kill('SIGTERM')
      })
  })
  expect(signalledAt).toBeGreaterThan(0)
  // The stand-in build lasts 600 s: a run that waited it out would end long after this wide bound
  // (wide so that a loaded machine's slow start cannot fail it).
  expect(Date.now() - signalledAt).toBeLessThan(300_000)
  expect(run.code).toBe(1)
  expect(run.stdout).toContain('stopped: the run was stopped before the image was done')
  expect(commands(log)).not.toContain('push')
  expect(await batchCount()).toBe(before)
})

test('a bucket that does not exist stops the run before anything is built or uploaded', async () => {
  await createBuckets(stack, 'stops-lone-submit')
  const before = await batchCount()
  const { inputs, env, log } = building()
  const refusals: Record<string, string>[] = [
    { 'run-output-bucket': 'no-such-output' },
    { 'run-submit-bucket': 'no-such-submit' }
  ]
  for (const missing of refusals) {
    const run = await runAction({
      inputs: { ...inputs, 'run-submit-bucket': 'stops-lone-submit', ...missing },
      env
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /::error::kedro-dataproc-action: run-(output|submit)-bucket: bucket 'no-such-\w+' does not exist; create it/
    )
  }
  expect(commands(log)).toEqual([])
  expect((await stackStorage(stack).bucket('stops-lone-submit').getFiles())[0]).toHaveLength(0)
  expect(await batchCount()).toBe(before)
})
