import { status as GrpcStatus } from '@grpc/grpc-js'

/** An error the API answers with: a gRPC status code and the service's message. */
export class ApiError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string
  ) {
    super(message)
  }
}

export const invalidArgument = (message: string): ApiError =>
  new ApiError(GrpcStatus.INVALID_ARGUMENT, message)

/** gRPC code → HTTP status, as Google's REST front end maps them (google/rpc/code.proto). */
const HTTP_BY_CODE: Record<number, number> = {
  [GrpcStatus.OK]: 200,
  [GrpcStatus.CANCELLED]: 499,
  [GrpcStatus.UNKNOWN]: 500,
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 429,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.INTERNAL]: 500,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DATA_LOSS]: 500,
  [GrpcStatus.UNAUTHENTICATED]: 401
}

/** HTTP status → gRPC code, for REST faults armed with an HTTP status. */
const CODE_BY_HTTP: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.ABORTED,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  499: GrpcStatus.CANCELLED,
  501: GrpcStatus.UNIMPLEMENTED,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED
}

export interface HttpError {
  httpStatus: number
  body: { error: { code: number; message: string; status: string } }
}

/** Google's JSON error shape for a gRPC code, or for an HTTP status given directly (≥ 100). */
export function httpError(codeOrHttp: number, message: string): HttpError {
  const isHttp = codeOrHttp >= 100
  const httpStatus = isHttp ? codeOrHttp : (HTTP_BY_CODE[codeOrHttp] ?? 500)
  const code = isHttp ? (CODE_BY_HTTP[codeOrHttp] ?? GrpcStatus.UNKNOWN) : codeOrHttp
  return {
    httpStatus,
    body: { error: { code: httpStatus, message, status: GrpcStatus[code] ?? 'UNKNOWN' } }
  }
}

/** The message a fault answers with, worded like the service's for the common codes. */
export function faultMessage(codeOrHttp: number): string {
  const code = codeOrHttp >= 100 ? CODE_BY_HTTP[codeOrHttp] : codeOrHttp
  if (code === GrpcStatus.UNAVAILABLE) return 'The service is currently unavailable.'
  if (code === GrpcStatus.RESOURCE_EXHAUSTED) {
    return "Quota exceeded for quota metric 'Batch requests' and limit 'Batch requests per minute per region'."
  }
  return `Injected fault (${codeOrHttp}).`
}

/** A fault's status as a gRPC code: gRPC codes pass through, HTTP statuses (≥ 100) are mapped. */
export const grpcCode = (codeOrHttp: number): GrpcStatus =>
  codeOrHttp >= 100 ? (CODE_BY_HTTP[codeOrHttp] ?? GrpcStatus.UNKNOWN) : codeOrHttp
