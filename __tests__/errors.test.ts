import { explainError } from '../src/lib/errors.js'

const withCode = (message: string, code: number): Error =>
  Object.assign(new Error(message), { code })

test.each([
  [
    withCode(
      "Permission 'iam.serviceAccounts.actAs' denied on service account runner@p.iam.gserviceaccount.com",
      7
    ),
    /roles\/iam\.serviceAccountUser/
  ],
  [
    withCode("Permission 'dataproc.batches.create' denied on resource", 7),
    /roles\/dataproc\.editor/
  ],
  [
    withCode(
      'deployer does not have storage.objects.create access to the Google Cloud Storage object',
      403
    ),
    /roles\/storage\.objectAdmin/
  ],
  [
    withCode('Permission "artifactregistry.repositories.uploadArtifacts" denied', 403),
    /roles\/artifactregistry\.writer/
  ],
  [
    withCode('The caller does not have permission', 7),
    /lacks a permission; see the README's IAM roles/
  ],
  [
    withCode('Request had invalid authentication credentials', 16),
    /check the google-github-actions\/auth step/
  ],
  [withCode('Batch not found', 5), /^Batch not found$/]
])('%s', (error, explanation) => {
  expect(explainError(error)).toMatch(explanation)
  expect(explainError(error)).toContain(error.message)
})
