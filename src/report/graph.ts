/**
 * The pipeline as a picture GitHub renders: a Mermaid flowchart of the nodes that ran and the
 * datasets between them, each node coloured by its outcome, and a table of the slowest nodes.
 * Node and dataset names come from the project, so every label is written as Mermaid entity
 * codes outside a small safe set, and the graph is bounded (GitHub's Mermaid refuses large text
 * and many edges).
 */
import { escapeMarkdown } from './markdown.js'
import {
  pipelineReport,
  type NodeStatus,
  type PipelineNode,
  type PipelineReport
} from './pipeline.js'

/** Nodes drawn at most; a failed node is always among them. */
export const MAX_DRAWN_NODES = 40
/** Above this size the datasets are left out, so the nodes still show. */
const MAX_GRAPH_CHARS = 30_000
const SLOWEST = 5

const CLASS: Record<NodeStatus, string> = {
  completed: 'completed',
  failed: 'failed',
  'not run': 'notrun'
}
const ICON: Record<NodeStatus, string> = { completed: '✅', failed: '❌', 'not run': '⏸️' }

/** A label inside `"…"`: anything but letters, digits and a few marks becomes `#code;`. */
export function mermaidLabel(text: string): string {
  return [...text]
    .map(ch => (/[\p{L}\p{N} _.,:/-]/u.test(ch) ? ch : `#${ch.codePointAt(0)};`))
    .join('')
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`
  const whole = Math.round(seconds)
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`
}

/** Parameters are inputs of every node and would crowd the picture: not drawn. */
const isParameter = (name: string): boolean => name === 'parameters' || name.startsWith('params:')

/** The nodes to draw: the first ones in run order, every failed one kept. */
function drawn(nodes: readonly PipelineNode[]): PipelineNode[] {
  if (nodes.length <= MAX_DRAWN_NODES) return [...nodes]
  const failed = nodes.filter(node => node.status === 'failed')
  const room = Math.max(0, MAX_DRAWN_NODES - failed.length)
  const kept = new Set([
    ...nodes.filter(node => node.status !== 'failed').slice(0, room),
    ...failed
  ])
  return nodes.filter(node => kept.has(node))
}

function nodeLine(node: PipelineNode, id: string): string {
  const time = node.seconds === undefined ? '' : `<br/>${formatSeconds(node.seconds)}`
  return `  ${id}["${ICON[node.status]} ${mermaidLabel(node.name)}${time}"]:::${CLASS[node.status]}`
}

function flowchart(nodes: readonly PipelineNode[], withDatasets: boolean): string {
  const lines = [
    'flowchart LR',
    '  classDef completed fill:#dafbe1,stroke:#1a7f37,color:#0f5323',
    '  classDef failed fill:#ffebe9,stroke:#cf222e,color:#82071e,stroke-width:3px',
    '  classDef notrun fill:#f6f8fa,stroke:#8c959f,color:#57606a,stroke-dasharray:4 3',
    '  classDef dataset fill:#ffffff,stroke:#d0d7de,color:#57606a'
  ]
  const datasets = new Map<string, string>()
  const dataset = (name: string): string => {
    let id = datasets.get(name)
    if (id === undefined) {
      id = `d${datasets.size}`
      datasets.set(name, id)
      lines.push(`  ${id}[("${mermaidLabel(name)}")]:::dataset`)
    }
    return id
  }
  const producers = new Map<string, string>()
  nodes.forEach((node, index) => node.outputs.forEach(out => producers.set(out, `n${index}`)))
  nodes.forEach((node, index) => {
    const id = `n${index}`
    lines.push(nodeLine(node, id))
    for (const input of node.inputs.filter(name => !isParameter(name))) {
      if (withDatasets) lines.push(`  ${dataset(input)} --> ${id}`)
      else if (producers.has(input)) lines.push(`  ${producers.get(input)} --> ${id}`)
    }
    if (withDatasets)
      for (const output of node.outputs) lines.push(`  ${id} --> ${dataset(output)}`)
  })
  return lines.join('\n')
}

/** The Mermaid text (without its fence) of the pipeline. */
export function pipelineGraph(report: PipelineReport): string {
  const nodes = drawn(report.nodes)
  const full = flowchart(nodes, true)
  return full.length <= MAX_GRAPH_CHARS ? full : flowchart(nodes, false)
}

function counts(report: PipelineReport): string {
  const by = (status: NodeStatus) => report.nodes.filter(node => node.status === status).length
  const parts = [
    `${by('completed')} completed`,
    `${by('failed')} failed`,
    `${by('not run')} not run`
  ]
  const hidden = report.total - Math.min(report.nodes.length, MAX_DRAWN_NODES)
  return `${parts.join(', ')} of ${report.total} nodes${hidden > 0 ? ` (${hidden} not drawn)` : ''}`
}

/**
 * Markdown: the graph in a `mermaid` block, what the nodes came to, and the slowest nodes. Blank
 * lines around it, so it renders after HTML too.
 */
export function pipelineMarkdown(report: PipelineReport): string {
  const timed = report.nodes
    .filter(node => node.seconds !== undefined)
    .sort((a, b) => (b.seconds as number) - (a.seconds as number))
    .slice(0, SLOWEST)
  const table = timed.length
    ? [
        '| slowest nodes | outcome | time |',
        '| --- | --- | --- |',
        ...timed.map(
          node =>
            `| ${escapeMarkdown(node.name)} | ${ICON[node.status]} ${node.status} | ${formatSeconds(node.seconds as number)} |`
        )
      ]
    : []
  return [
    '',
    `**Pipeline**: ${counts(report)}`,
    '',
    '```mermaid',
    pipelineGraph(report),
    '```',
    '',
    ...table,
    ''
  ].join('\n')
}

/** The pipeline section of a run's report, when its driver output holds a pipeline report. */
export function pipelineSection(driverOutput: readonly string[]): string | undefined {
  const report = pipelineReport(driverOutput)
  return report && pipelineMarkdown(report)
}
