/** Medians, the results table and its formatting. */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`
  return `${(count / 1024 / 1024).toFixed(1)} MiB`
}

export interface Row {
  measure: string
  figure: string
  against: string
  ratio: string
  target: string
  /** true: met, false: missed, null: no target or not measured. */
  met: boolean | null
}

export function renderTable(rows: Row[]): string {
  const header = ['measure', 'figure', 'compared with', 'ratio', 'target', 'result']
  const cells = rows.map(row => [
    row.measure,
    row.figure,
    row.against,
    row.ratio,
    row.target,
    row.met === null ? '' : row.met ? 'met' : 'MISSED'
  ])
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map(c => (c[i] as string).length))
  )
  const line = (values: string[]): string =>
    values
      .map((value, i) => value.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...cells.map(line)].join('\n')
}
