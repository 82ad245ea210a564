/**
 * The layers of docs/architecture.md, checked by `npm run lint`: a folder imports only from the
 * layers below it (and from itself), so data flows one way. Keep this table and the doc's in step.
 */

/** Bottom to top; folders on one row may not import each other. */
const LAYERS = [
  ['lib'],
  ['dataproc', 'kedro'],
  ['inputs'],
  ['plan'],
  ['clients'],
  ['steps'],
  ['deploy'],
  ['report'],
  ['github', 'cli']
]

/** One rule per folder: anything in src/ that is neither below it nor itself is forbidden. */
const layerRules = LAYERS.flatMap((row, level) =>
  row.map(folder => {
    const allowed = [...LAYERS.slice(0, level).flat(), folder, 'version\\.ts$']
    return {
      name: `layer-${folder}`,
      comment: `src/${folder}/ may import only from ${allowed.join(', ')} (docs/architecture.md)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})` }
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
