/**
 * Which stages a build target depends on and which context paths they read: `FROM <stage>`
 * chains, `COPY --from=<stage>` and `RUN --mount=…,from=<stage>` pull in other stages; `COPY`/`ADD`
 * sources and `RUN --mount=type=bind` sources (without `from=`) name context paths.
 */
import {
  cleanSource,
  copyWords,
  envPairs,
  expand,
  parseDockerfile,
  splitAssignment,
  splitFlags,
  type Instruction
} from './dockerfile-parse.js'
import { errorMessage } from '../../lib/errors.js'
import { splitWords } from '../../lib/words.js'

interface Stage {
  name: string
  index: number
  /** Stages this one needs: its FROM parent and `--from=` references, as indexes. */
  needs: number[]
  sources: string[]
}

export interface Dependencies {
  stages: string[]
  /** Context paths (cleaned, relative, posix; '.' is the whole context) the stages read. */
  sources: string[]
}

/** What reading the instructions in order has learned so far. */
interface Reading {
  buildArgs: Record<string, string>
  globalArgs: Record<string, string>
  stages: Stage[]
  /** The current stage's ARG and ENV values. */
  scope: Record<string, string>
}

function stageIndex(stages: Stage[], reference: string): number | undefined {
  if (/^\d+$/.test(reference)) {
    const index = Number(reference)
    return index < stages.length ? index : undefined
  }
  return stages.find(stage => stage.name === reference.toLowerCase())?.index
}

/** A stage named by `--from=` (or a mount's `from=`) is needed; an image is not a stage. */
function needFrom(reading: Reading, stage: Stage, from: string): void {
  const index = stageIndex(reading.stages, expand(from, reading.scope))
  if (index !== undefined) stage.needs.push(index)
}

function readArg(reading: Reading, args: string): void {
  const { buildArgs, globalArgs, stages } = reading
  for (const word of splitWords(args)) {
    const [name, value] = splitAssignment(word)
    const into = stages.length === 0 ? globalArgs : reading.scope
    // Inside a stage, `ARG NAME` without a value brings the global ARG's value into scope.
    const inherited = stages.length === 0 ? undefined : globalArgs[name]
    const resolved = buildArgs[name] ?? (value !== undefined ? expand(value, into) : inherited)
    if (resolved !== undefined) into[name] = resolved
  }
}

function readFrom(reading: Reading, args: string): void {
  const { stages } = reading
  const { words } = splitFlags(splitWords(args))
  const image = expand(words[0] ?? '', reading.globalArgs)
  const name = words[1]?.toLowerCase() === 'as' ? (words[2] ?? '').toLowerCase() : ''
  const parent = stageIndex(stages, image)
  stages.push({
    name: name || String(stages.length),
    index: stages.length,
    needs: parent === undefined ? [] : [parent],
    sources: []
  })
  reading.scope = {}
}

function readCopy(reading: Reading, stage: Stage, keyword: string, args: string): void {
  const { flags, words } = splitFlags(copyWords(args))
  const from = flags.get('from')
  // A copy from another stage or an image reads nothing from the context.
  if (from !== undefined) return needFrom(reading, stage, from)
  for (const source of words.slice(0, -1)) {
    if (source.startsWith('<<')) continue
    if (keyword === 'ADD' && /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) continue
    stage.sources.push(cleanSource(expand(source, reading.scope)))
  }
}

/** `RUN --mount=type=bind`: a stage's files with `from=`, else the context's. */
function readMounts(reading: Reading, stage: Stage, args: string): void {
  for (const mount of splitFlags(splitWords(args)).mounts) {
    const options = new Map(
      mount.split(',').map(part => {
        const [key, value] = splitAssignment(part)
        return [key.toLowerCase(), value ?? ''] as const
      })
    )
    if ((options.get('type') ?? 'bind') !== 'bind') continue
    const from = options.get('from')
    if (from !== undefined) needFrom(reading, stage, from)
    else {
      const source = options.get('source') ?? options.get('src') ?? '.'
      stage.sources.push(cleanSource(expand(source, reading.scope)))
    }
  }
}

function read(reading: Reading, { keyword, args }: Instruction): void {
  if (keyword === 'ARG') return readArg(reading, args)
  if (keyword === 'FROM') return readFrom(reading, args)
  const stage = reading.stages[reading.stages.length - 1]
  if (!stage) return
  if (keyword === 'ENV')
    for (const [name, value] of envPairs(args)) reading.scope[name] = expand(value, reading.scope)
  else if (keyword === 'COPY' || keyword === 'ADD') readCopy(reading, stage, keyword, args)
  else if (keyword === 'RUN') readMounts(reading, stage, args)
}

/** The target stage (default: the last) and every stage it needs, with the context they read. */
function chosen(stages: Stage[], target: string | undefined): Dependencies {
  if (stages.length === 0) throw new Error('the Dockerfile has no FROM instruction')
  const wanted =
    target === undefined
      ? stages.length - 1
      : stages.find(s => s.name === target.toLowerCase())?.index
  if (wanted === undefined) {
    const names = stages.map(s => s.name).join(', ')
    throw new Error(`the Dockerfile has no stage named '${target}' (stages: ${names})`)
  }
  const needed = new Set<number>()
  const visit = (index: number): void => {
    if (needed.has(index)) return
    needed.add(index)
    for (const next of (stages[index] as Stage).needs) visit(next)
  }
  visit(wanted)
  const picked = stages.filter(stage => needed.has(stage.index))
  const sources = [...new Set(picked.flatMap(stage => stage.sources))].sort()
  return { stages: picked.map(stage => stage.name), sources }
}

/** The stages `target` (default: the last stage) depends on, and the context paths they read. */
export function dockerfileDependencies(
  text: string,
  target: string | undefined,
  buildArgs: Record<string, string>
): Dependencies {
  const reading: Reading = { buildArgs, globalArgs: {}, stages: [], scope: {} }
  for (const instruction of parseDockerfile(text)) {
    try {
      read(reading, instruction)
    } catch (error) {
      // An unclosed quote: Docker refuses the line too, so say which one.
      throw new Error(
        `the Dockerfile's ${instruction.keyword} ${instruction.args}: ${errorMessage(error)}`
      )
    }
  }
  return chosen(reading.stages, target)
}
