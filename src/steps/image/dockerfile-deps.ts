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
  splitWords,
  type Instruction
} from './dockerfile-parse.js'

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

function dependenciesOf(
  instructions: Instruction[],
  target: string | undefined,
  buildArgs: Record<string, string>
): Dependencies {
  const globalArgs: Record<string, string> = {}
  const stages: Stage[] = []
  let scope: Record<string, string> = {}
  const stageIndex = (reference: string): number | undefined => {
    if (/^\d+$/.test(reference)) {
      const index = Number(reference)
      return index < stages.length ? index : undefined
    }
    const found = stages.find(stage => stage.name === reference.toLowerCase())
    return found?.index
  }

  for (const { keyword, args } of instructions) {
    if (keyword === 'ARG') {
      for (const word of splitWords(args)) {
        const [name, value] = splitAssignment(word)
        const into = stages.length === 0 ? globalArgs : scope
        // Inside a stage, `ARG NAME` without a value brings the global ARG's value into scope.
        const inherited = stages.length === 0 ? undefined : globalArgs[name]
        const resolved = buildArgs[name] ?? (value !== undefined ? expand(value, into) : inherited)
        if (resolved !== undefined) into[name] = resolved
      }
      continue
    }
    if (keyword === 'FROM') {
      const { words } = splitFlags(splitWords(args))
      const image = expand(words[0] ?? '', globalArgs)
      const name = words[1]?.toLowerCase() === 'as' ? (words[2] ?? '').toLowerCase() : ''
      const parent = stageIndex(image)
      stages.push({
        name: name || String(stages.length),
        index: stages.length,
        needs: parent === undefined ? [] : [parent],
        sources: []
      })
      scope = {}
      continue
    }
    const stage = stages[stages.length - 1]
    if (!stage) continue
    if (keyword === 'ENV') {
      for (const [name, value] of envPairs(args)) scope[name] = expand(value, scope)
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const { flags, words } = splitFlags(copyWords(args))
      const from = flags.get('from')
      if (from !== undefined) {
        const index = stageIndex(expand(from, scope))
        if (index !== undefined) stage.needs.push(index)
        // A copy from another stage or an image reads nothing from the context.
        continue
      }
      for (const source of words.slice(0, -1)) {
        if (source.startsWith('<<')) continue
        if (keyword === 'ADD' && /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) continue
        stage.sources.push(cleanSource(expand(source, scope)))
      }
    } else if (keyword === 'RUN') {
      for (const mount of splitFlags(splitWords(args)).mounts) {
        const options = new Map(
          mount.split(',').map(part => {
            const [key, value] = splitAssignment(part)
            return [key.toLowerCase(), value ?? ''] as const
          })
        )
        const type = options.get('type') ?? 'bind'
        if (type !== 'bind') continue
        const from = options.get('from')
        if (from !== undefined) {
          const index = stageIndex(expand(from, scope))
          if (index !== undefined) stage.needs.push(index)
        } else {
          stage.sources.push(
            cleanSource(expand(options.get('source') ?? options.get('src') ?? '.', scope))
          )
        }
      }
    }
  }

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
  const chosen = stages.filter(stage => needed.has(stage.index))
  const sources = [...new Set(chosen.flatMap(stage => stage.sources))].sort()
  return { stages: chosen.map(stage => stage.name), sources }
}

/** The stages `target` (default: the last stage) depends on, and the context paths they read. */
export function dockerfileDependencies(
  text: string,
  target: string | undefined,
  buildArgs: Record<string, string>
): Dependencies {
  return dependenciesOf(parseDockerfile(text), target, buildArgs)
}
