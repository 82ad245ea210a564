import type { InputReader } from './reader.js'
import type { InputName } from './table.js'

/** What the run's money is measured by: the user's prices, and the spending guard. */
export interface Pricing {
  /** USD per DCU-hour; undefined: the published list price. */
  dcuHour?: number
  /** USD per GB-month of shuffle storage; undefined: the published list price. */
  shuffleGbMonth?: number
  /** Cancel the batch once it has used more DCU-hours than this. */
  maxDcuHours?: number
}

function positive(r: InputReader, name: InputName, example: string): number | undefined {
  const given = r.text(name)
  if (!given) return undefined
  const value = Number(given)
  if (!/^\d+(\.\d+)?$/.test(given) || !(value > 0)) {
    r.problem(name, `'${given}' is not a positive number; use e.g. ${example}`)
    return undefined
  }
  return value
}

export function readPricing(r: InputReader): Pricing {
  return {
    dcuHour: positive(r, 'dcu-price', '0.054'),
    shuffleGbMonth: positive(r, 'shuffle-price', '0.04'),
    maxDcuHours: positive(r, 'max-dcu-hours', '2.5')
  }
}
