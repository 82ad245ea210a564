import * as core from '@actions/core'
import type { LogSink } from '../lib/log.js'

/** The core's log in the runner's terms: annotations, masks and foldable groups. */
export const actionsLog: LogSink = {
  info: message => core.info(message),
  notice: message => core.notice(message),
  warning: message => core.warning(message),
  secret: value => core.setSecret(value),
  group: (title, body) => core.group(title, body)
}
