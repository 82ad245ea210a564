import * as grpc from '@grpc/grpc-js'
import type { FaultInjector } from '../faults.js'
import { grpcCode } from './errors.js'
import { handle } from './handle.js'
import { encode, loadGrpcDefinition, typeUrl } from './protos.js'
import type { Store } from './store.js'
import type {
  CreateBatchRequest,
  ListBatchesRequest,
  ListOperationsRequest,
  PackAny
} from './types.js'

/** The gRPC face of the store: BatchController and google.longrunning.Operations on one port. */

// proto-loader objects name google.protobuf.Any's first field in camelCase.
const packAny: PackAny = (typeName, object) => ({
  typeUrl: typeUrl(typeName),
  value: encode(typeName, object)
})

interface NameRequest {
  name?: string
}

function unary<Request, Response>(
  faults: FaultInjector,
  route: string,
  apply: (request: Request) => Response
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    void handle(faults, route, () => apply(call.request)).then(outcome => {
      if (outcome.kind === 'ok') {
        callback(null, outcome.value)
      } else if (outcome.kind === 'error') {
        callback({ code: grpcCode(outcome.code), details: outcome.message })
      } else {
        // grpc-js gives a handler no way to reset its stream; a client sees a dropped connection
        // as UNAVAILABLE, so that is what it gets.
        callback({ code: grpc.status.UNAVAILABLE, details: 'Connection dropped' })
      }
    })
  }
}

export async function startGrpcServer(
  store: Store,
  faults: FaultInjector,
  host: string,
  port: number
): Promise<{ address: string; close(): Promise<void> }> {
  const definition = loadGrpcDefinition()
  const server = new grpc.Server()
  server.addService(
    definition['google.cloud.dataproc.v1.BatchController'] as grpc.ServiceDefinition,
    {
      CreateBatch: unary(faults, 'dataproc.CreateBatch', (request: CreateBatchRequest) =>
        store.getOperation(store.createBatch(request), packAny)
      ),
      GetBatch: unary(faults, 'dataproc.GetBatch', (request: NameRequest) =>
        store.getBatch(request.name ?? '')
      ),
      ListBatches: unary(faults, 'dataproc.ListBatches', (request: ListBatchesRequest) =>
        store.listBatches(request)
      ),
      DeleteBatch: unary(faults, 'dataproc.DeleteBatch', (request: NameRequest) => {
        store.deleteBatch(request.name ?? '')
        return {}
      })
    }
  )
  server.addService(definition['google.longrunning.Operations'] as grpc.ServiceDefinition, {
    GetOperation: unary(faults, 'dataproc.GetOperation', (request: NameRequest) =>
      store.getOperation(request.name ?? '', packAny)
    ),
    CancelOperation: unary(faults, 'dataproc.CancelOperation', (request: NameRequest) => {
      store.cancelOperation(request.name ?? '')
      return {}
    }),
    DeleteOperation: unary(faults, 'dataproc.DeleteOperation', (request: NameRequest) => {
      store.deleteOperation(request.name ?? '')
      return {}
    }),
    ListOperations: unary(faults, 'dataproc.ListOperations', (request: ListOperationsRequest) =>
      store.listOperations(request, packAny)
    )
  })
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, actual) =>
      error ? reject(error) : resolve(actual)
    )
  )
  return {
    address: `${host}:${bound}`,
    close: async () => {
      // Pending client polls must not hold a test's teardown hostage.
      server.forceShutdown()
    }
  }
}
