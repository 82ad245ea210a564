/**
 * Why a batch ended as it did, in one line a person can act on, from what the service says: the
 * shapes of its FAILED messages, and the state history of a CANCELLED batch (whose final record
 * has no state message).
 */
import { lastChain, rootCause } from './traceback.js'

export interface EndedBatch {
  stateHistory?: { stateMessage?: string | null }[] | null
}

const JOB_FAILED = /^Job failed with message \[([\s\S]*?)\]\.?(?:\s+Additional details|\s*$)/
const QUOTA =
  /Insufficient '([A-Z0-9_]+)' quota\. Requested (\d+(?:\.\d+)?), available (\d+(?:\.\d+)?)/
const AGENT = /^Google Cloud Dataproc Agent reports job failure\.?/
const NOT_READY = /The resource .* is not ready/

const number = (text: string): string => String(Number(text))
/** `ValueError: …`, `kedro.io.core.DatasetError: …`: how Python ends a traceback. */
const EXCEPTION = /^[A-Za-z_][\w.]*(Error|Exception)(: |$)/
/** An exception that only says the driver's child process failed, not why. */
const WRAPPER = /^(subprocess\.CalledProcessError|org\.apache\.spark\.SparkUserAppException)\b/

/**
 * The reason a batch failed. When the service names only how the driver ended (the entrypoint
 * runs Kedro as a child, so its exception is not the driver's), the driver output, which the step
 * streamed, says why: the innermost exception of its last traceback, or else its last exception
 * line. When the service quotes the driver's last exception, the innermost one leads.
 */
export function failureReason(stateMessage: string, driverOutput: readonly string[] = []): string {
  const reason = serviceReason(stateMessage)
  const quoted = quotedChain(reason, driverOutput)
  if (quoted) return quoted
  if (EXCEPTION.test(reason) && !WRAPPER.test(reason)) return reason
  const lastException = [...driverOutput]
    .reverse()
    .map(line => line.trim())
    .find(line => EXCEPTION.test(line) && !WRAPPER.test(line))
  const cause = [rootCause(driverOutput), lastException].find(
    found => found !== undefined && !WRAPPER.test(found)
  )
  return cause ? `${cause} (from the driver output; the service says: ${reason})` : reason
}

/** `omegaconf.errors.X: …` as rich prints it: `X: …`. */
const unqualified = (text: string): string =>
  text.replace(/^(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*(?::|$))/, '')

/**
 * The service's exception, whole and led by its cause, when it is the last one of the driver's
 * last traceback (the service keeps a message's first line, and only the outermost exception).
 */
function quotedChain(reason: string, driverOutput: readonly string[]): string | undefined {
  const chain = lastChain(driverOutput)
  if (!chain || WRAPPER.test(reason) || !/^[\w.]+: /.test(reason)) return undefined
  if (!unqualified(chain.outermost).startsWith(unqualified(reason))) return undefined
  if (chain.innermost === chain.outermost || WRAPPER.test(chain.innermost)) return chain.outermost
  return `${chain.innermost} (the cause of ${chain.outermost})`
}

function serviceReason(stateMessage: string): string {
  const message = stateMessage.trim()
  const quota = QUOTA.exec(message)
  if (quota) {
    const [, metric, requested, available] = quota as unknown as [string, string, string, string]
    return (
      `not enough ${metric} quota: the batch asked for ${number(requested)} and ${number(available)} ` +
      'were available. Request more quota (IAM & Admin → Quotas), lower spark.executor.instances, ' +
      'or run in another region'
    )
  }
  const job = JOB_FAILED.exec(message)
  if (job) return (job[1] as string).trim()
  if (NOT_READY.test(message)) {
    return `${firstLine(message)} (a known transient failure of the service: run it again)`
  }
  if (AGENT.test(message)) {
    const detail = message
      .replace(AGENT, '')
      .split('\n')
      .map(line => line.trim())
      .find(Boolean)
    return detail ? `Dataproc's agent reports a job failure: ${detail}` : firstLine(message)
  }
  return firstLine(message)
}

const firstLine = (text: string): string => text.split('\n')[0]?.trim() ?? ''

/** Who or what cancelled a batch, when this run did not. */
export function cancelReason(batch: EndedBatch, ttl: string | undefined): string {
  const said = (batch.stateHistory ?? []).map(entry => entry.stateMessage ?? '').join('\n')
  if (/ttl exceeded/i.test(said)) {
    return `Dataproc cancelled the batch when its ttl${ttl ? ` of ${ttl}` : ''} ran out; set ttl to allow a longer run`
  }
  return 'the batch was cancelled outside this run (by someone, or another tool); see the batch in the console'
}
