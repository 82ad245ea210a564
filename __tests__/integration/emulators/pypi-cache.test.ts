import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_DRIVER_ENV } from '../../../emulators/dataproc/spark.js'
import { freePort } from '../../../emulators/proc.js'
import { pypiCachePython } from '../../../emulators/pypi-cache.js'

// The server alone, on a port and a users' directory of its own, so no stack of this test run
// keeps it alive. scripts/driver-env.sh installs it; CI fails here when it did not.
const PYTHON = pypiCachePython(DEFAULT_DRIVER_ENV)
const SERVER_DIR = new URL('../../../emulators/pypi-cache/', import.meta.url).pathname

let dir: string
const started: ChildProcess[] = []

beforeAll(() => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/driver-env.sh`)
  dir = mkdtempSync(join(tmpdir(), 'kda-pypi-cache-'))
})
afterAll(() => {
  for (const child of started) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

interface Server {
  port: number
  users: string
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** serve.py, or a script that imports it, with the port and users' directory, then `extra`. */
async function serve(name: string, program: string[], extra: string[] = []): Promise<Server> {
  const port = await freePort()
  const users = join(dir, `users-${name}`)
  mkdirSync(users)
  let output = ''
  const child = spawn(PYTHON, [...program, String(port), users, ...extra], {
    cwd: SERVER_DIR,
    env: { ...process.env, PROXPI_CACHE_DIR: join(dir, `files-${name}`) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  started.push(child)
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>(resolve => child.on('exit', resolve))
  return { port, users, child, output: () => output, exited }
}

/** Polls until `ready` holds or the process has ended; whether it holds. */
async function until(ready: () => Promise<boolean> | boolean, child: ChildProcess) {
  while (child.exitCode === null && child.signalCode === null) {
    if (await ready()) return true
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  return ready()
}

async function answers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).ok
  } catch {
    return false
  }
}

test('serves while a registered process lives, and stops once none is left', async () => {
  const server = await serve('plain', ['serve.py'])
  // This process is the user; a dead process id counts as gone.
  writeFileSync(join(server.users, `${process.pid}-test`), '')
  writeFileSync(join(server.users, '999999999-gone'), '')
  expect(await until(() => answers(server.port), server.child)).toBe(true)
  // Past the grace period (10 s) with a user left: still serving.
  await new Promise(resolve => setTimeout(resolve, 12_000))
  expect(await answers(server.port)).toBe(true)
  expect(existsSync(join(server.users, '999999999-gone'))).toBe(false)

  rmSync(join(server.users, `${process.pid}-test`))
  expect(await server.exited).toBe(0)
  expect(server.output()).toContain('pypi-cache: no stack left; stopping')
  expect(await answers(server.port)).toBe(false)
})

// A stack that registers while the server is deciding to stop: the server has stopped answering
// when it sees the stack, and serves on. The users' count is scripted: none twice (the grace
// period, set to 0, runs out), then the marker file's, from the check made after it stopped.
const SCRIPTED = `
import os, sys, serve
serve.GRACE_SECONDS = 0
marker = sys.argv.pop()
calls = []
def live_users(users_dir):
    calls.append(1)
    if len(calls) < 3:
        return 0
    if len(calls) == 3:
        print("registered while stopping", flush=True)
    return 1 if os.path.exists(marker) else 0
serve.live_users = live_users
serve.main()
`

test('a stack that registers as the server stops is still served', async () => {
  const marker = join(dir, 'still-here')
  writeFileSync(marker, '')
  const server = await serve('race', ['-c', SCRIPTED], [marker])
  const registered = (): boolean => server.output().includes('registered while stopping')
  expect(await until(registered, server.child)).toBe(true)
  expect(await until(() => answers(server.port), server.child)).toBe(true)
  expect(server.output()).not.toContain('no stack left')

  rmSync(marker)
  expect(await server.exited).toBe(0)
  expect(server.output()).toContain('pypi-cache: no stack left; stopping')
})
