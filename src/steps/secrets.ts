/**
 * What must never leave the runner inside `code.zip` or an image:
 * - left out, and said so: the credentials files that auth steps write into the workspace, git
 *   configs that hold a credential (build context only: code.zip never holds `.git`), and local
 *   settings that usually hold secrets (`.env*`, Kedro's `credentials*` anywhere under `conf/`)
 *   unless allowed by name;
 * - refused before anything is built, uploaded or submitted: private keys and Google credentials
 *   files (gcloud and ADC logins, service-account keys, federation configs) anywhere else.
 */
import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs'
import path from 'node:path'

/** The variables through which auth steps and Google's tools name a credentials file. */
export const CREDENTIAL_VARIABLES = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GOOGLE_GHA_CREDS_PATH',
  'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE'
] as const

/** What to leave out and what to accept, decided once per run. */
export interface SecretRules {
  /** From credentialFiles(). */
  credentials: Map<string, string>
  /** From allowedFiles(). */
  allowed: Set<string>
}

export function secretRules(allowSecretFiles: string[], env = process.env): SecretRules {
  return { credentials: credentialFiles(env), allowed: allowedFiles(allowSecretFiles) }
}

/** google-github-actions/auth writes `gha-creds-<random hex>.json` into the workspace. */
const AUTH_STEP_FILE = /^gha-creds-[^/]*\.json$/

/** Real paths of the credentials files that the environment names, with the variable. */
export function credentialFiles(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const files = new Map<string, string>()
  for (const name of CREDENTIAL_VARIABLES) {
    const value = env[name]
    const file = value ? realOrResolved(value) : undefined
    // The first variable that names a file is the one reported.
    if (file && !files.has(file)) files.set(file, name)
  }
  return files
}

function realOrResolved(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return path.resolve(file)
  }
}

/**
 * Why the file at `source` (entry `name`) is a credentials file that is always left out, or
 * undefined. `files` comes from credentialFiles.
 */
export function credentialReason(
  name: string,
  source: string,
  files: Map<string, string>
): string | undefined {
  // The name first: a path is resolved (a system call) only when it could be one of the files.
  const base = path.basename(source)
  const candidate = [...files.keys()].some(file => path.basename(file) === base)
  const variable = candidate ? files.get(realOrResolved(source)) : undefined
  if (variable) return `credentials file named by ${variable}, never shipped`
  if (AUTH_STEP_FILE.test(path.posix.basename(name))) {
    return 'credentials file written by an auth step (gha-creds-*.json), never shipped'
  }
  return undefined
}

/** Keys and logins are small: a file bigger than this is not read for one (and named in the log). */
export const SCAN_MAX_BYTES = 1024 * 1024

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/
const SERVICE_ACCOUNT_KEY = /"private_key"\s*:\s*"-----BEGIN/

/** What kind of private key `bytes` hold, or undefined. */
export function privateKeyIn(bytes: Buffer): string | undefined {
  // Cheap first test: every form below contains this text.
  if (bytes.indexOf('PRIVATE KEY') === -1) return undefined
  const text = bytes.toString('latin1')
  if (SERVICE_ACCOUNT_KEY.test(text)) return 'a service-account key (private_key)'
  const pem = PEM_PRIVATE_KEY.exec(text)
  return pem ? `a private key: ${pem[0]}` : undefined
}

/**
 * The `type`s of the JSON files Google's libraries and gcloud log in with: a user's refresh token
 * (`gcloud auth application-default login` writes application_default_credentials.json), a key, a
 * Workload Identity Federation configuration, an impersonation chain.
 */
const LOGIN_TYPES = new Set([
  'authorized_user',
  'service_account',
  'external_account',
  'external_account_authorized_user',
  'impersonated_service_account'
])
const LOGIN_TYPE = /"type"\s*:\s*"([a-z_]+)"/

/** What kind of Google credentials file `bytes` are, or undefined. */
export function loginIn(bytes: Buffer): string | undefined {
  // Cheap first tests; only a JSON object whose `type` is one of the above counts.
  const type = LOGIN_TYPE.exec(bytes.indexOf('"type"') === -1 ? '' : bytes.toString('latin1'))
  if (!type || !LOGIN_TYPES.has(type[1] as string)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch {
    return undefined
  }
  const value =
    typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined
  return typeof value === 'string' && LOGIN_TYPES.has(value)
    ? `a Google credentials file: "type": "${value}"`
    : undefined
}

export interface ScannedFile {
  /** The name it would have in the archive or the build context. */
  name: string
  /** Where its bytes are. */
  source: string
  size: number
}

/** Real paths of the files that `allow-secret-files` accepts. */
export function allowedFiles(files: string[]): Set<string> {
  return new Set(files.map(realOrResolved))
}

const DOTENV = /^\.env/
const KEDRO_CREDENTIALS = /(?:^|\/)conf\/(?:[^/]+\/)*credentials[^/]*$/

/**
 * Why the file `name` (at `source`) is local settings that are left out unless allowed by name:
 * `.env*` files and Kedro's `credentials*` anywhere under `conf/`; or undefined.
 */
export function localSecretsReason(
  name: string,
  source: string,
  allowed: Set<string>
): string | undefined {
  let what: string | undefined
  if (DOTENV.test(path.posix.basename(name))) what = 'a .env file (local settings and secrets)'
  else if (KEDRO_CREDENTIALS.test(name)) what = "Kedro's credentials (conf/**/credentials*)"
  if (!what || allowed.has(realOrResolved(source))) return undefined
  return `${what}, left out unless named in allow-secret-files`
}

/** A git config file, in any repository, submodule or worktree below `.git`. */
const GIT_CONFIG = /(?:^|\/)\.git\/(?:[^/]+\/)*config(?:\.worktree)?$/
/** actions/checkout's `http.<url>.extraheader`, or a URL carrying a user or a password. */
const GIT_CREDENTIAL = /^\s*extraheader\s*=|\bhttps?:\/\/[^\s/@]+@/im

/**
 * Why the git config `name` is left out of the build context: it holds a credential; or
 * undefined. Git works without the file, so whatever reads `.git` in the build still can.
 */
export function gitConfigReason(name: string, source: string): string | undefined {
  if (!GIT_CONFIG.test(name)) return undefined
  let text: string
  try {
    text = readFileSync(source, 'latin1')
  } catch {
    return undefined
  }
  return GIT_CREDENTIAL.test(text)
    ? 'a git config holding a credential (http.extraheader, as actions/checkout persists, or a URL with a user), never shipped'
    : undefined
}

export interface SecretScan {
  /** Files that hold a private key or a Google credentials file, not allowed, each as `name (what)`. */
  found: string[]
  /** Files too big to be read for one. */
  unscanned: string[]
}

/** Reads every file of `files` for a private key or a Google login. */
export function findSecrets(files: Iterable<ScannedFile>, allowed: Set<string>): SecretScan {
  const scan: SecretScan = { found: [], unscanned: [] }
  const buffer = Buffer.allocUnsafe(SCAN_MAX_BYTES)
  for (const file of files) {
    if (file.size > SCAN_MAX_BYTES) {
      scan.unscanned.push(file.name)
      continue
    }
    const bytes = readStart(file.source, buffer)
    const what = privateKeyIn(bytes) ?? loginIn(bytes)
    if (what && !allowed.has(realOrResolved(file.source))) scan.found.push(`${file.name} (${what})`)
  }
  return scan
}

/** What the log says of each file too big to scan. */
export function unscannedLine(where: string, name: string): string {
  return `not read for private keys or logins (over ${SCAN_MAX_BYTES / 1024 / 1024} MiB) in ${where}: ${name}`
}

/** Synchronous, like the snapshot's reads of small files: one buffer, no pool round trips. */
function readStart(file: string, buffer: Buffer): Buffer {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    // Unreadable here means unreadable for the archive too, which says so with the fix.
    return Buffer.alloc(0)
  }
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0))
  } finally {
    closeSync(fd)
  }
}

/** The refusal, naming every file and the two ways out. */
export function secretFilesError(where: string, found: string[]): Error {
  return new Error(
    `${where} holds private keys or Google credentials files, which would leave the runner: ` +
      `${found.join(', ')}. Move them out of the project (a login belongs in the runner's home or ` +
      'comes from google-github-actions/auth), or exclude them (.gitignore for code.zip, ' +
      '.dockerignore for the image); a file that must ship on purpose can be named in ' +
      'allow-secret-files.'
  )
}
