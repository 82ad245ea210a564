import {
  costOf,
  formatUsd,
  maxCostText,
  maxShape,
  pricesFor,
  PUBLISHED_PRICES,
  usageOf
} from '../../src/dataproc/cost.js'
import { spendingReason, UsageMeter } from '../../src/steps/batch/guard.js'

test('the published price follows the compute tier; a given price replaces it', () => {
  expect(pricesFor({}, {})).toEqual({
    tier: 'standard',
    ...PUBLISHED_PRICES.standard,
    source: 'published'
  })
  expect(pricesFor({ 'spark.dataproc.executor.compute.tier': 'premium' }, {}).dcuHour).toBe(0.089)
  expect(pricesFor({}, { dcuHour: 0.05 })).toMatchObject({
    dcuHour: 0.05,
    shuffleGbMonth: 0.04,
    source: 'given'
  })
})

test('usage is priced per DCU-hour and per GB-month (730 hours) of shuffle storage', () => {
  // The pricing page's example: 12 DCUs for 24 hours at $0.06 is $17.28.
  const usage = usageOf({
    runtimeInfo: {
      approximateUsage: {
        milliDcuSeconds: String(12_000 * 24 * 3600),
        shuffleStorageGbSeconds: String(25 * 24 * 3600)
      }
    }
  })
  expect(usage).toEqual({ dcuHours: 288, shuffleGbHours: 600 })
  const usd = costOf(usage ?? { dcuHours: 0, shuffleGbHours: 0 }, pricesFor({}, {}))
  expect(usd).toBeCloseTo(17.28 + (600 * 0.04) / 730, 9)
  expect(formatUsd(usd)).toBe('$17.31')
  expect(formatUsd(0.01234)).toBe('$0.0123')
  expect(usageOf({})).toBeUndefined()
})

test('the most a batch can cost is its most executors for its whole ttl', () => {
  expect(maxShape({})).toEqual({ executors: 1000, dcus: 4004 })
  expect(maxShape({ 'spark.dynamicAllocation.enabled': 'false' })).toEqual({
    executors: 2,
    dcus: 12
  })
  const properties = { 'spark.dynamicAllocation.maxExecutors': '10', 'spark.executor.cores': '8' }
  // (4 + 10 × 8) DCUs × 2 h × $0.06
  expect(maxCostText(properties, 7200, pricesFor({}, {}))).toMatch(
    /^\$10\.08 of compute at most: 84 DCUs/
  )
  expect(maxCostText(properties, undefined, pricesFor({}, {}))).toMatch(/^no bound/)
})

test('the spending guard reads the running total, or sums the snapshots over time', () => {
  expect(
    new UsageMeter().dcuHours({ runtimeInfo: { approximateUsage: { milliDcuSeconds: '3600000' } } })
  ).toBe(1)
  const meter = new UsageMeter()
  const snapshot = (seconds: number) => ({
    runtimeInfo: { currentUsage: { milliDcu: '12000', snapshotTime: { seconds: String(seconds) } } }
  })
  expect(meter.dcuHours({})).toBeUndefined()
  expect(meter.dcuHours(snapshot(1000))).toBe(0)
  expect(meter.dcuHours(snapshot(1300))).toBeCloseTo(1, 9)
  expect(meter.dcuHours(snapshot(1300))).toBeCloseTo(1, 9)
  expect(spendingReason({ limit: 0.5, used: 0.61234 })).toBe(
    'the batch used 0.6123 DCU-hours, past max-dcu-hours of 0.5, and was cancelled by the spending guard'
  )
})
