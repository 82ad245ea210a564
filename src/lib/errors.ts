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
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown }).code
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
    return `${message} — the credentials were refused; check the google-github-actions/auth step`
  }
  return message
}
