/**
 * The pipeline that ran, as the entrypoint's Kedro hook saw it: each node's datasets, outcome and
 * duration, and for a failed node the line of the project's code that raised. The entrypoint
 * prints it in one line of the driver output (`[kedro-dataproc] pipeline: {json}`); the driver
 * output is the project's, so every field is checked before use.
 */

export type NodeStatus = 'completed' | 'failed' | 'not run'

export interface PipelineNode {
  name: string
  inputs: string[]
  outputs: string[]
  status: NodeStatus
  seconds?: number
  /** The innermost exception, for a failed node. */
  error?: string
  /** Where the project's own code raised, relative to the project directory. */
  file?: string
  line?: number
}

export interface PipelineReport {
  nodes: PipelineNode[]
  /** How many nodes the pipeline has; more than `nodes` holds when the hook capped it. */
  total: number
}

const MARKER = '[kedro-dataproc] pipeline: '
const STATUSES: readonly string[] = ['completed', 'failed', 'not run']

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every(item => typeof item === 'string') ? value : undefined

function nodeOf(value: unknown): PipelineNode | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const raw = value as Record<string, unknown>
  const inputs = strings(raw.inputs)
  const outputs = strings(raw.outputs)
  if (typeof raw.name !== 'string' || !inputs || !outputs) return undefined
  if (typeof raw.status !== 'string' || !STATUSES.includes(raw.status)) return undefined
  const node: PipelineNode = { name: raw.name, inputs, outputs, status: raw.status as NodeStatus }
  if (typeof raw.seconds === 'number' && Number.isFinite(raw.seconds) && raw.seconds >= 0)
    node.seconds = raw.seconds
  if (typeof raw.error === 'string') node.error = raw.error
  const line = raw.line
  if (typeof raw.file === 'string' && typeof line === 'number' && Number.isInteger(line)) {
    node.file = raw.file
    node.line = line
  }
  return node
}

/** The report in the driver output (its last one), or undefined when there is none or it is malformed. */
export function pipelineReport(output: readonly string[]): PipelineReport | undefined {
  const line = output.findLast(text => text.startsWith(MARKER))
  if (line === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(line.slice(MARKER.length))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { nodes, total } = parsed as Record<string, unknown>
  if (!Array.isArray(nodes) || typeof total !== 'number') return undefined
  const checked = nodes.map(nodeOf)
  if (checked.some(node => node === undefined)) return undefined
  return { nodes: checked as PipelineNode[], total: Math.max(total, checked.length) }
}

/** The nodes that failed, in the order they ran. */
export const failedNodes = (report: PipelineReport | undefined): PipelineNode[] =>
  report?.nodes.filter(node => node.status === 'failed') ?? []
