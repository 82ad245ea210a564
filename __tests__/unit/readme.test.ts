import { readFileSync } from 'node:fs'
import { ROOT, readActionYml, readmeRows, refusalRows, tableRows } from '../../scripts/docs.js'

const readme = readFileSync(`${ROOT}/README.md`, 'utf8')
const rows = tableRows(readActionYml())

test('the README inputs table is action.yml, row for row (npm run docs rewrites it)', () => {
  expect(readmeRows(readme, 'inputs')).toEqual(rows.inputs)
})

test('the README outputs table is action.yml, row for row (npm run docs rewrites it)', () => {
  expect(readmeRows(readme, 'outputs')).toEqual(rows.outputs)
})

test('the README troubleshooting catalogue shows every refused input with its real message', () => {
  const rows = refusalRows()
  expect(rows.length).toBeGreaterThanOrEqual(60)
  expect(readmeRows(readme, 'refusals')).toEqual(rows)
})
