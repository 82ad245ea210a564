import {
  renderPrComment,
  upsertPrComment,
  type PrCommentOptions
} from '../../src/github/pr-comment.js'
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js'

let api: GitHubApi

beforeAll(async () => {
  api = await startGitHubApi()
})
afterAll(async () => {
  await api.close()
})
beforeEach(() => api.reset())

const REPOSITORY = 'acme/spaceflights'
const MARKER = 'kedro-dataproc-action:dataproc-dev:run:dev:.'

function options(body: string, overrides: Partial<PrCommentOptions> = {}): PrCommentOptions {
  return {
    token: api.token,
    apiUrl: api.url,
    repository: REPOSITORY,
    pullRequest: 7,
    marker: MARKER,
    body,
    ...overrides
  }
}

const ours = () => api.comments.filter(c => c.body.includes(`<!-- ${MARKER} -->`))

test('the first run creates one comment carrying the hidden marker', async () => {
  const result = await upsertPrComment(options('first run'))
  expect(result).toEqual({ action: 'created', url: expect.stringContaining('#issuecomment-') })
  expect(api.comments).toHaveLength(1)
  expect(api.comments[0]?.body).toBe(`<!-- ${MARKER} -->\nfirst run`)
  expect(api.comments[0]?.issue).toBe(`${REPOSITORY}#7`)
  expect(api.requests.every(r => r.authorization === `token ${api.token}`)).toBe(true)
})

test('a later run updates the same comment instead of adding a second', async () => {
  const first = await upsertPrComment(options('first run'))
  const second = await upsertPrComment(options('second run'))
  expect(second).toEqual({ action: 'updated', url: (first as { url: string }).url })
  expect(api.comments).toHaveLength(1)
  expect(api.comments[0]?.body).toBe(`<!-- ${MARKER} -->\nsecond run`)
  expect(api.requests.filter(r => r.method === 'PATCH')).toHaveLength(1)
})

test('comments of other workflows, configurations and people are left alone', async () => {
  const others = [
    api.seed(REPOSITORY, 7, '<!-- kedro-dataproc-action:dataproc-dev:run:prod:. -->\nprod'),
    // The marker of another working directory starts with ours: only the whole marker matches.
    api.seed(REPOSITORY, 7, `<!-- ${MARKER}/sub -->\nsubproject`),
    api.seed(REPOSITORY, 7, 'LGTM'),
    // The same marker on another pull request is another comment.
    api.seed(REPOSITORY, 8, `<!-- ${MARKER} -->\nother PR`)
  ]
  const before = api.comments.map(c => ({ ...c }))
  const result = await upsertPrComment(options('mine'))
  expect(result.action).toBe('created')
  for (const id of others) {
    expect(api.comments.find(c => c.id === id)).toEqual(before.find(c => c.id === id))
  }
  expect(ours().filter(c => c.issue === `${REPOSITORY}#7`)).toHaveLength(1)
})

test('a comment on a later page is found and updated', async () => {
  for (let i = 0; i < 130; i++) api.seed(REPOSITORY, 7, `chatter ${i}`)
  const id = api.seed(REPOSITORY, 7, `<!-- ${MARKER} -->\nold`)
  const result = await upsertPrComment(options('new'))
  expect(result).toEqual({ action: 'updated', url: expect.stringContaining(`#issuecomment-${id}`) })
  expect(api.comments.find(c => c.id === id)?.body).toBe(`<!-- ${MARKER} -->\nnew`)
  expect(ours()).toHaveLength(1)
  const pages = api.requests.filter(r => r.method === 'GET').map(r => r.path)
  expect(pages).toEqual([
    expect.stringMatching(/per_page=100(?!.*page=2)/),
    expect.stringMatching(/page=2/)
  ])
})

test('a marker with `>` cannot close the HTML comment early', async () => {
  await upsertPrComment(options('body', { marker: 'wf --> <b>x</b>' }))
  expect(api.comments[0]?.body).toBe('<!-- wf --&gt; <b&gt;x</b&gt; -->\nbody')
  expect((await upsertPrComment(options('again', { marker: 'wf --> <b>x</b>' }))).action).toBe(
    'updated'
  )
})

test.each([['create' as const], ['update' as const], ['list' as const]])(
  'a 403 on %s (no pull-requests: write, or a fork) skips with the permission to grant',
  async operation => {
    if (operation === 'update') api.seed(REPOSITORY, 7, `<!-- ${MARKER} -->\nold`)
    api.deny.set(operation, 403)
    const result = await upsertPrComment(options('body'))
    expect(result).toEqual({
      action: 'skipped',
      reason: expect.stringContaining('pull-requests: write')
    })
    expect((result as { reason: string }).reason).toContain('403')
    expect(ours().filter(c => c.body.endsWith('\nbody'))).toHaveLength(0)
  }
)

test('a repository the token cannot see (404) is skipped, not thrown', async () => {
  api.deny.set('list', 404)
  const result = await upsertPrComment(options('body'))
  expect(result).toEqual({ action: 'skipped', reason: expect.stringContaining('404') })
  expect(api.comments).toHaveLength(0)
})

test('other errors are thrown', async () => {
  await expect(upsertPrComment(options('body', { token: 'wrong' }))).rejects.toThrow(
    /Bad credentials/
  )
})

describe('renderPrComment', () => {
  const base = {
    state: 'SUCCEEDED',
    batchId: 'feat-x-r17-a1-3f2a',
    consoleUrl:
      'https://console.cloud.google.com/dataproc/batches/europe-west1/feat-x-r17-a1-3f2a?project=p',
    logsUrl: 'https://console.cloud.google.com/logs/query;query=x?project=p',
    durationSeconds: 252,
    runId: 'feat-x-r17-a1',
    branch: 'feat/x',
    kedroCommand: 'kedro run --pipeline=data_processing',
    image: 'europe-west1-docker.pkg.dev/p/kedro/spaceflights@sha256:abc',
    runUrl: 'https://github.com/acme/spaceflights/actions/runs/1/attempts/1'
  }

  test('shows state, duration, batch id, links and the run arguments', () => {
    const body = renderPrComment(base)
    expect(body).toContain('### ✅ Kedro on Dataproc: SUCCEEDED in 4m 12s')
    expect(body).toContain(`[\`feat-x-r17-a1-3f2a\`](${base.consoleUrl})`)
    expect(body).toContain(`[driver output](${base.logsUrl})`)
    expect(body).toContain(`[logs and artifacts](${base.runUrl})`)
    expect(body).toContain('```shell\nkedro run --pipeline=data_processing\n```')
    expect(body).toContain('`feat/x`')
    expect(body.length).toBeLessThan(2000)
  })

  test('hostile branch and arguments are escaped, never markup', () => {
    const body = renderPrComment({
      ...base,
      state: 'FAILED',
      branch: 'feat/<script>alert(1)</script>|x`y',
      kedroCommand: 'kedro run --params="a=`whoami`|b" ```\n<img src=x onerror=alert(1)>',
      stateMessage: 'Driver exited 1 | see <logs> ```',
      runId: 'r|1'
    })
    expect(body).toContain('### ❌ Kedro on Dataproc: FAILED')
    // The branch sits in a code span (HTML shows literally) with its pipe escaped for the table.
    expect(body).toContain('| Branch | ``feat/<script>alert(1)</script>\\|x`y`` |')
    expect(body).toContain('| Run id | `r\\|1` |')
    // The arguments' fence is longer than the ``` they contain, so they cannot close it.
    expect(body).toContain(
      '````shell\nkedro run --params="a=`whoami`|b" ```\n<img src=x onerror=alert(1)>\n````'
    )
    expect(body).toContain('````text\nDriver exited 1 | see <logs> ```\n````')
    // Every table row keeps exactly its three unescaped cell separators.
    for (const row of body.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| |'))) {
      expect(row.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(3)
    }
  })

  test('a state from outside the known set is escaped and gets a neutral icon', () => {
    const body = renderPrComment({ ...base, state: '<b>WEIRD</b>|*', durationSeconds: undefined })
    expect(body.split('\n')[0]).toBe('### ℹ️ Kedro on Dataproc: &lt;b&gt;WEIRD&lt;/b&gt;\\|\\*')
  })

  test('huge arguments and messages stay under the comment limit', () => {
    const body = renderPrComment({
      ...base,
      kedroCommand: 'x'.repeat(200_000),
      stateMessage: '`'.repeat(100_000),
      branch: 'b'.repeat(100_000)
    })
    expect(body.length).toBeLessThan(65_536 / 2)
    expect(body).toContain('(truncated)')
  })
})
