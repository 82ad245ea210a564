/**
 * Keeps the README's inputs and outputs tables, and the command's `--help` lines, in step with
 * action.yml: `npm run docs` rewrites the tables between the `<!-- inputs -->` / `<!-- outputs -->`
 * markers and src/cli/flag-help.ts, and a test fails when they disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { INVALID, VALID, problemsOf } from './refusals.js'

interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
}

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export function readActionYml(): ActionYml {
  return parse(readFileSync(`${ROOT}/action.yml`, 'utf8')) as ActionYml
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The rows as the README shows them: name, default, description for inputs; name, description for outputs. */
export function tableRows(action: ActionYml): { inputs: string[][]; outputs: string[][] } {
  return {
    inputs: Object.entries(action.inputs).map(([name, input]) => [
      `\`${name}\``,
      input.required ? 'required' : input.default ? `\`${input.default}\`` : '',
      cell(input.description)
    ]),
    outputs: Object.entries(action.outputs).map(([name, output]) => [
      `\`${name}\``,
      cell(output.description)
    ])
  }
}

/**
 * One line per input for `kedro-dataproc --help`: the first sentence of its action.yml
 * description, without Markdown's backticks.
 */
export function flagSummaries(action: ActionYml): Record<string, string> {
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => {
      const [first] = input.description.split(/(?<!\be\.g|\bi\.e)\.\s+(?=[A-Z])/)
      return [name, (first as string).replace(/`/g, '').replace(/\.$/, '')]
    })
  )
}

const FLAG_HELP_FILE = `${ROOT}/src/cli/flag-help.ts`

function flagHelpSource(action: ActionYml): string {
  return [
    '// Generated from action.yml by `npm run docs` (scripts/docs.ts); a unit test holds it equal.',
    '/** What each input does, in one line, for `kedro-dataproc --help`. */',
    `export const FLAG_HELP: Record<string, string> = ${JSON.stringify(flagSummaries(action), null, 2)}`,
    ''
  ].join('\n')
}

/** The refused-inputs catalogue with the message the action really prints for each row. */
export function refusalRows(): string[][] {
  return INVALID.filter(([, , name]) => name !== '').map(([what, change, name, , env]) => {
    const given = Object.entries({ ...change, ...env })
      .map(
        ([key, value = '']) =>
          `${key}: ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value)}`
      )
      .join(', ')
    const message =
      problemsOf({ ...VALID, ...change }, env).find(problem => problem.startsWith(`${name}: `)) ??
      ''
    return [cell(what), `\`${cell(given)}\``, cell(message)].map(text => text.replace(/\n/g, ' '))
  })
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

function replaceBetween(text: string, marker: string, content: string): string {
  const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`)
  if (!pattern.test(text))
    throw new Error(`README.md has no <!-- ${marker}:start --> … <!-- ${marker}:end --> markers`)
  return text.replace(pattern, `$1\n${content}\n$2`)
}

/** The cells of the README table between the markers, with Prettier's padding removed. */
export function readmeRows(readme: string, marker: string): string[][] {
  const match = new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(
    readme
  )
  if (!match) throw new Error(`README.md has no ${marker} table markers`)
  return (match[1] as string)
    .split('\n')
    .filter(line => line.startsWith('|'))
    .slice(2)
    .map(row =>
      row
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map(value => value.trim())
    )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = tableRows(readActionYml())
  let readme = readFileSync(`${ROOT}/README.md`, 'utf8')
  readme = replaceBetween(readme, 'inputs', table(['input', 'default', 'description'], rows.inputs))
  readme = replaceBetween(readme, 'outputs', table(['output', 'description'], rows.outputs))
  readme = replaceBetween(
    readme,
    'refusals',
    table(['refused', 'given', 'what the action says'], refusalRows())
  )
  writeFileSync(`${ROOT}/README.md`, readme)
  writeFileSync(FLAG_HELP_FILE, flagHelpSource(readActionYml()))
}
