/**
 * Kedro run arguments arrive as one string (a workflow input) and must reach `kedro run` as the
 * words a POSIX shell would have made of it — without ever being run through a shell, so `$(…)`,
 * backticks and `;` stay literal text.
 */
export function splitWords(input: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | null = null
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string
    if (quote === "'") {
      if (ch === "'") quote = null
      else word += ch
    } else if (quote === '"') {
      if (ch === '"') quote = null
      else if (ch === '\\' && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1] as string)) {
        const next = input[++i] as string
        if (next !== '\n') word += next
      } else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (ch === '\\') {
      if (i + 1 >= input.length) throw new Error('it ends with a lone backslash; remove it')
      const next = input[++i] as string
      if (next !== '\n') {
        word += next
        inWord = true
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote) throw new Error(`it has an unclosed ${quote} quote; close it`)
  if (inWord) words.push(word)
  return words
}

/** The value of every `--params` option, in both the `--params=v` and the `--params v` form. */
function paramsValues(args: string[]): string[] {
  const values: string[] = []
  args.forEach((arg, i) => {
    if (arg.startsWith('--params=')) values.push(arg.slice('--params='.length))
    else if (arg === '--params') {
      const next = args[i + 1]
      if (next === undefined || next.startsWith('--')) {
        throw new Error('--params has no value; write --params=key=value')
      }
      values.push(next)
    }
  })
  return values
}

/**
 * Kedro ≥ 0.19 accepts only `key=value` items, comma separated. The guide's example
 * `param1:10` is the old form; the error shows the corrected spelling.
 */
export function checkParams(args: string[]): void {
  for (const value of paramsValues(args)) {
    const items = value.split(',')
    const bad = items.filter(item => !/^[^=\s][^=]*=/.test(item.trim()))
    if (bad.length === 0) continue
    const corrected = items
      .map(item => (item.includes('=') ? item : item.replace(':', '=')))
      .join(',')
    const oldForm = bad.every(item => item.includes(':'))
    throw new Error(
      oldForm
        ? `--params item ${bad.map(b => `"${b}"`).join(', ')} uses the key:value form, which Kedro ≥ 0.19 rejects; write --params=${corrected}`
        : `--params item ${bad.map(b => `"${b}"`).join(', ')} is not key=value; write --params=key1=value1,key2=value2 (values cannot contain commas)`
    )
  }
}

export function parseKedroRunArgs(input: string): string[] {
  const args = splitWords(input)
  checkParams(args)
  return args
}
