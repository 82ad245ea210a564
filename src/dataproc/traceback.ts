/**
 * The root cause of a failed driver, read from its output: the innermost exception of the last
 * Python traceback (plain, or drawn in a box by rich, as Kedro's logging does), with the lines
 * its message runs on to, or the entrypoint's own error when Kedro never started.
 */

/** The entrypoint's one-line account of a problem it found before Kedro started. */
const ENTRYPOINT_ERROR = /^\[kedro-dataproc\] error: (.+)$/
const PLAIN_START = /^Traceback \(most recent call last\):\s*$/
const BOX_START = /^╭/
const BOX_END = /^╰/
/** What Python prints between the tracebacks of a chain, the cause first. */
const CHAINED =
  /^(The above exception was the direct cause of the following exception|During handling of the above exception, another exception occurred):\s*$/
/** `ValueError: …`, `omegaconf.errors.UnsupportedInterpolationType: …`, or a bare name. */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(: |$)/
/** Where a message's own lines end: someone else's line (a log record, ours, a new traceback). */
const NOT_CONTINUATION =
  /^(\s*$|\[|\d{2,4}[/-]\d{2}[/-]\d{2}|Traceback |╭|The above exception|During handling)/
const MAX_CONTINUATION = 6
/** A cause longer than this is cut after a whole sentence. */
export const MAX_CAUSE_CHARS = 600

interface Raised {
  /** Index of the exception's line. */
  line: number
  /** Whether a chain separator came just before its traceback. */
  chained: boolean
}

/** Where each traceback's exception line is, and whether it continues a chain. */
function tracebacks(lines: readonly string[]): Raised[] {
  const found: Raised[] = []
  let chained = false
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string
    if (CHAINED.test(line.trim())) {
      chained = true
      continue
    }
    let end = -1
    if (PLAIN_START.test(line)) {
      end = i + 1
      while (end < lines.length && /^\s/.test(lines[end] as string)) end += 1
    } else if (BOX_START.test(line)) {
      end = i + 1
      while (end < lines.length && !BOX_END.test(lines[end] as string)) end += 1
      end += 1
      while (end < lines.length && !(lines[end] as string).trim()) end += 1
    } else {
      // Anything else between a separator and the next traceback ends the chain.
      if (line.trim()) chained = false
      continue
    }
    if (end < lines.length && EXCEPTION_LINE.test(lines[end] as string)) {
      found.push({ line: end, chained })
      i = end
    }
    chained = false
  }
  return found
}

/** The exception's line and the lines its message runs on to, as one line. */
function messageAt(lines: readonly string[], index: number): string {
  const parts = [(lines[index] as string).trim()]
  for (let i = index + 1; i < lines.length && parts.length <= MAX_CONTINUATION; i += 1) {
    const line = lines[i] as string
    if (NOT_CONTINUATION.test(line)) break
    parts.push(line.trim())
  }
  return parts.join(' ')
}

/** Bounded without cutting a sentence: up to the last sentence end that fits, or a word. */
export function wholeSentences(text: string, max = MAX_CAUSE_CHARS): string {
  if (text.length <= max) return text
  const head = text.slice(0, max)
  const sentence = head.search(/[.!?:](?=\s)[^.!?:]*$/)
  const cut = sentence > max / 3 ? sentence + 1 : head.lastIndexOf(' ')
  return `${head.slice(0, cut > 0 ? cut : max).trimEnd()} …`
}

/** The last traceback chain of an output: its innermost exception (its cause) and its outermost. */
export interface Chain {
  innermost: string
  outermost: string
}

export function lastChain(output: readonly string[]): Chain | undefined {
  const raised = tracebacks(output)
  const last = raised.length - 1
  if (last < 0) return undefined
  let at = last
  while (at > 0 && (raised[at] as Raised).chained) at -= 1
  const message = (index: number) =>
    wholeSentences(messageAt(output, (raised[index] as Raised).line))
  return { innermost: message(at), outermost: message(last) }
}

/**
 * The innermost exception of the last traceback chain in `output`, or the entrypoint's own error
 * when it reported one; undefined when the output holds neither.
 */
export function rootCause(output: readonly string[]): string | undefined {
  const own = output.findLast(line => ENTRYPOINT_ERROR.test(line))
  if (own) return wholeSentences((ENTRYPOINT_ERROR.exec(own) as RegExpExecArray)[1] as string)
  return lastChain(output)?.innermost
}
