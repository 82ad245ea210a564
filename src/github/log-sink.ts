import * as core from '@actions/core'
import type { LogSink } from '../lib/log.js'

/** The core's log in the runner's terms: annotations, masks and foldable groups. */
export const actionsLog: LogSink = {
  info: core.info,
  notice: core.notice,
  warning: core.warning,
  secret: core.setSecret,
  group: core.group
}
