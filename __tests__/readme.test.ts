import { readFileSync } from 'node:fs'
import { ROOT, readActionYml, readmeRows, refusalRows, tableRows } from '../scripts/docs.js'

const readme = readFileSync(`${ROOT}/README.md`, 'utf8')
const rows = tableRows(readActionYml())

test('the README inputs table is action.yml, row for row (npm run docs rewrites it)', () => {
  expect(readmeRows(readme, 'inputs')).toEqual(rows.inputs)
})

test('the README outputs table is action.yml, row for row (npm run docs rewrites it)', () => {
  expect(readmeRows(readme, 'outputs')).toEqual(rows.outputs)
})

test('every input the action reads is declared in action.yml, and nothing else is', () => {
  const sources = ['src/inputs/inputs.ts', 'src/github/main.ts']
    .map(file => readFileSync(`${ROOT}/${file}`, 'utf8'))
    .join('\n')
  const read = new Set(
    [...sources.matchAll(/\b(?:input|optional|required|bool|duration|get)\('([a-z-]+)'/g)].map(
      m => m[1]
    )
  )
  expect([...read].sort()).toEqual(Object.keys(readActionYml().inputs).sort())
})

test('the README troubleshooting catalogue shows every refused input with its real message', () => {
  const rows = refusalRows()
  expect(rows.length).toBeGreaterThanOrEqual(60)
  expect(readmeRows(readme, 'refusals')).toEqual(rows)
})
