import { timestamp, type Batch } from './types.js'

/**
 * What a batch consumes, modelled on Dataproc Serverless pricing: each vCPU counts 0.6 DCU and
 * each GB of memory up to 8 GB per vCPU 0.1 DCU, so the default 4 vCPU / 16 GB node is 4 DCUs and
 * the smallest batch (driver + 2 executors) 12 DCUs. Shuffle storage is the disk each node gets.
 */

/** Per node: the 4 vCPUs of the default shape, 4 GB of memory each (16 GB), 200 GB of disk. */
const DEFAULT_CORES = 4
const MEMORY_GB_PER_CORE = 4
const SHUFFLE_GB_PER_NODE = 200
const DEFAULT_EXECUTORS = 2

export interface Shape {
  /** What the batch holds while it runs: the driver and its executors. */
  milliDcu: number
  shuffleStorageGb: number
}

const milliDcuOf = (cores: number): number =>
  Math.round(cores * (600 + Math.min(MEMORY_GB_PER_CORE, 8) * 100))

function positive(value: string | undefined, fallback: number): number {
  const number = Number(value)
  return Number.isFinite(number) && number > 0 ? number : fallback
}

/** The driver and executors the batch's properties ask for (Dataproc's defaults otherwise). */
export function shapeOf(batch: Batch): Shape {
  const properties = batch.runtimeConfig?.properties ?? {}
  const driverCores = positive(properties['spark.driver.cores'], DEFAULT_CORES)
  const executorCores = positive(properties['spark.executor.cores'], DEFAULT_CORES)
  const executors = positive(properties['spark.executor.instances'], DEFAULT_EXECUTORS)
  return {
    milliDcu: milliDcuOf(driverCores) + executors * milliDcuOf(executorCores),
    shuffleStorageGb: (executors + 1) * SHUFFLE_GB_PER_NODE
  }
}

/**
 * The usage fields of a batch that has run for `runSeconds` up to `now`: `currentUsage` (what it
 * holds at the moment, while it runs) and `approximateUsage` (what it has consumed so far, which
 * grows with time and executors and is final once the batch ends).
 */
export function usageFields(
  batch: Batch,
  runSeconds: number,
  now: number,
  running: boolean
): NonNullable<Batch['runtimeInfo']> {
  const shape = shapeOf(batch)
  const approximateUsage = {
    milliDcuSeconds: String(Math.round(runSeconds * shape.milliDcu)),
    shuffleStorageGbSeconds: String(Math.round(runSeconds * shape.shuffleStorageGb)),
    milliAcceleratorSeconds: '0'
  }
  if (!running) return { approximateUsage }
  return {
    approximateUsage,
    currentUsage: {
      milliDcu: String(shape.milliDcu),
      shuffleStorageGb: String(shape.shuffleStorageGb),
      milliDcuPremium: '0',
      shuffleStorageGbPremium: '0',
      milliAccelerator: '0',
      snapshotTime: timestamp(now)
    }
  }
}
