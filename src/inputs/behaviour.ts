import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { Config, Endpoints, RunEnv } from './config.js'
import type { InputReader } from './reader.js'
import { parseEndpoint, type Endpoint } from './syntax.js'
import type { InputName } from './table.js'

/** How the run goes: where it reads from, what it talks to, whether it waits and prepares. */
export type Behaviour = Pick<
  Config,
  | 'workingDirectory'
  | 'endpoints'
  | 'dryRun'
  | 'wait'
  | 'timeoutSeconds'
  | 'cancelOnAbort'
  | 'onMissingCredentials'
  | 'prepare'
  | 'submit'
  | 'force'
  | 'allowForkCode'
  | 'preflight'
  | 'report'
>

/** `workspace`: what a relative working-directory is relative to. */
export function readWorkingDirectory(r: InputReader, workspace: string): string {
  const given = r.text('working-directory')
  const directory = isAbsolute(given) ? given : resolve(workspace, given)
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    r.problem(
      'working-directory',
      `'${given}' is not a directory; check out the repository first (actions/checkout) or fix the path`
    )
  return directory
}

function endpoint(r: InputReader, name: InputName, variable: string): Endpoint | undefined {
  const given = r.text(name)
  const value = given || r.env[variable] || ''
  if (!value) return undefined
  // The emulator variables follow Google's convention of a plaintext host:port.
  const parsed = parseEndpoint(value, !given)
  // Without a scheme a given value means https and credentials: only Google's hosts want that.
  if (parsed && given && !/^[a-z]+:\/\//.test(given) && !parsed.host.endsWith('.googleapis.com'))
    r.problem(
      name,
      `'${given}' has no scheme; write http://${given} for a local emulator (plaintext, no credentials) or https://${given}`
    )
  else if (!parsed)
    r.problem(
      name,
      `'${value}' is not an endpoint; use https://HOST[:PORT], or http://HOST:PORT for a local emulator`
    )
  return parsed
}

export function readEndpoints(r: InputReader): Endpoints {
  return {
    dataproc: endpoint(r, 'dataproc-endpoint', 'DATAPROC_EMULATOR_HOST'),
    storage: endpoint(r, 'storage-endpoint', 'STORAGE_EMULATOR_HOST'),
    logging: endpoint(r, 'logging-endpoint', 'LOGGING_EMULATOR_HOST')
  }
}

export function readBehaviour(r: InputReader, env: RunEnv, workingDirectory: string): Behaviour {
  const endpoints = readEndpoints(r)
  const dryRun = r.bool('dry-run')
  const wait = r.bool('wait')
  const cancelOnAbort = r.bool('cancel-on-abort')
  const onMissingCredentials = r.choice('on-missing-credentials', ['fail', 'skip'] as const)
  const prepare = r.bool('prepare')
  const submit = r.bool('submit')
  const force = r.bool('force')
  if (env === 'dev') {
    if (!prepare)
      r.problem(
        'prepare',
        'only prod runs can skip preparing; a dev run always uploads its code. Remove prepare, or set env: prod'
      )
    if (!submit)
      r.problem(
        'submit',
        'only prod runs can prepare without submitting; remove submit, or set env: prod'
      )
    if (force) r.problem('force', 'only replaces prod releases; remove force, or set env: prod')
  } else if (!prepare && !submit) {
    r.problem(
      'submit',
      'with prepare: false there is nothing left to do; set prepare or submit to true'
    )
  }
  const report = {
    // The runner resolves the default `${{ github.token }}`; elsewhere there is none.
    githubToken: r.values['github-token'],
    prComment: r.choice('pr-comment', ['auto', 'always', 'never'] as const),
    uploadArtifacts: r.bool('upload-artifacts')
  }
  return {
    workingDirectory,
    endpoints,
    dryRun,
    wait,
    timeoutSeconds: r.duration('timeout', 'use e.g. 45m or 2h'),
    cancelOnAbort,
    onMissingCredentials,
    prepare,
    submit,
    force,
    allowForkCode: r.bool('allow-fork-code'),
    preflight: r.bool('preflight'),
    report
  }
}
