import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);

// src/lib/errors.ts
function errorCode(error) {
  const code = error?.code;
  return typeof code === "number" || typeof code === "string" ? code : void 0;
}
function httpStatus(error) {
  const status = error?.status;
  const code = errorCode(error);
  if (typeof status === "number" && status >= 100) return status;
  return typeof code === "number" && code >= 100 && code < 600 ? code : void 0;
}
function errorCause(error) {
  return error?.cause;
}
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
function firstLine(error) {
  return errorMessage(error).split("\n")[0] ?? "";
}
var ROLE_FOR_PERMISSION = [
  [/iam\.serviceAccounts\.actAs/, "roles/iam.serviceAccountUser on the batch service account"],
  [
    /dataproc\.batches\.(create|get|list|delete|cancel)|dataproc\.operations/,
    "roles/dataproc.editor"
  ],
  [/storage\.objects\.(create|delete|get|list)/, "roles/storage.objectAdmin on the bucket"],
  [
    /storage\.buckets\.get/,
    "roles/storage.legacyBucketReader (or roles/storage.admin) on the bucket"
  ],
  [
    /artifactregistry\.repositories\.(uploadArtifacts|downloadArtifacts)/,
    "roles/artifactregistry.writer on the repository"
  ]
];
var INVALID_ARGUMENT = 3;
var PERMISSION_DENIED = 7;
var UNAUTHENTICATED = 16;
var ACT_AS = /not authorized to act as service account (?:'([^']+)'|(\S+?)\.?(?:\s|$))/;
function explainError(error, deployer) {
  const message = errorMessage(error);
  const code = errorCode(error);
  const actAs = ACT_AS.exec(message);
  const account = actAs?.[1] ?? actAs?.[2];
  if (account && (code === INVALID_ARGUMENT || code === 400 || code === PERMISSION_DENIED)) {
    const member = deployer ? `serviceAccount:${deployer}` : "serviceAccount:DEPLOYING_IDENTITY";
    return `${message} \u2014 grant the deploying identity roles/iam.serviceAccountUser on ${account}: gcloud iam service-accounts add-iam-policy-binding ${account} --member=${member} --role=roles/iam.serviceAccountUser`;
  }
  if (code === PERMISSION_DENIED || code === 403) {
    const role = ROLE_FOR_PERMISSION.find(([pattern]) => pattern.test(message))?.[1];
    return role ? `${message} \u2014 grant the deploying identity ${role}` : `${message} \u2014 the deploying identity lacks a permission; see the README's IAM roles`;
  }
  if (code === UNAUTHENTICATED || code === 401) {
    return `${message} \u2014 the credentials were refused; check the google-github-actions/auth step (in a workflow) or gcloud auth application-default login`;
  }
  return message;
}

export {
  errorCode,
  httpStatus,
  errorCause,
  errorMessage,
  firstLine,
  explainError
};
