import { invalidArgument, type LoggingError } from './errors.js'
import type { LogEntry } from './entry.js'
import { comparison, globalRestriction, logIdFunction, type Op, type Predicate } from './fields.js'

/**
 * The Logging query language, parsed once per entries:list into a predicate. Its precedence is
 * not the usual one: NOT binds tightest, then OR, then AND, so `a OR NOT b AND c` is
 * `(a OR (NOT b)) AND c`; adjacent terms (spaces, newlines) are ANDed; `-` negates like NOT;
 * `--` starts a comment. A comparison's value can itself be a group: `severity = (ERROR OR INFO)`.
 */

export const MAX_FILTER_LENGTH = 20000

type Token =
  | { kind: '(' | ')' | ',' | '-' | 'eof'; pos: number; end: number }
  | { kind: 'op'; op: Op; pos: number; end: number }
  | { kind: 'string' | 'word'; text: string; pos: number; end: number }
  | { kind: 'path'; segments: string[]; text: string; pos: number; end: number }

const OPS: Op[] = ['>=', '<=', '!=', '=~', '!~', '=', '<', '>', ':']
// Characters that end an unquoted field name; an unquoted value after an operator only ends at
// spaces, parentheses and quotes, so `logName=projects/p/logs/a%2Fb` needs no quotes.
const NAME_END = /[\s()",=<>!:~.]/
const VALUE_END = /[\s()"]/
const KEYWORDS = new Set(['AND', 'OR', 'NOT'])

class Parser {
  private pos = 0

  constructor(private readonly src: string) {}

  fail(message: string, at = this.pos): LoggingError {
    const before = this.src.slice(0, at)
    const line = before.split('\n').length
    const column = at - before.lastIndexOf('\n')
    return invalidArgument(`Unparseable filter: ${message} at line ${line}, column ${column}`)
  }

  /** Skips spaces, newlines and `--` comments. */
  private skip(): void {
    for (;;) {
      while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? '')) this.pos += 1
      if (!this.src.startsWith('--', this.pos)) return
      const newline = this.src.indexOf('\n', this.pos)
      this.pos = newline < 0 ? this.src.length : newline
    }
  }

  private quoted(at: number): { text: string; end: number } {
    let text = ''
    let i = at + 1
    while (i < this.src.length && this.src[i] !== '"') {
      if (this.src[i] === '\\') {
        const next = this.src[i + 1]
        if (next === undefined) break
        text += next === 'n' ? '\n' : next === 't' ? '\t' : next
        i += 2
      } else {
        text += this.src[i]
        i += 1
      }
    }
    if (i >= this.src.length) throw this.fail('unterminated string', at)
    return { text, end: i + 1 }
  }

  private run(at: number, end: RegExp): number {
    let i = at
    while (i < this.src.length && !end.test(this.src[i] ?? '')) i += 1
    return i
  }

  /** The next token; `value` reads an operand, where more characters go unquoted. */
  peek(mode: 'term' | 'value'): Token {
    this.skip()
    const pos = this.pos
    const c = this.src[pos]
    if (c === undefined) return { kind: 'eof', pos, end: pos }
    if (c === '(' || c === ')' || c === ',') return { kind: c, pos, end: pos + 1 }
    if (c === '"') return { kind: 'string', ...this.quoted(pos), pos }
    if (mode === 'term') {
      const op = OPS.find(candidate => this.src.startsWith(candidate, pos))
      if (op) return { kind: 'op', op, pos, end: pos + op.length }
      if (c === '-' && !/[\s-]/.test(this.src[pos + 1] ?? ' '))
        return { kind: '-', pos, end: pos + 1 }
      return this.path(pos)
    }
    const end = this.run(pos, VALUE_END)
    return { kind: 'word', text: this.src.slice(pos, end), pos, end }
  }

  /** A field path (`jsonPayload."a.b".c`), or a word, which is a path of one segment. */
  private path(pos: number): Token {
    const segments: string[] = []
    let i = pos
    for (;;) {
      if (this.src[i] === '"' && segments.length > 0) {
        const { text, end } = this.quoted(i)
        segments.push(text)
        i = end
      } else {
        const end = this.run(i, NAME_END)
        if (end === i) throw this.fail(`unexpected "${this.src[i] ?? ''}"`, i)
        segments.push(this.src.slice(i, end))
        i = end
      }
      if (this.src[i] !== '.') break
      i += 1
    }
    const text = this.src.slice(pos, i)
    if (segments.length === 1) return { kind: 'word', text, pos, end: i }
    return { kind: 'path', segments, text, pos, end: i }
  }

  take(token: Token): Token {
    this.pos = token.end
    return token
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text === keyword
  }

  /** AND of ORs of NOTs of atoms: the query's own grammar, and a group value's. */
  boolean(atom: () => Predicate): Predicate {
    const parts = [this.or(atom)]
    for (;;) {
      const next = this.peek('term')
      if (next.kind === 'eof' || next.kind === ')') break
      if (this.isKeyword(next, 'AND')) this.take(next)
      parts.push(this.or(atom))
    }
    return parts.length === 1 ? (parts[0] as Predicate) : entry => parts.every(p => p(entry))
  }

  private or(atom: () => Predicate): Predicate {
    const parts = [this.unary(atom)]
    for (let next = this.peek('term'); this.isKeyword(next, 'OR'); next = this.peek('term')) {
      this.take(next)
      parts.push(this.unary(atom))
    }
    return parts.length === 1 ? (parts[0] as Predicate) : entry => parts.some(p => p(entry))
  }

  private unary(atom: () => Predicate): Predicate {
    const next = this.peek('term')
    if (next.kind === '-' || this.isKeyword(next, 'NOT')) {
      this.take(next)
      const inner = this.unary(atom)
      return entry => !inner(entry)
    }
    if (next.kind === '(') {
      this.take(next)
      if (this.peek('term').kind === ')') throw this.fail('empty parentheses')
      const inner = this.boolean(atom)
      const close = this.peek('term')
      if (close.kind !== ')') throw this.fail('expected ")"', close.pos)
      this.take(close)
      return inner
    }
    return atom()
  }

  /** A comparison, a function call or a bare value (a global restriction). */
  term(): Predicate {
    const token = this.peek('term')
    if (token.kind === 'string') {
      this.take(token)
      return globalRestriction(token.text)
    }
    if (token.kind === 'word' && KEYWORDS.has(token.text)) {
      throw this.fail(`unexpected ${token.text}`, token.pos)
    }
    if (token.kind !== 'word' && token.kind !== 'path') {
      throw this.fail(
        token.kind === 'eof'
          ? 'unexpected end of filter'
          : `unexpected "${this.src.slice(token.pos, token.end)}"`,
        token.pos
      )
    }
    this.take(token)
    if (token.kind === 'word' && this.src[this.pos] === '(') return this.call(token.text, token.pos)
    const op = this.peek('term')
    if (op.kind !== 'op') return globalRestriction(token.text)
    this.take(op)
    const path = token.kind === 'path' ? token.segments : [token.text]
    const operand = (): Predicate => {
      const value = this.peek('value')
      if (value.kind === 'word' && KEYWORDS.has(value.text))
        throw this.fail(`unexpected ${value.text}`, value.pos)
      if (value.kind !== 'string' && value.kind !== 'word') {
        throw this.fail(`expected a value after "${op.op}"`, value.pos)
      }
      this.take(value)
      return this.guard(
        () => comparison(path, op.op, value.text, value.kind === 'string'),
        token.pos
      )
    }
    // `field = (a OR b)` compares the field with each value of the group
    if (this.peek('value').kind === '(') return this.unary(operand)
    return operand()
  }

  private call(name: string, pos: number): Predicate {
    this.take(this.peek('term'))
    const args: string[] = []
    for (let next = this.peek('value'); next.kind !== ')'; next = this.peek('value')) {
      if (next.kind === 'eof') throw this.fail('expected ")"', next.pos)
      this.take(next)
      if (next.kind === 'string' || next.kind === 'word') args.push(next.text)
      else if (next.kind !== ',')
        throw this.fail(`unexpected "${this.src.slice(next.pos, next.end)}"`, next.pos)
    }
    this.take(this.peek('value'))
    if (name !== 'log_id') throw this.fail(`unsupported function ${name}()`, pos)
    if (args.length !== 1) throw this.fail('log_id() takes one log ID', pos)
    return logIdFunction(args[0] ?? '')
  }

  /** Turns a field's own complaint (a bad timestamp, an unknown field) into a located one. */
  private guard(make: () => Predicate, at: number): Predicate {
    try {
      return make()
    } catch (error) {
      throw this.fail((error as Error).message, at)
    }
  }
}

/** The filter as a predicate over entries; an empty filter matches everything. */
export function parseFilter(filter: string): (entry: LogEntry) => boolean {
  if (filter.length > MAX_FILTER_LENGTH) {
    throw invalidArgument(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`)
  }
  const parser = new Parser(filter)
  if (parser.peek('term').kind === 'eof') return () => true
  const predicate = parser.boolean(() => parser.term())
  const rest = parser.peek('term')
  if (rest.kind !== 'eof') throw parser.fail('unbalanced ")"', rest.pos)
  return predicate
}
