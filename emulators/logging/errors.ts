/**
 * Errors in Google's JSON shape, `{error: {code, message, status, details?}}`, as the Logging API's
 * front end answers them; google-gax, apitools (gcloud) and google-api-core read `status` and
 * `details` to decide what to retry and what to report.
 */

export interface ErrorBody {
  error: { code: number; message: string; status: string; details?: object[] }
}

const STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED'
}

export const statusFor = (httpStatus: number): string => STATUS_BY_HTTP[httpStatus] ?? 'UNKNOWN'

export class LoggingError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly details?: object[]
  ) {
    super(message)
  }

  body(): ErrorBody {
    const error: ErrorBody['error'] = {
      code: this.httpStatus,
      message: this.message,
      status: statusFor(this.httpStatus)
    }
    if (this.details) error.details = this.details
    return { error }
  }
}

export const invalidArgument = (message: string): LoggingError => new LoggingError(400, message)

export const invalidJson = (detail: string): LoggingError =>
  invalidArgument(`Invalid JSON payload received. ${detail}`)

const errorInfo = (reason: string, metadata: Record<string, string>): object => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'logging.googleapis.com', ...metadata }
})

/** What the two API methods are called, checked and metered as. */
export interface MethodInfo {
  permission: string
  quotaMetric: string
  quotaLimit: string
  quotaName: string
}

export const LIST_METHOD: MethodInfo = {
  permission: 'logging.logEntries.list',
  quotaMetric: 'logging.googleapis.com/read_requests',
  quotaLimit: 'ReadRequestsPerMinutePerProject',
  quotaName: 'Read requests'
}

export const WRITE_METHOD: MethodInfo = {
  permission: 'logging.logEntries.create',
  quotaMetric: 'logging.googleapis.com/write_requests',
  quotaLimit: 'WriteRequestsPerMinutePerProject',
  quotaName: 'Write requests'
}

/** An injected failure worded like the service's own for the statuses clients handle specially. */
export function faultError(httpStatus: number, method: MethodInfo, message?: string): LoggingError {
  if (httpStatus === 429) {
    return new LoggingError(
      429,
      message ??
        `Quota exceeded for quota metric '${method.quotaName}' and limit '${method.quotaName} per minute' of service 'logging.googleapis.com' for consumer 'project_number:000000000000'.`,
      [
        errorInfo('RATE_LIMIT_EXCEEDED', {
          quota_metric: method.quotaMetric,
          quota_limit: method.quotaLimit,
          consumer: 'projects/000000000000'
        })
      ]
    )
  }
  if (httpStatus === 403) {
    return new LoggingError(
      403,
      message ?? `Permission '${method.permission}' denied on resource (or it may not exist).`,
      [errorInfo('IAM_PERMISSION_DENIED', { permission: method.permission })]
    )
  }
  if (httpStatus === 503) {
    return new LoggingError(503, message ?? 'The service is currently unavailable.')
  }
  return new LoggingError(httpStatus, message ?? `Injected fault (${httpStatus}).`)
}
