/**
 * The sticky pull-request comment: one per workflow, job, environment and working-directory, found again by
 * a hidden marker and edited in place, so a pull request shows the latest run instead of a stream.
 */
import type { getOctokit } from '@actions/github'
import { stateIcon } from '../report/icons.js'
import { escapeMarkdown } from '../report/markdown.js'
import { errorMessage, httpStatus } from '../lib/errors.js'

export interface PrCommentOptions {
  token: string
  /** GITHUB_API_URL, e.g. https://api.github.com. */
  apiUrl: string
  /** owner/name */
  repository: string
  pullRequest: number
  /** Names the workflow, job, environment and working-directory; embedded as an HTML comment. */
  marker: string
  /** Markdown rendered by the caller (renderPrComment). */
  body: string
}

export type PrCommentResult =
  { action: 'created' | 'updated'; url: string } | { action: 'skipped'; reason: string }

// GitHub refuses a comment body longer than this many characters.
const GITHUB_COMMENT_LIMIT = 65_536
// Caps on the free-text fields keep a rendered comment far below the limit.
const MAX_ARGS_CHARS = 8_000
const MAX_MESSAGE_CHARS = 4_000
const MAX_FIELD_CHARS = 500

/** The hidden line that identifies the comment; the whole `<!-- … -->` is matched, not a prefix. */
function markerLine(marker: string): string {
  // A `>` in the marker could close the HTML comment early and show the rest on the page.
  return `<!-- ${marker.replace(/>/g, '&gt;')} -->`
}

export async function upsertPrComment(options: PrCommentOptions): Promise<PrCommentResult> {
  const [owner, repo, ...rest] = options.repository.split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new Error(`repository must be owner/name, got '${options.repository}'`)
  }
  const marker = markerLine(options.marker)
  const body = truncate(`${marker}\n${options.body}`, GITHUB_COMMENT_LIMIT)
  // Loaded when a comment is written: most runs write none, and Octokit is a tenth of the bundle.
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl })
  const issue = { owner, repo, issue_number: options.pullRequest }
  try {
    const existing = await findComment(octokit, issue, marker)
    if (existing !== undefined) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing,
        body
      })
      return { action: 'updated', url: data.html_url }
    }
    const { data } = await octokit.rest.issues.createComment({ ...issue, body })
    return { action: 'created', url: data.html_url }
  } catch (error) {
    const status = httpStatus(error)
    if (status === 403 || status === 404) {
      const message = errorMessage(error)
      return {
        action: 'skipped',
        reason:
          `the token may not comment on pull request #${options.pullRequest} of ${options.repository} ` +
          `(HTTP ${status}: ${message}) — grant the job \`permissions: pull-requests: write\` ` +
          `(or \`issues: write\`); a pull request from a fork gets a read-only token, so there is no comment there`
      }
    }
    throw error
  }
}

type Octokit = ReturnType<typeof getOctokit>

/** The id of the first comment carrying the marker, reading page after page until it is found. */
async function findComment(
  octokit: Octokit,
  issue: { owner: string; repo: string; issue_number: number },
  marker: string
): Promise<number | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...issue,
    per_page: 100
  })
  for await (const { data } of pages) {
    const found = data.find(comment => comment.body?.includes(marker))
    if (found) return found.id
  }
  return undefined
}

export interface PrCommentInput {
  state: string
  batchId: string
  consoleUrl: string
  logsUrl: string
  durationSeconds?: number
  runId: string
  branch: string
  kedroCommand: string
  image: string
  runUrl?: string
  stateMessage?: string
  /** The pipeline as a Mermaid graph and table (Markdown, escaped by its maker). */
  pipeline?: string
}

/** Compact markdown for the comment; every value that comes from users or services is escaped. */
export function renderPrComment(input: PrCommentInput): string {
  const icon = stateIcon(input.state)
  const duration =
    input.durationSeconds === undefined ? '' : ` in ${formatDuration(input.durationSeconds)}`
  const rows: [string, string][] = [
    [
      'Batch',
      `${link(cell(input.batchId), input.consoleUrl)} · ${link('driver output', input.logsUrl)}`
    ],
    ['Run id', cell(input.runId)],
    ['Branch', cell(input.branch)],
    ['Image', cell(input.image)]
  ]
  if (input.runUrl) rows.push(['Workflow run', link('logs and artifacts', input.runUrl)])
  const lines = [
    `### ${icon} Kedro on Dataproc: ${escapeMarkdown(input.state)}${duration}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([key, value]) => `| ${key} | ${value} |`),
    '',
    fenced(truncate(input.kedroCommand, MAX_ARGS_CHARS), 'shell')
  ]
  if (input.stateMessage) {
    lines.push('', fenced(truncate(input.stateMessage, MAX_MESSAGE_CHARS), 'text'))
  }
  if (input.pipeline) lines.push(input.pipeline)
  return lines.join('\n') + '\n'
}

function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`
  return `${s}s`
}

/**
 * A code span for a table cell. A fence longer than any backtick run inside keeps backticks
 * literal; `\|` keeps a pipe from splitting the cell (GFM unescapes it inside code spans too);
 * a code span shows `<`, `>` and `&` literally, so HTML needs no escaping.
 */
function cell(text: string): string {
  const flat = truncate(text, MAX_FIELD_CHARS).replace(/\s+/g, ' ')
  if (flat === '') return '—'
  const fence = '`'.repeat(longestRun(flat, '`') + 1)
  // Spaces around the content keep a leading or trailing backtick apart from the fence.
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`
}

/** A fenced block longer than any backtick run inside, so the content cannot close it. */
function fenced(text: string, language: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1))
  return `${fence}${language}\n${text}\n${fence}`
}

/** A link whose text is already markdown; the URL is percent-encoded where markdown would cut it. */
function link(markdown: string, url: string): string {
  const safe = url.replace(/[\s()<>|\\`]/g, c => encodeURIComponent(c))
  return `[${markdown}](${safe})`
}

function longestRun(text: string, char: string): number {
  let longest = 0
  let run = 0
  for (const c of text) {
    run = c === char ? run + 1 : 0
    longest = Math.max(longest, run)
  }
  return longest
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const note = '… (truncated)'
  return text.slice(0, max - note.length) + note
}
