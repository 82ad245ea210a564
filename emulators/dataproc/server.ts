import { FaultInjector } from '../faults.js'
import type { ContainerHost } from './container.js'
import { startGrpcServer } from './grpc.js'
import { startRestServer } from './rest.js'
import type { LogWriter } from './log-sink.js'
import { loadSparkRuntime, type SparkRuntime } from './spark.js'
import { StorageClient } from './storage-http.js'
import { Store } from './store.js'

/**
 * The Dataproc v1 emulator: one store of batches and operations served over gRPC and REST, with
 * batches that really run their PySpark main file with spark-submit (local mode) against the GCS
 * emulator.
 */

export interface DataprocEmulatorOptions {
  /** Per-instance working directories for drivers live under here. */
  dataDir: string
  /** Base URL of a GCS JSON API (the project's GCS emulator), e.g. http://127.0.0.1:40123. */
  storageUrl: string
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 = a free port. */
  grpcPort?: number
  /** Default 0 = a free port. */
  restPort?: number
  faults?: FaultInjector
  /** Time in PENDING before RUNNING. */
  pendingMs?: number
  /** Time after the driver exits before the batch turns terminal; the operation completes as long again later. */
  teardownMs?: number
  /** What batches run on; default: loaded from the driver environment (spark.ts). */
  spark?: SparkRuntime
  /** Real seconds per second of a batch's ttl; below 1 makes ttls expire sooner in tests. */
  ttlScale?: number
  /** Where runtime 3.0+ batches write their driver output (the Cloud Logging emulator). */
  logging?: LogWriter
  /** Size at which a driver output object is complete and the next one starts. */
  outputRolloverBytes?: number
}

export interface DataprocEmulator {
  /** 127.0.0.1:PORT */
  grpcAddress: string
  /** http://127.0.0.1:PORT */
  restUrl: string
  faults: FaultInjector
  /** From now on, batches run in their containerImage on this Docker daemon (see driver.ts). */
  runImagesWith(host: ContainerHost): void
  close(): Promise<void>
}

// How often the partial driver output object is rewritten, so readers follow the output live.
const OUTPUT_FLUSH_MS = 200

export async function startDataprocEmulator(
  options: DataprocEmulatorOptions
): Promise<DataprocEmulator> {
  const host = options.host ?? '127.0.0.1'
  const faults = options.faults ?? new FaultInjector()
  const store = new Store({
    dataDir: options.dataDir,
    storage: new StorageClient(options.storageUrl.replace(/\/+$/, '')),
    pendingMs: options.pendingMs ?? 1500,
    teardownMs: options.teardownMs ?? 500,
    storageUrl: options.storageUrl.replace(/\/+$/, ''),
    spark: options.spark ?? (await loadSparkRuntime()),
    faults,
    ttlScale: options.ttlScale ?? 1,
    logging: options.logging,
    rolloverBytes: options.outputRolloverBytes ?? 64 * 1024,
    flushMs: OUTPUT_FLUSH_MS
  })
  const grpcServer = await startGrpcServer(store, faults, host, options.grpcPort ?? 0)
  const restServer = await startRestServer(store, faults, host, options.restPort ?? 0).catch(
    async (error: unknown) => {
      await grpcServer.close()
      throw error
    }
  )
  return {
    grpcAddress: grpcServer.address,
    restUrl: restServer.url,
    faults,
    runImagesWith: host => store.runImagesWith(host),
    close: async () => {
      await Promise.all([grpcServer.close(), restServer.close()])
      await store.close()
    }
  }
}
