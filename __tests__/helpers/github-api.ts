/**
 * A local stand-in for the part of GitHub's REST API that the pull-request comment uses: list
 * (paginated with Link headers, as GitHub does), create and update issue comments. Octokit talks
 * to it over real HTTP, so requests, headers and pagination are exercised as they are in Actions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StoredComment {
  id: number
  issue: string // owner/repo#number
  body: string
  user: string
}

export interface RecordedRequest {
  method: string
  path: string
  authorization: string | undefined
}

export type Operation = 'list' | 'create' | 'update'

export interface GitHubApi {
  url: string
  token: string
  comments: StoredComment[]
  requests: RecordedRequest[]
  /**
   * Operations answered with an error status: 403 like a token without `pull-requests: write`,
   * 404 like a private repository the token cannot see.
   */
  deny: Map<Operation, 403 | 404>
  /** Adds a comment as another author would, returning its id. */
  seed(repository: string, pullRequest: number, body: string, user?: string): number
  reset(): void
  close(): Promise<void>
}

const LIST = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/
const UPDATE = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/
const BOT = 'github-actions[bot]'

export async function startGitHubApi(token = 'ghs_test_token'): Promise<GitHubApi> {
  let nextId = 1000
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }))
  })
  const api: GitHubApi = {
    url: '',
    token,
    comments: [],
    requests: [],
    deny: new Map(),
    seed(repository, pullRequest, body, user = 'someone') {
      const id = nextId++
      api.comments.push({ id, issue: `${repository}#${pullRequest}`, body, user })
      return id
    },
    reset() {
      api.comments.length = 0
      api.requests.length = 0
      api.deny.clear()
    },
    close: () =>
      new Promise<void>((resolve, reject) => server.close(e => (e ? reject(e) : resolve())))
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', api.url)
    const method = req.method ?? 'GET'
    api.requests.push({
      method,
      path: url.pathname + url.search,
      authorization: req.headers.authorization
    })
    if (req.headers.authorization !== `token ${token}`) {
      return send(res, 401, { message: 'Bad credentials' })
    }
    const list = LIST.exec(url.pathname)
    const update = UPDATE.exec(url.pathname)
    if (list && method === 'GET') {
      if (api.deny.has('list')) return refuse(res, api.deny.get('list'))
      const issue = `${list[1]}/${list[2]}#${list[3]}`
      const all = api.comments.filter(c => c.issue === issue).sort((a, b) => a.id - b.id)
      // GitHub's defaults: 30 a page, at most 100.
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
      const page = Number(url.searchParams.get('page') ?? 1)
      const lastPage = Math.max(1, Math.ceil(all.length / perPage))
      if (page < lastPage) {
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        const last = new URL(url)
        last.searchParams.set('page', String(lastPage))
        res.setHeader('link', `<${next.href}>; rel="next", <${last.href}>; rel="last"`)
      }
      const slice = all.slice((page - 1) * perPage, page * perPage)
      return send(res, 200, slice.map(render))
    }
    if (list && method === 'POST') {
      if (api.deny.has('create')) return refuse(res, api.deny.get('create'))
      const { body } = JSON.parse(await readBody(req)) as { body: string }
      const id = api.seed(`${list[1]}/${list[2]}`, Number(list[3]), body, BOT)
      return send(res, 201, render(find(id)))
    }
    if (update && method === 'PATCH') {
      if (api.deny.has('update')) return refuse(res, api.deny.get('update'))
      const comment = api.comments.find(c => c.id === Number(update[3]))
      if (!comment || !comment.issue.startsWith(`${update[1]}/${update[2]}#`)) {
        return send(res, 404, { message: 'Not Found' })
      }
      comment.body = (JSON.parse(await readBody(req)) as { body: string }).body
      return send(res, 200, render(comment))
    }
    send(res, 404, { message: 'Not Found' })
  }

  function find(id: number): StoredComment {
    const comment = api.comments.find(c => c.id === id)
    if (!comment) throw new Error(`no comment ${id}`)
    return comment
  }

  function render(comment: StoredComment): Record<string, unknown> {
    const [repository, number] = comment.issue.split('#')
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${api.url}/repos/${repository}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${repository}/pull/${number}#issuecomment-${comment.id}`,
      body: comment.body,
      user: { login: comment.user, type: comment.user === BOT ? 'Bot' : 'User' },
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z'
    }
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return api
}

// GitHub's own bodies for these refusals.
function refuse(res: ServerResponse, status: 403 | 404 | undefined): void {
  if (status === 404) {
    return send(res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/issues/comments',
      status: '404'
    })
  }
  send(res, 403, {
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    status: '403'
  })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
