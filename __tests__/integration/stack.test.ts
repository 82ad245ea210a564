import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { processAlive } from '../../emulators/proc.js'
import { DEFAULT_PYPI_CACHE_DIR } from '../../emulators/pypi-cache.js'
import { manifestDigest } from '../helpers/image-files.js'
import { startStack, type DockerMode, type Stack } from '../../emulators/stack.js'
import { IN_CI, skipWithoutDocker } from '../helpers/stack.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
const DOCKER_MODE: DockerMode = IN_CI ? 'required' : 'auto'

async function docker(host: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run('docker', args, {
    env: { ...process.env, DOCKER_HOST: host },
    maxBuffer: 16 * 1024 * 1024
  })
  return stdout + stderr
}

/** The path of the first file called `name` under `dir`, waiting until one appears. */
async function findFile(dir: string, name: string): Promise<string> {
  // proxpi may still be writing it when pip is done (it answers pip while it downloads).
  const deadline = Date.now() + 300_000
  while (Date.now() < deadline) {
    const found = (await readdir(dir, { recursive: true }).catch(() => [])).find(
      path => basename(path) === name
    )
    if (found) return join(dir, found)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  throw new Error(`no ${name} under ${dir}`)
}

async function gcsRoundTrip(
  storage: string,
  bucket: string,
  name: string,
  body: string
): Promise<string> {
  const created = await fetch(`${storage}/storage/v1/b?project=test-project`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: bucket })
  })
  expect(created.status).toBe(200)
  const query = new URLSearchParams({ uploadType: 'media', name })
  const uploaded = await fetch(`${storage}/upload/storage/v1/b/${bucket}/o?${query}`, {
    method: 'POST',
    body
  })
  expect(uploaded.status).toBe(200)
  const read = await fetch(
    `${storage}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?alt=media`
  )
  expect(read.status).toBe(200)
  return read.text()
}

async function pidFromFile(path: string): Promise<number> {
  return Number((await readFile(path, 'utf8')).trim())
}

/** Resolves once the process is gone, however long a loaded machine takes to end it. */
async function waitUntilGone(pid: number): Promise<void> {
  while (processAlive(pid)) await new Promise(resolve => setTimeout(resolve, 100))
}

async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8')
  return table
    .split('\n')
    .map(line => line.split(' ')[4] ?? '')
    .filter(mountPoint => mountPoint.startsWith(`${dir}/`))
}

describe('startStack', () => {
  test('two stacks started at once use their own ports and directories', async () => {
    const results = await Promise.allSettled([
      startStack({ docker: DOCKER_MODE }),
      startStack({ docker: DOCKER_MODE })
    ])
    const stacks = results.flatMap(r => (r.status === 'fulfilled' ? [r.value] : []))
    try {
      for (const r of results) if (r.status === 'rejected') throw r.reason
      const [a, b] = stacks as [Stack, Stack]
      expect(a.stateDir).not.toBe(b.stateDir)
      const endpointsOf = (s: Stack): (string | null)[] => [
        s.storage,
        s.dataproc,
        s.dataprocRest,
        s.logging,
        s.registry,
        s.dockerHost
      ]
      const all = [...endpointsOf(a), ...endpointsOf(b)].filter((e): e is string => e !== null)
      expect(new Set(all).size).toBe(all.length)

      // The same bucket and object name in both: each stack sees only its own bytes.
      expect(await gcsRoundTrip(a.storage, 'shared-name', 'x.txt', 'from a')).toBe('from a')
      expect(await gcsRoundTrip(b.storage, 'shared-name', 'x.txt', 'from b')).toBe('from b')
      const list = await fetch(`${a.dataprocRest}/v1/projects/p/locations/r/batches`)
      expect(list.status).toBe(200)

      if (skipWithoutDocker(a) || skipWithoutDocker(b)) return
      const ids = await Promise.all(
        [a, b].map(s =>
          docker(s.dockerHost ?? '', ['info', '--format', '{{.ID}} {{.DockerRootDir}}'])
        )
      )
      expect(ids[0]).not.toBe(ids[1])
      expect(ids[0]).toContain(a.stateDir)
      expect(ids[1]).toContain(b.stateDir)
    } finally {
      await Promise.all(stacks.map(s => s.stop()))
    }
    // Temporary state directories go with their stacks.
    for (const s of stacks) await expect(stat(s.stateDir)).rejects.toThrow()
  })

  test("the daemon's python:3.11-slim is real: apt-get and pip install, as UID 1099 too, then push", async () => {
    const stack = await startStack({ docker: DOCKER_MODE })
    const context = await mkdtemp(join(tmpdir(), 'kda-build-'))
    try {
      if (skipWithoutDocker(stack)) return
      const host = stack.dockerHost ?? ''
      const registry = stack.registry ?? ''
      await writeFile(
        join(context, 'Dockerfile'),
        [
          'FROM python:3.11-slim AS base',
          'RUN apt-get update && apt-get install -y --no-install-recommends tini \\',
          '    && rm -rf /var/lib/apt/lists/*',
          'RUN pip install tomli-w==1.0.0',
          'RUN groupadd -g 1099 spark && useradd -u 1099 -g 1099 -d /home/spark -m spark',
          'FROM base AS prod',
          'COPY main.py /opt/app/main.py',
          'RUN chown -R spark:spark /opt/app',
          'USER spark',
          ''
        ].join('\n')
      )
      await writeFile(join(context, 'main.py'), 'import sys, tomli_w; print(sys.executable)\n')
      const image = `${registry}/demo/app:pr-1`
      // The classic builder (no buildx here); RUN steps reach Debian and PyPI with --network host.
      const built = await docker(host, [
        'build',
        '--network',
        'host',
        '--target',
        'prod',
        '--tag',
        image,
        context
      ])
      expect(built).toContain('Setting up tini')
      expect(built).toContain('Successfully installed tomli-w-1.0.0')
      expect(built).toContain('Looking in indexes: http://127.0.0.1:3141/index/')

      const inside = await docker(host, [
        'run',
        '--rm',
        '--network=none',
        image,
        'sh',
        '-c',
        'id; command -v python; command -v pip; python /opt/app/main.py; tini --version; ls -l /opt/app'
      ])
      expect(inside).toContain('uid=1099(spark) gid=1099(spark)')
      expect(inside).toContain('/usr/local/bin/python\n/usr/local/bin/pip\n/usr/local/bin/python\n')
      expect(inside).toContain('tini version')
      expect(inside).toMatch(/spark\s+spark\s+\d+ .* main\.py/)

      // pip went through the stack's PyPI cache, and a rebuild without Docker's layer cache takes the
      // wheel from it: the cached file is not written again.
      const cached = await findFile(
        join(DEFAULT_PYPI_CACHE_DIR, 'files'),
        'tomli_w-1.0.0-py3-none-any.whl'
      )
      const before = await stat(cached)
      const rebuilt = await docker(host, [
        'build',
        '--no-cache',
        '--network',
        'host',
        '--target',
        'base',
        context
      ])
      expect(rebuilt).toContain('Successfully installed tomli-w-1.0.0')
      const after = await stat(cached)
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])

      const pushed = await docker(host, ['push', image])
      const printed = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1]
      expect(printed).toBeDefined()
      expect(await manifestDigest(registry, 'demo/app', 'pr-1')).toBe(printed)
      expect(await manifestDigest(registry, 'demo/app', 'no-such-tag')).toBeNull()
    } finally {
      await rm(context, { recursive: true, force: true })
      await stack.stop()
    }
  })
})

describe('npm run stack', () => {
  test('prints one READY line, serves the endpoints and stops everything on SIGTERM', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'kda-cli-'))
    const args = ['run', '--silent', 'stack', '--', '--state-dir', stateDir]
    if (IN_CI) args.push('--require-docker')
    // Its own process group: npm does not pass SIGTERM on to the script (sh stands in between), so
    // the test signals the group the way a terminal's Ctrl-C or a CI runner's cancel does.
    const child = spawn('npm', args, {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const closed = new Promise<void>(resolve => child.stdout.once('close', () => resolve()))
    const pids: number[] = []
    try {
      const deadline = Date.now() + 90000
      while (!stdout.includes('\n')) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no READY line; stderr:\n${stderr}`)
        }
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      const match = /^READY (\{.*\})\n$/.exec(stdout)
      expect(match).not.toBeNull()
      const ready = JSON.parse(match?.[1] ?? '{}') as Record<string, string | null>
      expect(Object.keys(ready).sort()).toEqual([
        'dataproc',
        'dataprocRest',
        'dockerHost',
        'logging',
        'registry',
        'storage'
      ])

      expect((await fetch(`${ready.storage}/storage/v1/b?project=p`)).status).toBe(200)
      expect((await fetch(`${ready.dataprocRest}/v1/projects/p/locations/r/batches`)).status).toBe(
        200
      )
      const available = !skipWithoutDocker({
        dockerHost: ready.dockerHost ?? null,
        registry: ready.registry ?? null,
        dockerUnavailable: stderr.trim()
      })
      if (available) {
        expect((await fetch(`http://${ready.registry}/v2/`)).status).toBe(200)
        expect(
          await docker(ready.dockerHost ?? '', ['version', '--format', '{{.Server.Version}}'])
        ).toMatch(/\d+\.\d+/)
        pids.push(
          await pidFromFile(join(stateDir, 'registry.pid')),
          await pidFromFile(join(stateDir, 'docker.pid')),
          await pidFromFile(join(stateDir, 'exec', 'containerd', 'containerd.pid'))
        )
        for (const pid of pids) expect(processAlive(pid)).toBe(true)
      }

      process.kill(-(child.pid ?? 0), 'SIGTERM')
      // npm and sh die of the signal itself; the stack's process closes stdout once it has stopped
      // everything it started.
      await closed
      expect(stderr).toContain('stack: stopped')
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(1)
      for (const pid of pids) await waitUntilGone(pid)
      expect(await mountsUnder(stateDir)).toEqual([])
      // A state directory the user named is kept.
      expect((await stat(stateDir)).isDirectory()).toBe(true)
    } finally {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL')
      } catch {
        // the process group is gone already
      }
      for (const pid of pids) if (processAlive(pid)) process.kill(pid, 'SIGKILL')
      for (const mountPoint of await mountsUnder(stateDir)) await run('umount', ['-l', mountPoint])
      await rm(stateDir, { recursive: true, force: true })
    }
  })
})
