import {
  BATCH_ID_PATTERN,
  IMAGE_TAG_PATTERN,
  LABEL_VALUE_PATTERN,
  REQUEST_ID_PATTERN
} from '../../src/dataproc/names.js'
import { batchId, branchSlug, fit, imageTag, labelValue, requestId } from '../../src/plan/naming.js'

const LONG = `feature/ÜBER--long${'-x'.repeat(91)}`
const HOSTILE = [
  LONG,
  'a',
  'release/v1.2',
  '-x-',
  'feat/$(rm -rf)',
  'UPPER/Case',
  'ü',
  '---',
  'dependabot/npm_and_yarn/@types/node-24.0.1'
]

test('the hostile branch is 200 characters long', () => expect(LONG).toHaveLength(200))

test.each([
  ['feature/new-model', 'feature-new-model-'],
  ['feature/ÜBER--long', 'feature-BER-long-'],
  ['release/v1.2', 'release-v1-2-'],
  ['-x-', '-x-'],
  ['a', 'a'],
  ['main', 'main'],
  ['feat-x', 'feat-x'],
  ['feat/$(rm -rf)', 'feat-rm-rf-'],
  ['///', '']
])('branch %s has slug %s… (every run of other characters becomes one -)', (branch, head) => {
  const slug = branchSlug(branch)
  if (slug === branch) expect(slug).toBe(head)
  else expect(slug).toMatch(new RegExp(`^${head.replace(/[-]/g, '\\-')}[0-9a-f]{6}$`))
  expect(branchSlug(branch)).toBe(slug)
})

describe('branches that the reference rule would put in one folder', () => {
  const branches = ['feat-x', 'feat/x', 'feat_x', 'feat.x', 'feat//x', 'feat/x/']
  const slugs = branches.map(branchSlug)

  test('get distinct slugs; only the ones that differ from their branch gain a suffix', () => {
    expect(new Set(slugs).size).toBe(branches.length)
    expect(slugs[0]).toBe('feat-x')
    for (const slug of slugs.slice(1)) expect(slug).toMatch(/^feat-x-[0-9a-f]{6}$/)
  })

  test('and distinct image tags, labels and batch ids', () => {
    expect(new Set(slugs.map(imageTag)).size).toBe(branches.length)
    expect(new Set(slugs.map(labelValue)).size).toBe(branches.length)
    expect(new Set(slugs.map(slug => batchId(['kedro', 'dev', slug], 'same'))).size).toBe(
      branches.length
    )
  })
})

describe.each(HOSTILE)('names made from branch %j', branch => {
  const slug = branchSlug(branch)

  test('the slug is safe for a GCS path segment', () => {
    expect(slug).toMatch(/^[A-Za-z0-9-]*$/)
  })

  test('the image tag obeys the registry rules', () => {
    expect(imageTag(slug)).toMatch(IMAGE_TAG_PATTERN)
  })

  test('the label value obeys the label rules', () => {
    expect(labelValue(slug)).toMatch(LABEL_VALUE_PATTERN)
  })

  test('batch ids obey the Dataproc rules and differ across attempts', () => {
    const first = batchId(['kedro', 'dev', slug], 'run-1\nattempt-1')
    const second = batchId(['kedro', 'dev', slug], 'run-1\nattempt-2')
    expect(first).toMatch(BATCH_ID_PATTERN)
    expect(second).toMatch(BATCH_ID_PATTERN)
    expect(first).not.toBe(second)
    expect(batchId(['kedro', 'dev', slug], 'run-1\nattempt-1')).toBe(first)
  })
})

test('a name that has to be cut keeps a hash of the whole, so long names stay distinct', () => {
  const a = fit(`${'x'.repeat(70)}-a`, 63)
  const b = fit(`${'x'.repeat(70)}-b`, 63)
  expect(a).toHaveLength(63)
  expect(b).toHaveLength(63)
  expect(a).not.toBe(b)
  expect(fit('short', 63)).toBe('short')
})

test('image tags never start with . or -, and fall back when nothing is left', () => {
  expect(imageTag('-x-')).toBe('x-')
  expect(imageTag('.hidden')).toBe('hidden')
  expect(imageTag('---')).toBe('untagged')
  expect(imageTag('v1.2.3')).toBe('v1.2.3')
  expect(imageTag('a'.repeat(200))).toHaveLength(128)
})

test('batch ids are at most 63 characters and keep their hash when the readable part is long', () => {
  const id = batchId(['kedro', 'dev', 'a'.repeat(300)], 'key')
  expect(id).toHaveLength(63)
  expect(id.endsWith(`-${id.slice(-8)}`)).toBe(true)
  expect(batchId(['---'], 'key')).toMatch(/^batch-[0-9a-f]{8}$/)
})

test('request ids are deterministic per batch and valid', () => {
  expect(requestId('b1')).toBe(requestId('b1'))
  expect(requestId('b1')).not.toBe(requestId('b2'))
  expect(requestId('b1')).toMatch(REQUEST_ID_PATTERN)
})
