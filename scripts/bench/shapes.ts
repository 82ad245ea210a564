/**
 * The repositories the benchmark measures, beyond the original one (repo.ts's repoPlan): shapes a
 * new user might bring, where the action cannot lean on a list of file extensions or on a small
 * tree. Each is a pure function of its seed, like repoPlan.
 *
 * - `unknown-binaries`: a Kedro project of about 2,000 files whose 50 MB of data are model files
 *   with extensions no list knows (`.bin`, `.weights`: random bytes).
 * - `large`: about 20,000 source and configuration files plus 400 MB of pickled models (`.pkl`,
 *   random bytes), from 100 KiB to 4 MiB each.
 */
import { readFileSync } from 'node:fs'
import {
  binary,
  DEFAULT_SEED,
  exampleFiles,
  PACKAGE,
  REFERENCE_ENTRYPOINT,
  parameters,
  prng,
  pythonModule,
  repoPlan,
  text,
  type PlannedFile,
  type RepoPlan
} from './repo.js'

export interface RepoShape {
  name: string
  /** One line for the table's title. */
  describe: string
  plan: () => RepoPlan
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** `packages` × `modules` Python files and `configs` parameter files, seeded. */
function sources(random: () => number, packages: number, modules: number, configs: number) {
  // The guide's submit script uploads its entrypoint from here.
  const files: PlannedFile[] = [
    ...exampleFiles(),
    text('scripts/dataproc/main.py', readFileSync(REFERENCE_ENTRYPOINT, 'utf8'))
  ]
  for (let p = 0; p < packages; p++) {
    const pkg = `${PACKAGE}/lib/pkg_${pad(p, 3)}`
    files.push(text(`${pkg}/__init__.py`, `"""Generated package ${p}."""\n`))
    for (let m = 0; m < modules; m++) {
      const name = `mod_${pad(m, 2)}`
      files.push(
        text(`${pkg}/${name}.py`, pythonModule(random, name, 2 + Math.floor(random() * 8)))
      )
    }
  }
  for (let c = 0; c < configs; c++) {
    const name = `params_${pad(c, 4)}`
    files.push(
      text(
        `conf/base/parameters/${name}.yml`,
        parameters(random, name, 5 + Math.floor(random() * 30))
      )
    )
  }
  return files
}

/** Uncommitted work on top, as in repoPlan: a few edited modules and new files. */
function work(random: () => number, committed: PlannedFile[]): Omit<RepoPlan, 'committed'> {
  const byPath = new Map(committed.map(file => [file.path, file]))
  const edit = (path: string): PlannedFile => {
    const base = (byPath.get(path) as PlannedFile).content().toString('utf8')
    return text(path, `${base}\ndef uncommitted_helper():\n    return "work in progress"\n`)
  }
  return {
    modified: [0, 3, 7].map(p => edit(`${PACKAGE}/lib/pkg_${pad(p, 3)}/mod_05.py`)),
    untracked: [
      text(`${PACKAGE}/lib/pkg_000/mod_new.py`, pythonModule(random, 'mod_new', 6)),
      text('conf/base/parameters/params_new.yml', parameters(random, 'params_new', 20))
    ]
  }
}

export function unknownBinariesPlan(seed = `${DEFAULT_SEED}/unknown-binaries`): RepoPlan {
  const random = prng(seed)
  const committed = sources(random, 40, 45, 120)
  // 50 MB of models in 50 files, half `.bin`, half `.weights`, 0.55-1.65 MB each.
  for (let m = 0; m < 50; m++) {
    const size = 550_000 + Math.floor(random() * 1_100_000)
    const extension = m % 2 === 0 ? 'bin' : 'weights'
    committed.push(binary(seed, `models/model_${pad(m, 2)}.${extension}`, size))
  }
  return { committed, ...work(random, committed) }
}

export function largePlan(seed = `${DEFAULT_SEED}/large`): RepoPlan {
  const random = prng(seed)
  const committed = sources(random, 400, 48, 600)
  // 400 MB of pickled models: 300 small ones read whole (100-300 KiB) and 160 streamed (1-4 MiB).
  for (let m = 0; m < 300; m++) {
    const size = 100 * 1024 + Math.floor(random() * 200 * 1024)
    committed.push(binary(seed, `models/small/model_${pad(m, 3)}.pkl`, size))
  }
  for (let m = 0; m < 160; m++) {
    const size = 1024 * 1024 + Math.floor(random() * 3 * 1024 * 1024)
    committed.push(binary(seed, `models/large/model_${pad(m, 3)}.pkl`, size))
  }
  return { committed, ...work(random, committed) }
}

export const SHAPES: RepoShape[] = [
  {
    name: 'current',
    describe: 'the Kedro-shaped repository, data mostly .parquet/.csv.gz',
    plan: () => repoPlan()
  },
  {
    name: 'unknown-binaries',
    describe: '2,000 files, 50 MB of random .bin/.weights models',
    plan: () => unknownBinariesPlan()
  },
  {
    name: 'large',
    describe: '20,000 files, 400 MB of random .pkl models',
    plan: () => largePlan()
  }
]
