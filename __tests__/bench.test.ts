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
} from '../scripts/bench/repo.js'
import { git } from './helpers/git.js'

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
  expect(stats.compressedBytes).toBeGreaterThan(stats.bytes / 2)
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
  }, 120_000)
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
