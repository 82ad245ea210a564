import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Stack } from '../../emulators/stack.js'
import { CLI, runCli } from '../helpers/cli.js'
import { makeRepo } from '../helpers/git.js'
import { startTestStack } from '../helpers/stack.js'

/** Driver output that tries to act on the reader's terminal reaches it without its controls. */
let stack: Stack

beforeAll(async () => {
  // The staging bucket made up front: the emulator says RUNNING before it creates the bucket.
  stack = await startTestStack(
    'off',
    'submit-bucket',
    'output-bucket',
    'dataproc-staging-europe-west1-emulator'
  )
})
afterAll(async () => stack?.stop())

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

const SETTINGS = `
[tool.kedro-dataproc]
project-id = "my-project-123"
region = "europe-west1"
run-submit-bucket = "submit-bucket"
run-output-bucket = "output-bucket"
entrypoint = "main.py"
`

/** An OSC 52 clipboard write, a window title, a screen clear, a bell and a colour. */
const MAIN = String.raw`print("copy \x1b]52;c;aGFja2VkIGNsaXBib2FyZCArLz0=\x07me", flush=True)
print("\x1b[31mred\x1b[0m title\x1b]0;pwned\x1b\\ clear\x1b[2J\x1b[H bell\x07 end", flush=True)
`

const flags = (): string[] => [
  '--dataproc-endpoint',
  `http://${stack.dataproc}`,
  '--storage-endpoint',
  stack.storage
]

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`

test('run and logs print driver output without control sequences; colours only on a terminal', async () => {
  const dir = makeRepo('feature/terminal')
  writeFileSync(join(dir, 'main.py'), MAIN)
  writeFileSync(join(dir, 'pyproject.toml'), SETTINGS)
  const run = await runCli(['run', '--image', PREBUILT, ...flags()], { cwd: dir })
  expect(run.code).toBe(0)
  // Not on a terminal: no escape, no bell, the text kept.
  expect(run.stdout).toContain('copy me\n')
  expect(run.stdout).toContain('red title clear bell end\n')
  for (const control of ['\u001b', '\u0007', '\u009b', '\u009d'])
    expect(run.stdout).not.toContain(control)
  const batchId = /batch (kedro-dev-\S+?)[:\s]/.exec(run.stdout + run.stderr)?.[1]
  expect(batchId).toBeDefined()

  // On a terminal (a pty from util-linux's script): the colour stays, nothing else does.
  const command = [process.execPath, CLI, 'logs', batchId as string, ...flags()]
    .map(shellQuote)
    .join(' ')
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm-256color' }
  })
  expect(stdout).toContain('copy me')
  expect(stdout).toContain('\u001b[31mred\u001b[0m title clear bell end')
  expect(stdout).not.toContain('\u001b]')
  expect(stdout).not.toContain('\u0007')
  expect(stdout).not.toContain('\u001b[2J')
})
