import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTagFront, type TagFront } from '../../../emulators/registry-tags.js'

let backend: Server
let front: TagFront
let root: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kda-front-'))
  backend = createServer((_req, res) => res.end('x'.repeat(100_000)))
  await new Promise<void>(resolve => backend.listen(0, '127.0.0.1', resolve))
  front = await startTagFront('127.0.0.1', 0, (backend.address() as AddressInfo).port, root)
})
afterAll(async () => {
  await front.close()
  backend.closeAllConnections()
  await new Promise(resolve => backend.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

/** Keeps this process from serving its event loop, as a test reading image layers does. */
function busyFor(ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until);
}

test('a client that was busy for over 5 s reuses its idle connection to the front: no reset', async () => {
  const url = `http://127.0.0.1:${front.port}/v2/`
  expect((await (await fetch(url)).text()).length).toBe(100_000)
  // Idle, then busy past Node's default keepAliveTimeout (5 s), which closed the socket under the
  // next request.
  await new Promise(resolve => setTimeout(resolve, 1_000))
  busyFor(5_200)
  expect((await (await fetch(url)).text()).length).toBe(100_000)
})
