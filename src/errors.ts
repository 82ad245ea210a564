/**
 * Turns an API error into what to do about it. Permission errors name the role that grants the
 * missing permission, when the service's message names the permission.
 */
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

const PERMISSION_DENIED = 7
const UNAUTHENTICATED = 16

export function explainError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown }).code
  if (code === PERMISSION_DENIED || code === 403) {
    const role = ROLE_FOR_PERMISSION.find(([pattern]) => pattern.test(message))?.[1]
    return role
      ? `${message} — grant the deploying identity ${role}`
      : `${message} — the deploying identity lacks a permission; see the README's IAM roles`
  }
  if (code === UNAUTHENTICATED || code === 401) {
    return `${message} — the credentials were refused; check the google-github-actions/auth step`
  }
  return message
}
