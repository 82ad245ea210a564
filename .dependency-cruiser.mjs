/**
 * The layers of docs/architecture.md, checked by `npm run lint`: a folder imports only from the
 * layers below it (and from itself), so data flows one way. Keep this table and the doc's in step.
 */

/** Bottom to top; entries on one row may not import each other. */
const LAYERS = [
  ['lib'],
  ['dataproc', 'kedro'],
  ['inputs'],
  ['plan'],
  ['clients'],
  ['steps'],
  ['cleanup'],
  ['preflight', 'deploy'],
  ['report'],
  ['github', 'cli']
]

/**
 * An entry is its folder, but for the Kedro pre-flight: two files in src/kedro/ that run the
 * project before anything is built, so they read the inputs, the plan and two steps.
 */
const PLACES = { preflight: 'kedro/(preflight|requirements)\\.ts$' }
const place = name => PLACES[name] ?? `${name}/`
/** What of a folder belongs to a higher entry (the pre-flight's files in kedro/). */
const elsewhere = name => Object.values(PLACES).filter(path => path.startsWith(`${name}/`))

/** One rule per entry: anything in src/ that is neither below it nor itself is forbidden. */
const layerRules = LAYERS.flatMap((row, level) =>
  row.map(name => {
    const names = [...LAYERS.slice(0, level).flat(), name]
    const allowed = names.map(place)
    // A folder allowed here may still hold files of a higher entry.
    const above = Object.keys(PLACES).filter(entry => !names.includes(entry))
    const not = above.length > 0 ? `(?!${above.map(place).join('|')})` : ''
    const from = { path: `^src/${place(name)}` }
    if (elsewhere(name).length > 0) from.pathNot = `^src/(${elsewhere(name).join('|')})`
    return {
      name: `layer-${name}`,
      comment: `src/${place(name)} may import only from ${allowed.join(', ')} (docs/architecture.md)`,
      severity: 'error',
      from,
      to: { path: '^src/', pathNot: `^src/${not}(${[...allowed, 'version\\.ts$'].join('|')})` }
    }
  })
)

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layerRules,
    {
      name: 'core-knows-no-front-end',
      comment: 'the core (all of src/ but github/, cli/ and the entry files) imports no @actions/*',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(github/|cli/|index\\.ts$|post-index\\.ts$)' },
      to: { path: '@actions/' }
    },
    {
      name: 'emulators-independent',
      comment: 'the local stack checks the action, so it shares none of its code',
      severity: 'error',
      from: { path: '^emulators/' },
      to: { path: '^src/' }
    },
    {
      name: 'no-circular',
      comment: 'a circle (types included) means two modules are one, or one is in the wrong layer',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing would hide an arrow from the rules above',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are arrows too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' }
  }
}
