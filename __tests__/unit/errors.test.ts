import {
  errorCause,
  errorCode,
  errorMessage,
  explainError,
  firstLine,
  httpStatus
} from '../../src/lib/errors.js'

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

describe('reading the shape of an error', () => {
  test('errorCode: numbers and strings, nothing else', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 7 }))).toBe(7)
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT')
    expect(errorCode(Object.assign(new Error('x'), { code: { nested: 1 } }))).toBeUndefined()
    expect(errorCode(undefined)).toBeUndefined()
    expect(errorCode('a string')).toBeUndefined()
  })

  test('httpStatus: the status, or a code in the HTTP range; gRPC codes are not statuses', () => {
    expect(httpStatus(Object.assign(new Error('x'), { status: 429, code: 429 }))).toBe(429)
    expect(httpStatus(Object.assign(new Error('x'), { code: 404 }))).toBe(404)
    expect(httpStatus(Object.assign(new Error('x'), { code: 14 }))).toBeUndefined()
    expect(httpStatus(Object.assign(new Error('x'), { status: 0 }))).toBeUndefined()
    expect(httpStatus(null)).toBeUndefined()
  })

  test('firstLine and errorMessage: of errors and of anything thrown', () => {
    expect(firstLine(new Error('first\nsecond\nthird'))).toBe('first')
    expect(firstLine('thrown text\nmore')).toBe('thrown text')
    expect(errorMessage(new Error('whole\nmessage'))).toBe('whole\nmessage')
    expect(errorMessage(42)).toBe('42')
  })

  test('errorCause: what fetch keeps of the socket', () => {
    const socket = new Error('connect ECONNREFUSED')
    expect(errorCause(new TypeError('fetch failed', { cause: socket }))).toBe(socket)
    expect(errorCause(new Error('alone'))).toBeUndefined()
  })
})
