/** What every command shares: its settings, and the credentials it calls Google with. */
import { resolve } from 'node:path'
import { loadAccessToken } from '../clients/clients.js'
import { readValues, type InputValues } from '../inputs/table.js'
import type { Invocation } from './args.js'
import { envVariable, readPyproject, resolveSettings, type Settings } from './settings.js'

/**
 * The settings of the project the command runs in: the pyproject.toml of the working directory
 * (named by --working-directory or its variable, else the current directory).
 */
export function loadSettings(
  invocation: Invocation,
  env: NodeJS.ProcessEnv,
  cwd: string
): Settings {
  const directory =
    invocation.flags['working-directory'] || env[envVariable('working-directory')] || '.'
  return resolveSettings({
    pyproject: readPyproject(resolve(cwd, directory)),
    env,
    flags: invocation.flags
  })
}

export const valuesOf = (settings: Settings): InputValues =>
  readValues(name => (name in settings.values ? settings.values[name].value : ''))

/**
 * Application Default Credentials: `gcloud auth application-default login` on a developer's
 * machine, a key file named by GOOGLE_APPLICATION_CREDENTIALS, or the metadata server on Google
 * Cloud.
 */
export const LOCAL_CREDENTIALS_HINT =
  ': run `gcloud auth application-default login`, ' +
  'or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file'

/** Checked once before anything happens, so a missing login fails at once and says how. */
export async function checkCredentials(): Promise<void> {
  await loadAccessToken(LOCAL_CREDENTIALS_HINT)
}
