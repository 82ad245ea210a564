/**
 * What must never leave the runner inside `code.zip` or an image: the credentials files that auth
 * steps write into the workspace (left out, and said so), and private keys anywhere else in the
 * project (the run is refused before anything is built, uploaded or submitted).
 */
import { closeSync, openSync, readSync, realpathSync } from 'node:fs'
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

/** Keys are small: a file bigger than this is not read for one. */
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

export interface ScannedFile {
  /** The name it would have in the archive or the build context. */
  name: string
  /** Where its bytes are. */
  source: string
  size: number
}

/** Real paths of the files that `allow-secret-files` accepts, for findPrivateKeys. */
export function allowedFiles(files: string[]): Set<string> {
  return new Set(files.map(realOrResolved))
}

/** The files among `files` that hold a private key and are not allowed, each as `name (what)`. */
export function findPrivateKeys(files: Iterable<ScannedFile>, allowed: Set<string>): string[] {
  const found: string[] = []
  const buffer = Buffer.allocUnsafe(SCAN_MAX_BYTES)
  for (const file of files) {
    if (file.size > SCAN_MAX_BYTES) continue
    const what = privateKeyIn(readStart(file.source, buffer))
    if (what && !allowed.has(realOrResolved(file.source))) found.push(`${file.name} (${what})`)
  }
  return found
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
export function privateKeyError(where: string, found: string[]): Error {
  return new Error(
    `${where} holds private keys, which would leave the runner: ${found.join(', ')}. ` +
      'Move them out of the project, or exclude them (.gitignore for code.zip, .dockerignore for ' +
      'the image); a file that must ship on purpose can be named in allow-secret-files.'
  )
}
