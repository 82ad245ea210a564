import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BRANCH,
  diskBytes,
  gitCounts,
  materialize,
  planStats,
  repoPlan,
  type PlannedFile
} from '../../scripts/bench/repo.js'
import { largePlan, SHAPES, unknownBinariesPlan } from '../../scripts/bench/shapes.js'
import { git } from '../helpers/git.js'

/**
 * The benchmark's generated repository (scripts/bench/repo.ts) must be as large as the benchmark
 * claims, and the same on every run, or its figures are not comparable from one run to the next.
 */

const shape = (files: PlannedFile[]): string[] => files.map(file => `${file.path} ${file.size}`)
const digest = (file: PlannedFile): string =>
  createHash('sha256').update(file.content()).digest('hex')

test('the plan is at least 2,000 files and 50 MiB, much of it already compressed', () => {
  const stats = planStats(repoPlan())
  expect(stats.files).toBeGreaterThanOrEqual(2000)
  expect(stats.bytes).toBeGreaterThanOrEqual(50 * 1024 * 1024)
  expect(stats.incompressibleBytes).toBeGreaterThan(stats.bytes / 2)
})

test('the other repositories are as issue #20 describes them, their binaries named as no list knows', () => {
  const unknown = planStats(unknownBinariesPlan())
  expect(unknown.files).toBeGreaterThanOrEqual(2000)
  expect(unknown.incompressibleBytes).toBeGreaterThanOrEqual(50_000_000)
  const binaries = unknownBinariesPlan().committed.filter(file => file.random)
  expect(new Set(binaries.map(file => file.path.split('.').pop()))).toEqual(
    new Set(['bin', 'weights'])
  )
  const large = planStats(largePlan())
  expect(large.files).toBeGreaterThanOrEqual(20_000)
  expect(large.incompressibleBytes).toBeGreaterThanOrEqual(400 * 1024 * 1024)
  // Both sides of the snapshot's read-whole limit (1 MiB).
  const models = largePlan().committed.filter(file => file.path.endsWith('.pkl'))
  expect(models.some(file => file.size < 1024 * 1024)).toBe(true)
  expect(models.some(file => file.size > 1024 * 1024)).toBe(true)
  expect(SHAPES.map(shape => shape.name)).toEqual(['current', 'unknown-binaries', 'large'])
})

test('the plan is deterministic: same seed, same paths, sizes and bytes; another seed differs', () => {
  const first = repoPlan()
  const second = repoPlan()
  for (const part of ['committed', 'modified', 'untracked'] as const) {
    expect(shape(second[part])).toEqual(shape(first[part]))
  }
  const sample = (plan: typeof first): string[] =>
    [plan.committed[0], plan.committed[500], plan.committed.at(-1), plan.modified.at(-1)].map(
      file => digest(file as PlannedFile)
    )
  expect(sample(second)).toEqual(sample(first))
  expect(sample(repoPlan('another seed'))).not.toEqual(sample(first))
})

test('the plan declares each file with the size of its content', () => {
  const plan = repoPlan()
  for (const file of [...plan.committed.slice(0, 50), ...plan.modified, ...plan.untracked]) {
    expect(file.content().length).toBe(file.size)
  }
})

describe('a materialized repository', () => {
  const plan = repoPlan()
  let dir: string

  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'bench-repo-')), 'repo')
    materialize(plan, dir)
  })
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }))

  test('has the committed tree on main and the uncommitted work on the feature branch', () => {
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe(BRANCH)
    expect(gitCounts(dir)).toEqual({
      tracked: plan.committed.length,
      untracked: plan.untracked.length,
      modified: plan.modified.length
    })
  })

  test('holds on disk what the plan says', () => {
    const tree = new Map<string, PlannedFile>()
    for (const file of [...plan.committed, ...plan.modified, ...plan.untracked]) {
      tree.set(file.path, file)
    }
    const paths = [...tree.keys()]
    expect(diskBytes(dir, paths)).toBe(planStats(plan).bytes)
  })
})
