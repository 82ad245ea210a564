/**
 * What a batch costs in money, from what Dataproc reports it used: DCU-hours and shuffle storage
 * GB-hours at Dataproc Serverless's published list price (us-central1, USD, read from
 * https://cloud.google.com/dataproc-serverless/pricing on the date below), or at the prices the
 * user gives (a negotiated or regional price). Pure: no I/O.
 */

export type Tier = 'standard' | 'premium'

/** USD per DCU-hour, and per GB-month of shuffle storage. */
export interface Prices {
  tier: Tier
  dcuHour: number
  shuffleGbMonth: number
  /** `published`: the list price below; `given`: an input set at least one of them. */
  source: 'published' | 'given'
}

export const PUBLISHED_PRICES: Record<Tier, { dcuHour: number; shuffleGbMonth: number }> = {
  standard: { dcuHour: 0.06, shuffleGbMonth: 0.04 },
  premium: { dcuHour: 0.089, shuffleGbMonth: 0.1 }
}
/** When the published prices above were read. */
export const PRICES_READ_ON = '2026-12-07'
/** Google prices a month of storage as 730 hours. */
const HOURS_PER_MONTH = 730

/** The premium compute tier is chosen per batch with Spark properties; either role makes it premium. */
export function tierOf(properties: Record<string, string>): Tier {
  return ['driver', 'executor'].some(
    role => properties[`spark.dataproc.${role}.compute.tier`]?.trim() === 'premium'
  )
    ? 'premium'
    : 'standard'
}

export function pricesFor(
  properties: Record<string, string>,
  given: { dcuHour?: number; shuffleGbMonth?: number }
): Prices {
  const tier = tierOf(properties)
  const published = PUBLISHED_PRICES[tier]
  return {
    tier,
    dcuHour: given.dcuHour ?? published.dcuHour,
    shuffleGbMonth: given.shuffleGbMonth ?? published.shuffleGbMonth,
    source:
      given.dcuHour === undefined && given.shuffleGbMonth === undefined ? 'published' : 'given'
  }
}

export interface Usage {
  dcuHours: number
  shuffleGbHours: number
}

type Int64 = number | string | { toString(): string } | null | undefined
export interface UsageReport {
  runtimeInfo?: {
    approximateUsage?: { milliDcuSeconds?: Int64; shuffleStorageGbSeconds?: Int64 } | null
  } | null
}

/** The batch's usage so far (final once it has ended), as the service reports it. */
export function usageOf(batch: UsageReport | undefined): Usage | undefined {
  const usage = batch?.runtimeInfo?.approximateUsage
  if (!usage) return undefined
  return {
    dcuHours: Number(String(usage.milliDcuSeconds ?? 0)) / 1000 / 3600,
    shuffleGbHours: Number(String(usage.shuffleStorageGbSeconds ?? 0)) / 3600
  }
}

/** USD, unrounded. */
export const costOf = (usage: Usage, prices: Prices): number =>
  usage.dcuHours * prices.dcuHour + (usage.shuffleGbHours * prices.shuffleGbMonth) / HOURS_PER_MONTH

/** Cents under a dollar would hide a small run's cost: four decimals there, two above. */
export const formatUsd = (usd: number): string => `$${usd.toFixed(usd < 1 ? 4 : 2)}`

/** How the price was reached, for a reader to check it. */
export function priceBasis(prices: Prices): string {
  const rates = `$${prices.dcuHour}/DCU-hour, $${prices.shuffleGbMonth}/GB-month shuffle`
  return prices.source === 'published'
    ? `${prices.tier} tier list price (us-central1, read ${PRICES_READ_ON}): ${rates}`
    : `${prices.tier} tier at the given price: ${rates}`
}

/** Serverless's defaults: 4 cores a node, dynamic allocation on, up to 1,000 executors. */
const DEFAULT_CORES = 4
const DEFAULT_MAX_EXECUTORS = 1000
const DEFAULT_EXECUTORS = 2

/**
 * The most DCUs the batch can hold: its driver and its most executors, each at the default memory
 * per core (1 DCU a core: 0.6 for the vCPU, 0.1 for each of its 4 GB).
 */
export function maxShape(properties: Record<string, string>): { executors: number; dcus: number } {
  const number = (key: string, fallback: number): number => {
    const value = Number(properties[key])
    return Number.isFinite(value) && value > 0 ? value : fallback
  }
  const dynamic = properties['spark.dynamicAllocation.enabled']?.trim() !== 'false'
  const executors = dynamic
    ? number('spark.dynamicAllocation.maxExecutors', DEFAULT_MAX_EXECUTORS)
    : number('spark.executor.instances', DEFAULT_EXECUTORS)
  const dcus =
    number('spark.driver.cores', DEFAULT_CORES) +
    executors * number('spark.executor.cores', DEFAULT_CORES)
  return { executors, dcus }
}

/** The plan's bound: the most the batch's compute can cost before its ttl ends it. */
export function maxCostText(
  properties: Record<string, string>,
  ttlSeconds: number | undefined,
  prices: Prices
): string {
  const { executors, dcus } = maxShape(properties)
  if (ttlSeconds === undefined) return `no bound: the batch has no ttl (up to ${dcus} DCUs)`
  const dcuHours = (dcus * ttlSeconds) / 3600
  return `${formatUsd(dcuHours * prices.dcuHour)} of compute at most: ${dcus} DCUs (driver and ${executors} executors) for the whole ttl, ${dcuHours.toFixed(1)} DCU-hours at ${priceBasis(prices)}; shuffle storage is extra`
}
