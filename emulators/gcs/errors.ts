/** An error the JSON API would return; `reason` fills `errors[0].reason` as clients inspect it. */
export class GcsError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string
  ) {
    super(message)
  }
}

export const errorBody = (status: number, reason: string, message: string): object => ({
  error: { code: status, message, errors: [{ message, domain: 'global', reason }] }
})

const reasonByStatus: Record<number, string> = {
  400: 'invalid',
  401: 'required',
  403: 'forbidden',
  404: 'notFound',
  408: 'requestTimeout',
  409: 'conflict',
  412: 'conditionNotMet',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
  504: 'backendError'
}

export const reasonFor = (status: number): string => reasonByStatus[status] ?? 'backendError'

export const badRequest = (message: string): GcsError => new GcsError(400, 'invalid', message)

export const bucketNotFound = (): GcsError =>
  new GcsError(404, 'notFound', 'The specified bucket does not exist.')

export const objectNotFound = (bucket: string, name: string): GcsError =>
  new GcsError(404, 'notFound', `No such object: ${bucket}/${name}`)

export const conditionNotMet = (): GcsError =>
  new GcsError(
    412,
    'conditionNotMet',
    'At least one of the pre-conditions you specified did not hold.'
  )
