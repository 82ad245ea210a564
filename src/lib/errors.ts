/**
 * Reading the shape of an error of any origin (Node, fetch, gax, the storage client, our own), and
 * turning an API error into what to do about it.
 */

/** The error's `code`: a gRPC or HTTP number, or a Node string such as `ENOENT`. */
export function errorCode(error: unknown): number | string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'number' || typeof code === 'string' ? code : undefined
}

/**
 * The HTTP status the error carries: its `status`, or a `code` in the HTTP range (gRPC codes
 * stop at 16). None for an error that got no answer.
 */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null | undefined)?.status
  const code = errorCode(error)
  if (typeof status === 'number' && status >= 100) return status
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined
}

/** What the error wraps: fetch keeps the socket's error there. */
export function errorCause(error: unknown): unknown {
  return (error as { cause?: unknown } | null | undefined)?.cause
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The first line of the message, for a log line that names a failure without its whole story. */
export function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0] ?? ''
}

/** The role that grants a permission, for permission errors whose message names it. */
const ROLE_FOR_PERMISSION: [RegExp, string][] = [
  [/iam\.serviceAccounts\.actAs/, 'roles/iam.serviceAccountUser on the batch service account'],
  [
    /dataproc\.batches\.(create|get|list|delete|cancel)|dataproc\.operations/,
    'roles/dataproc.editor'
  ],
  [/storage\.objects\.(create|delete|get|list)/, 'roles/storage.objectAdmin on the bucket'],
  [
    /storage\.buckets\.get/,
    'roles/storage.legacyBucketReader (or roles/storage.admin) on the bucket'
  ],
  [
    /artifactregistry\.repositories\.(uploadArtifacts|downloadArtifacts)/,
    'roles/artifactregistry.writer on the repository'
  ]
]

const INVALID_ARGUMENT = 3
const PERMISSION_DENIED = 7
const UNAUTHENTICATED = 16

/**
 * The most common first-run mistake: the deploying identity may not act as the batch's service
 * account. The service says so with INVALID_ARGUMENT, not PERMISSION_DENIED.
 */
const ACT_AS = /not authorized to act as service account (?:'([^']+)'|(\S+?)\.?(?:\s|$))/

/** `deployer`: the deploying identity's email, when the credentials name it. */
export function explainError(error: unknown, deployer?: string): string {
  const message = errorMessage(error)
  const code = errorCode(error)
  const actAs = ACT_AS.exec(message)
  const account = actAs?.[1] ?? actAs?.[2]
  if (account && (code === INVALID_ARGUMENT || code === 400 || code === PERMISSION_DENIED)) {
    const member = deployer ? `serviceAccount:${deployer}` : 'serviceAccount:DEPLOYING_IDENTITY'
    return (
      `${message} — grant the deploying identity roles/iam.serviceAccountUser on ${account}: ` +
      `gcloud iam service-accounts add-iam-policy-binding ${account} --member=${member} --role=roles/iam.serviceAccountUser`
    )
  }
  if (code === PERMISSION_DENIED || code === 403) {
    const role = ROLE_FOR_PERMISSION.find(([pattern]) => pattern.test(message))?.[1]
    return role
      ? `${message} — grant the deploying identity ${role}`
      : `${message} — the deploying identity lacks a permission; see the README's IAM roles`
  }
  if (code === UNAUTHENTICATED || code === 401) {
    return `${message} — the credentials were refused; check the google-github-actions/auth step (in a workflow) or gcloud auth application-default login`
  }
  return message
}
