import { Terminal, terminalLine, terminalOutput } from '../../src/cli/terminal.js'

const OSC52 = '\u001b]52;c;aGFja2VkIGNsaXBib2FyZCArLz0=\u0007'
/** Driver output that tries to act on the reader's terminal. */
const HOSTILE = [
  `copy ${OSC52}me`,
  'title \u001b]0;pwned\u001b\\here',
  'link \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
  'cursor \u001b[2J\u001b[H\u001b[?25lmoves',
  'over\rwrite',
  'bell\u0007 and back\bspace',
  'c1 \u009b31mcsi and \u009d52;c;eA==\u009c osc',
  'device \u001bP1$r0m\u001b\\ control string',
  'lone \u001b escape'
]

function fakeStream(isTTY: boolean) {
  const chunks: string[] = []
  return { chunks, stream: { isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } }
}

test.each([true, false])(
  'driver output holds no control sequence or character (colour %s)',
  colour => {
    for (const line of HOSTILE) {
      const shown = terminalOutput(line, colour)
      // eslint-disable-next-line no-control-regex
      expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    }
    expect(terminalOutput(`copy ${OSC52}me`, colour)).toBe('copy me')
    expect(terminalOutput(HOSTILE[2] as string, colour)).toBe('link click')
    expect(terminalOutput('over\rwrite', colour)).toBe('overwrite')
    expect(terminalOutput('tab\tkept', colour)).toBe('tab\tkept')
  }
)

test('colours stay on a terminal in colour, and go elsewhere', () => {
  const line = '\u001b[1;32mINFO\u001b[0m Running node \u001b[38;5;196mtotals\u001b[39m'
  expect(terminalOutput(line, true)).toBe(line)
  expect(terminalOutput(line, false)).toBe('INFO Running node totals')
})

test("the command's own lines keep its colours and show any other control as an escape", () => {
  expect(terminalLine(`\u001b[1mplan\u001b[22m  kedro run '${OSC52}'`, true)).toBe(
    `\u001b[1mplan\u001b[22m  kedro run '\\u001b]52;c;aGFja2VkIGNsaXBib2FyZCArLz0=\\u0007'`
  )
  expect(terminalLine('a\nb\rc', false)).toBe('a\nb\\rc')
})

test('the terminal prints driver output cleaned, on a terminal and off it', () => {
  for (const tty of [true, false]) {
    const out = fakeStream(tty)
    const terminal = new Terminal(out.stream, fakeStream(tty).stream, {})
    terminal.output(`\u001b[31mred\u001b[39m ${OSC52}`)
    expect(out.chunks).toEqual([tty ? '\u001b[31mred\u001b[39m \n' : 'red \n'])
  }
})
