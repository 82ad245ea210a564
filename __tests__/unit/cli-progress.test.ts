import {
  barLine,
  MIN_BYTES,
  percentOf,
  plainLine,
  ProgressDisplay,
  REDRAW_MS,
  type ProgressSink
} from '../../src/cli/progress.js'
import { palette } from '../../src/cli/palette.js'
import { Terminal } from '../../src/cli/terminal.js'

const URI = 'gs://submit-bucket/feature-x/run-1/code.zip'
const MB = 1e6

function recorder(
  tty: boolean
): ProgressSink & { drawn: (string | undefined)[]; printed: string[] } {
  const drawn: (string | undefined)[] = []
  const printed: string[] = []
  return { tty, drawn, printed, draw: line => drawn.push(line), print: line => printed.push(line) }
}

describe('upload progress', () => {
  test('the bar: name, bar, percent and megabytes; no bar while the total is unknown', () => {
    const line = barLine({ uri: URI, bytes: 12.3 * MB, total: 29.1 * MB }, palette(false))
    expect(line).toBe(`uploading code.zip  ${'█'.repeat(10)}${'░'.repeat(14)}  42% 12.3/29.1 MB`)
    expect(barLine({ uri: URI, bytes: 5 * MB }, palette(false))).toBe('uploading code.zip  5.0 MB')
  })

  test('colour only from the palette: none without it, SGR codes with it', () => {
    const progress = { uri: URI, bytes: MB, total: 2 * MB }
    expect(barLine(progress, palette(false))).not.toContain('\x1b[')
    expect(barLine(progress, palette(true))).toContain('\x1b[32m')
  })

  test('100% only once every byte is out', () => {
    expect(percentOf(999, 1000)).toBe(99)
    expect(percentOf(1000, 1000)).toBe(100)
    expect(percentOf(0, 0)).toBe(100)
    expect(plainLine({ uri: URI, bytes: 14.55 * MB, total: 29.1 * MB })).toBe(
      'uploading code.zip: 50% (14.6/29.1 MB)'
    )
  })

  test('a terminal is redrawn at most once per REDRAW_MS, and the bar taken down at the end', () => {
    let now = 0
    const sink = recorder(true)
    const display = new ProgressDisplay(sink, palette(false), () => now)
    const total = 10 * MB
    for (let bytes = 0; bytes < total; bytes += MB / 10) {
      display.update({ uri: URI, bytes, total })
      now += REDRAW_MS / 10
    }
    // 100 events over ten REDRAW_MS periods: one draw per period.
    expect(sink.drawn).toHaveLength(10)
    display.update({ uri: URI, bytes: total, total })
    expect(sink.drawn[sink.drawn.length - 1]).toBeUndefined()
  })

  test('not a terminal: one line per quarter passed, never a redraw', () => {
    const sink = recorder(false)
    const display = new ProgressDisplay(sink, palette(false), () => 0)
    const total = 8 * MB
    for (let bytes = 0; bytes <= total; bytes += MB / 4) display.update({ uri: URI, bytes, total })
    expect(sink.drawn).toEqual([])
    expect(sink.printed.map(line => /(\d+)%/.exec(line)?.[1])).toEqual(['25', '50', '75', '100'])
  })

  test('a jump past several quarters prints one line; a small upload prints none', () => {
    const sink = recorder(false)
    const display = new ProgressDisplay(sink, palette(false), () => 0)
    display.update({ uri: URI, bytes: 8 * MB, total: 10 * MB })
    display.update({ uri: 'gs://b/entrypoint.py', bytes: 900, total: 900 })
    expect(sink.printed).toEqual(['uploading code.zip: 80% (8.0/10.0 MB)'])
    expect(MIN_BYTES).toBeGreaterThan(900)
  })

  test('the terminal draws the bar in the status line and restores the spinner after it', () => {
    const written: string[] = []
    const stderr = { isTTY: true, write: (text: string) => written.push(text) > 0 }
    const terminal = new Terminal({ write: () => true }, stderr, { NO_COLOR: '1' })
    terminal.setStatus('uploading the code')
    const sink = terminal.progressSink()
    expect(sink.tty).toBe(true)
    sink.draw('uploading code.zip  ░ 0% 0.0/9.0 MB')
    expect(written[written.length - 1]).toBe('\r\x1b[2Kuploading code.zip  ░ 0% 0.0/9.0 MB')
    sink.draw(undefined)
    expect(written[written.length - 1]).toMatch(/uploading the code \d+s/)
    terminal.setStatus(undefined)
  })
})
