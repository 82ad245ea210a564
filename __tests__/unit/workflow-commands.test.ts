import { jest } from '@jest/globals'
import { actionsLog, printText } from '../../src/github/log-sink.js'
import { InputError } from '../../src/inputs/reader.js'
import { OutputLines, setLogSink, visible } from '../../src/lib/log.js'
import { execRunner } from '../../src/steps/image/docker.js'
import { runnerCommands } from '../helpers/workflow-commands.js'

/** Lines a hostile process prints, each a workflow command for the runner if printed raw. */
const HOSTILE = [
  '::add-mask::INJECTED',
  'progress 10%\r::set-output name=x::INJECTED',
  '\u0085::error::INJECTED',
  '\u2028 ::warning::INJECTED',
  'a line with ##[error]INJECTED',
  'and ##[set-output name=y;]INJECTED',
  '  ::notice title=t::INJECTED',
  '::stop-commands::guess',
  '::guess::',
  '::ADD-MASK::INJECTED'
]

function captured(print: () => void): string {
  let written = ''
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written += String(chunk)
    return true
  })
  try {
    print()
  } finally {
    spy.mockRestore()
  }
  return written
}

describe('the parser follows the runner', () => {
  test.each(HOSTILE.filter(line => !line.includes('guess')))('finds %j printed raw', line => {
    const commands = runnerCommands(`${line}\n`)
    expect(commands).toHaveLength(1)
    expect(commands[0]?.data).toBe('INJECTED')
  })

  test('ignores commands between stop-commands and its token, and resumes after it', () => {
    const raw = '::stop-commands::t0k3n\n::error::no\n##[error]no\n::T0K3N::\n::error::yes\n'
    expect(runnerCommands(raw).map(command => command.data)).toEqual(['yes'])
  })

  test('leaves text that is not a registered command alone', () => {
    expect(runnerCommands('a::b::c\nstd::vector\n##[nope]x\n::unknown::x\n')).toEqual([])
  })
})

describe("the action's log sink", () => {
  test('prints hostile output so that the runner takes none of it for a command', () => {
    const raw = captured(() => {
      for (const line of HOSTILE) actionsLog.output(line)
      actionsLog.output(HOSTILE.join('\n'))
    })
    expect(runnerCommands(raw)).toEqual([])
    // The text is all there, as it came.
    for (const line of HOSTILE) expect(raw).toContain(line)
  })

  test('prints ordinary output as it is, colours included, with no fence', () => {
    const line = 'INFO  \u001b[32mRunning node\u001b[0m: totals'
    expect(captured(() => actionsLog.output(line))).toBe(`${line}\n`)
  })

  test('makes a fresh token for every fence', () => {
    const raw = captured(() => {
      printText('::error::one')
      printText('::error::two')
    })
    const tokens = [...raw.matchAll(/^::stop-commands::(\S+)$/gm)].map(match => match[1])
    expect(tokens).toHaveLength(2)
    expect(tokens[0]).not.toBe(tokens[1])
    expect(tokens[0]).toMatch(/^[0-9a-f]{32}$/)
  })

  test("shows control characters in the action's own lines, which stay one line each", () => {
    const raw = captured(() => {
      actionsLog.info(`kedro command  kedro run '--params=a\n::add-mask::INJECTED'`)
      actionsLog.info('run id  x\r::error::INJECTED\u0085::warning::INJECTED\u2028')
    })
    expect(runnerCommands(raw)).toEqual([])
    expect(raw).toContain(`'--params=a\\n::add-mask::INJECTED'`)
    expect(raw).toContain('x\\r::error::INJECTED\\u0085::warning::INJECTED\\u2028')
  })

  test('annotations keep their own lines and are data the runner does not re-read', () => {
    const raw = captured(() => {
      actionsLog.warning('one\ntwo\r::error::INJECTED')
      actionsLog.notice('##[error]INJECTED')
    })
    const commands = runnerCommands(raw)
    expect(commands.map(command => command.name)).toEqual(['warning', 'notice'])
    expect(commands[0]?.data).toBe('one%0Atwo\\r::error::INJECTED')
  })
})

test('visible: every control character as an escape, tab kept', () => {
  expect(visible('a\nb\rc\u0085d\u2028e\u2029f\u001b[31mg\th\u0000\u202e')).toBe(
    'a\\nb\\rc\\u0085d\\u2028e\\u2029f\\u001b[31mg\th\\u0000\\u202e'
  )
  expect(visible('one\ntwo\r', { keepNewlines: true })).toBe('one\ntwo\\r')
})

test('an input error quotes a value with its control characters shown', () => {
  const error = new InputError(["kedro-run-args: '--x\n::add-mask::INJECTED' is not an option"])
  expect(error.message).toBe(
    "invalid input: kedro-run-args: '--x\\n::add-mask::INJECTED' is not an option"
  )
})

test('a child process’s output reaches the log in whole lines, split anywhere', () => {
  const shown: string[] = []
  setLogSink({ ...actionsLog, output: text => shown.push(text) })
  const lines = new OutputLines()
  const bytes = Buffer.from('step 1/2 ✓\n::add-mask::INJ')
  lines.write(bytes.subarray(0, 9)) // inside the three bytes of ✓
  lines.write(bytes.subarray(9))
  lines.write(Buffer.from('ECTED\r\nlast'))
  lines.end()
  expect(shown).toEqual(['step 1/2 ✓', '::add-mask::INJECTED\r', 'last'])
})

test('the output of a tool the image step runs (docker) stays text in the log', async () => {
  setLogSink(actionsLog)
  // stdout and stderr interleaved, a line split across writes, and no newline at the end.
  const script = [
    'process.stdout.write("#5 [2/3] RUN echo\\n::add-mask::INJECTED-1\\nstep\\r::error::INJECTED-2\\n")',
    'process.stderr.write("\\u0085::warning::INJECTED-3\\n##[error]INJ")',
    'setTimeout(() => process.stderr.write("ECTED-4"), 50)'
  ].join(';')
  let written = ''
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written += String(chunk)
    return true
  })
  let result
  try {
    result = await execRunner(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '' },
      stream: true
    })
  } finally {
    spy.mockRestore()
  }
  expect(result.exitCode).toBe(0)
  expect(runnerCommands(written)).toEqual([])
  for (const n of [1, 2, 3, 4]) expect(written).toContain(`INJECTED-${n}`)
  expect(written).toContain('##[error]INJECTED-4')
})
