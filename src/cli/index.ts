#!/usr/bin/env node
import { fileURLToPath } from 'node:url'
import { main } from './main.js'

/**
 * `dist/cli.js` sits one level below the package's root, beside `entrypoint/`, as dist/index.js
 * does (src/github/main.ts). Resolved here, in the entry module, because the bundle keeps this
 * module in dist/cli.js itself, whereas shared code may move into dist/chunks/.
 */
const SHIPPED_ENTRYPOINT = fileURLToPath(new URL('../entrypoint/entrypoint.py', import.meta.url))

// `kedro-dataproc run | head`: a reader that has gone away leaves the run to finish (and the
// batch to be followed to its end) rather than crashing it with EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
})

process.exitCode = await main(process.argv.slice(2), { shippedEntrypoint: SHIPPED_ENTRYPOINT })
