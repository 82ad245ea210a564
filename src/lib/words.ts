/**
 * The words a POSIX shell would make of a string, without ever running one: `$(…)`, backticks,
 * `;` and `$NAME` stay literal text. Kedro run arguments arrive as one string (a workflow input)
 * and reach `kedro run` so; a Dockerfile's instruction arguments split the same way (BuildKit's
 * lexer follows the shell's quoting), before its variables are expanded.
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
