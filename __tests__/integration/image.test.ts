import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { manifestDigest } from '../helpers/image-files.js'
import { startStack, type Stack } from '../../emulators/stack.js'
import { secretRules } from '../../src/steps/secrets.js'
import { readBuildContext } from '../../src/steps/image/build-context.js'
import { fingerprint } from '../../src/steps/image/fingerprint.js'
import { dockerLogin, execRunner, ImageError, type Runner } from '../../src/steps/image/docker.js'
import type { ImageRequest } from '../../src/steps/image/docker-build.js'
import { prepareImage } from '../../src/steps/image/image.js'
import { isLocalRegistry } from '../../src/dataproc/rules.js'
import { RegistryClient, parseRepository } from '../../src/steps/image/registry-client.js'
import { IN_CI } from '../helpers/stack.js'

const run = promisify(execFile)

const DOCKERFILE = `FROM python:3.11-slim AS base
RUN groupadd -g 1099 spark \\
    && useradd -u 1099 -g 1099 -d /home/spark -m spark
COPY requirements.txt /tmp/requirements.txt
RUN mkdir -p /home/kedro && chown spark:spark /home/kedro
WORKDIR /home/kedro
USER spark

FROM base AS dev

FROM base AS prod
COPY --chown=spark:spark . /home/kedro/code
`

let stack: Stack | undefined
let skipReason: string | undefined
let context = ''
let repository = ''

beforeAll(async () => {
  stack = await startStack({ docker: IN_CI ? 'required' : 'auto' })
  if (!stack.dockerHost || !stack.registry) {
    skipReason = stack.dockerUnavailable ?? 'no Docker daemon or registry'
    console.warn(`SKIPPED image tests that need Docker and the registry: ${skipReason}`)
    return
  }
  repository = `${stack.registry}/proj/repo/dataproc-serverless`
  context = await mkdtemp(join(tmpdir(), 'kda-image-ctx-'))
  await writeFile(join(context, 'Dockerfile'), DOCKERFILE)
  await writeFile(join(context, 'requirements.txt'), 'kedro==0.19.9\n')
  await writeFile(join(context, 'README.md'), 'project\n')
})

afterAll(async () => {
  if (context) await rm(context, { recursive: true, force: true })
  await stack?.stop()
})

async function request(
  tag: string,
  overrides: Partial<Omit<ImageRequest, 'context'>> = {}
): Promise<ImageRequest> {
  const dockerfile = overrides.dockerfile ?? join(context, 'Dockerfile')
  return {
    repository,
    tag,
    dockerfile,
    context: await readBuildContext(context, dockerfile, secretRules([], {})),
    target: 'dev',
    buildArgs: {},
    platform: 'linux/amd64',
    dockerHost: stack?.dockerHost ?? undefined,
    ...overrides
  }
}

function registryDigest(tag: string): Promise<string | null> {
  const { name } = parseRepository(repository)
  return manifestDigest(stack?.registry ?? '', name, tag)
}

async function docker(args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env, DOCKER_HOST: stack?.dockerHost ?? '' }
  })
  return stdout
}

/** The real runner, with every command it is asked to run written down. */
function recordingRunner(calls: string[][]): Runner {
  return (file, args, options) => {
    calls.push([file, ...args])
    return execRunner(file, args, options)
  }
}

describe('with the local Docker daemon and registry', () => {
  let first: Awaited<ReturnType<typeof prepareImage>>

  test('builds and pushes when the fingerprint tag is missing', async () => {
    if (skipReason) return
    const calls: string[][] = []
    const since = (Date.now() / 1000).toFixed(3)
    first = await prepareImage(await request('feature-a'), { runner: recordingRunner(calls) })
    const until = (Date.now() / 1000 + 0.001).toFixed(3)
    console.log(`build: ${first.seconds} s`)
    expect(first.built).toBe(true)
    expect(first.reference).toBe(`${repository}:feature-a`)
    expect(first.fingerprint).toMatch(/^fp-[0-9a-f]{32}$/)
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(first.pinned).toBe(`${repository}@${first.digest}`)
    expect(await registryDigest('feature-a')).toBe(first.digest)
    expect(await registryDigest(first.fingerprint)).toBe(first.digest)
    // No buildx on this machine: the classic builder, then a push of the fingerprint tag only;
    // the branch tag is copied from it through the registry's API.
    // The daemon records builds and pushes: its silence in the reuse test below means something.
    const events = await docker([
      'events',
      '--since',
      since,
      '--until',
      until,
      '--format',
      '{{.Type}} {{.Action}}'
    ])
    expect(events).toContain('image tag')
    expect(events).toContain('image push')
    expect(calls.map(call => call.slice(1, 3))).toEqual([
      ['buildx', 'version'],
      ['build', '--platform'],
      ['push', `${repository}:${first.fingerprint}`]
    ])
    // The image is what Dataproc needs: user spark with uid and gid 1099.
    const passwd = await docker(['run', '--rm', '--network', 'none', first.pinned, 'id', 'spark'])
    expect(passwd).toContain('uid=1099(spark) gid=1099(spark)')
  })

  test('reuses the fingerprint tag: no docker command, no daemon event, same digest', async () => {
    if (skipReason) return
    const calls: string[][] = []
    const since = (Date.now() / 1000).toFixed(3)
    const second = await prepareImage(await request('feature-b'), {
      runner: recordingRunner(calls)
    })
    const until = (Date.now() / 1000 + 0.001).toFixed(3)
    console.log(`fingerprint hit: ${second.seconds} s (build was ${first.seconds} s)`)
    expect(second.built).toBe(false)
    expect(second.fingerprint).toBe(first.fingerprint)
    expect(second.digest).toBe(first.digest)
    expect(await registryDigest('feature-b')).toBe(first.digest)
    expect(calls).toEqual([])
    // The daemon's own record: nothing was built, tagged, pulled or pushed meanwhile.
    const events = await docker(['events', '--since', since, '--until', until])
    expect(events.trim()).toBe('')
  })

  test('a changed requirements.txt builds a new image', async () => {
    if (skipReason) return
    await writeFile(join(context, 'requirements.txt'), 'kedro==0.19.10\n')
    const third = await prepareImage(await request('feature-a'))
    expect(third.built).toBe(true)
    expect(third.fingerprint).not.toBe(first.fingerprint)
    expect(third.digest).not.toBe(first.digest)
    expect(await registryDigest('feature-a')).toBe(third.digest)
    // The old fingerprint still names the old image.
    expect(await registryDigest(first.fingerprint)).toBe(first.digest)
  })

  test('reuses a multi-platform index under the fingerprint tag as it is', async () => {
    if (skipReason) return
    await writeFile(join(context, 'requirements.txt'), 'kedro==0.19.11\n')
    const fp = await fingerprint(await request('unused'))
    const client = new RegistryClient({
      baseUrl: `http://${stack?.registry}`,
      name: parseRepository(repository).name
    })
    const child = await client.get(first.digest)
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: child.mediaType,
            digest: child.digest,
            size: child.body.length,
            platform: { architecture: 'amd64', os: 'linux' }
          }
        ]
      })
    )
    const indexDigest = await client.put(fp.tag, {
      body: index,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: ''
    })
    const result = await prepareImage(await request('feature-c'), { runner: () => neverRun() })
    expect(result.built).toBe(false)
    expect(result.digest).toBe(indexDigest)
    const copied = await client.get('feature-c')
    expect(copied.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(copied.body.equals(index)).toBe(true)
  })

  test('a failing RUN step: the error carries the last output lines and a hint', async () => {
    if (skipReason) return
    const dockerfile = join(context, 'Dockerfile.broken')
    await writeFile(
      dockerfile,
      'FROM python:3.11-slim\nRUN echo "last words before failing" && exit 3\n'
    )
    const error = await prepareImage(
      await request('broken', { dockerfile, target: undefined })
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImageError)
    const message = (error as Error).message
    // The classic builder exits with the RUN step's own code.
    expect(message).toContain('docker build failed (exit code 3)')
    expect(message).toContain('last words before failing')
    expect(message).toContain('returned a non-zero code: 3')
    expect(message).toContain('Hint: a RUN step of the Dockerfile failed')
    expect(await registryDigest('broken')).toBeNull()
  })

  test('build-network: with host a RUN step reaches a server on this machine, with none it cannot', async () => {
    if (skipReason) return
    const server = createServer((_req, res) => res.end('reached'))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const dockerfile = join(context, 'Dockerfile.network')
      await writeFile(
        dockerfile,
        'FROM python:3.11-slim\nARG PORT\n' +
          'RUN python -c "import urllib.request as u; ' +
          `print(u.urlopen('http://127.0.0.1:' + '$PORT').read())"\n`
      )
      const build = (tag: string, network: 'host' | 'none'): Promise<unknown> =>
        request(tag, { dockerfile, target: undefined, buildArgs: { PORT: String(port) }, network })
          .then(prepareImage)
          .catch((e: unknown) => e)
      // none first: the network is not part of the fingerprint, and a failed build pushes nothing.
      const refused = await build('net-none', 'none')
      expect(refused).toBeInstanceOf(ImageError)
      expect((refused as Error).message).toMatch(/Network is unreachable|Connection refused/)
      expect(await build('net-host', 'host')).toMatchObject({ built: true })
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })

  test('docker login writes only to a private DOCKER_CONFIG; the token goes through stdin', async () => {
    if (skipReason) return
    const own = await mkdtemp(join(tmpdir(), 'kda-own-docker-'))
    const work = await mkdtemp(join(tmpdir(), 'kda-login-'))
    try {
      const ownConfig = '{"auths":{},"currentContext":"default","credsStore":"none-here"}'
      await writeFile(join(own, 'config.json'), ownConfig)
      await mkdir(join(own, 'cli-plugins'))
      const calls: string[][] = []
      const env = { ...process.env, DOCKER_CONFIG: own } as Record<string, string>
      const registry = stack?.registry ?? ''
      const config = await dockerLogin(recordingRunner(calls), env, registry, 'tok-123', work)
      expect(calls).toEqual([
        ['docker', 'login', '--username', 'oauth2accesstoken', '--password-stdin', registry]
      ])
      expect(config.startsWith(work)).toBe(true)
      // The user's file is as it was; the private one has the login and the current context.
      expect(await readFile(join(own, 'config.json'), 'utf8')).toBe(ownConfig)
      const written = JSON.parse(await readFile(join(config, 'config.json'), 'utf8')) as {
        auths: Record<string, { auth: string }>
        currentContext: string
      }
      expect(written.currentContext).toBe('default')
      expect(Buffer.from(written.auths[registry]?.auth ?? '', 'base64').toString()).toBe(
        'oauth2accesstoken:tok-123'
      )
      expect(await realpath(join(config, 'cli-plugins'))).toBe(
        await realpath(join(own, 'cli-plugins'))
      )
    } finally {
      await rm(own, { recursive: true, force: true })
      await rm(work, { recursive: true, force: true })
    }
  })

  test('no daemon: the error says so', async () => {
    if (skipReason) return
    await writeFile(join(context, 'requirements.txt'), 'kedro==0.19.12\n')
    const error = await prepareImage(
      await request('nodaemon', { dockerHost: `unix://${join(context, 'no-such.sock')}` })
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImageError)
    expect((error as Error).message).toContain('Hint: is the Docker daemon running?')
  })
})

function neverRun(): never {
  throw new Error('a docker command ran where none should')
}

describe('registry client', () => {
  test.each<[string, boolean]>([
    ['127.0.0.1:5000', true],
    ['127.0.0.1:5000/proj/repo/img', true],
    ['localhost:5000', true],
    ['[::1]:5000/x', true],
    ['europe-west1-docker.pkg.dev', false],
    ['europe-west1-docker.pkg.dev/p/r/i', false],
    ['127.example.com/x', false]
  ])('isLocalRegistry(%j) is %s', (host, local) => {
    expect(isLocalRegistry(host)).toBe(local)
  })

  test('parseRepository: https for remote, http for loopback, Docker Hub paths refused', () => {
    expect(parseRepository('europe-west1-docker.pkg.dev/proj/repo/img')).toEqual({
      host: 'europe-west1-docker.pkg.dev',
      name: 'proj/repo/img',
      baseUrl: 'https://europe-west1-docker.pkg.dev',
      local: false
    })
    expect(parseRepository('127.0.0.1:5000/proj/repo/img').baseUrl).toBe('http://127.0.0.1:5000')
    expect(() => parseRepository('library/python')).toThrow('does not start with a registry host')
    expect(() => parseRepository('host.example/Upper')).toThrow('not a valid repository name')
  })

  test('follows a Bearer challenge with the Basic credentials; push scope for PUT', async () => {
    const seen: string[] = []
    const basic = `Basic ${Buffer.from('oauth2accesstoken:secret-token').toString('base64')}`
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x')
      seen.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization ?? '-'}`)
      if (url.pathname === '/token') {
        if (req.headers.authorization !== basic) return void res.writeHead(401).end()
        const scope = url.searchParams.get('scope') ?? ''
        res.writeHead(200, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify({ token: scope.endsWith('push') ? 'rw' : 'ro' }))
      }
      const port = (server.address() as AddressInfo).port
      const wanted = req.method === 'PUT' ? 'Bearer rw' : 'Bearer ro'
      if (req.headers.authorization !== wanted) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test"`
        })
        return void res.end(
          '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
        )
      }
      if (req.method === 'PUT') {
        res.writeHead(201, { 'docker-content-digest': 'sha256:put' })
        return void req.resume().on('end', () => res.end())
      }
      res.writeHead(200, {
        'docker-content-digest': 'sha256:head',
        'content-type': 'application/vnd.oci.image.manifest.v1+json'
      })
      res.end()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const client = new RegistryClient({
        baseUrl: `http://127.0.0.1:${port}`,
        name: 'proj/repo/img',
        credentials: { username: 'oauth2accesstoken', password: 'secret-token' }
      })
      expect(await client.head('tag')).toEqual({
        digest: 'sha256:head',
        mediaType: 'application/vnd.oci.image.manifest.v1+json'
      })
      expect(await client.head('tag')).not.toBeNull()
      const manifest = { body: Buffer.from('{}'), mediaType: 'application/json', digest: 'x' }
      expect(await client.put('other', manifest)).toBe('sha256:put')
      expect(seen).toEqual([
        `HEAD /v2/proj/repo/img/manifests/tag ${basic}`,
        `GET /token?service=test&scope=repository%3Aproj%2Frepo%2Fimg%3Apull ${basic}`,
        'HEAD /v2/proj/repo/img/manifests/tag Bearer ro',
        // The pull token is remembered.
        'HEAD /v2/proj/repo/img/manifests/tag Bearer ro',
        `PUT /v2/proj/repo/img/manifests/other ${basic}`,
        `GET /token?service=test&scope=repository%3Aproj%2Frepo%2Fimg%3Apull%2Cpush ${basic}`,
        'PUT /v2/proj/repo/img/manifests/other Bearer rw'
      ])
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })

  test('a denied re-tag becomes an ImageError with the authorisation hint, token scrubbed', async () => {
    // The fingerprint tag exists, but this token may only read: the PUT of the copy is refused.
    const manifest = '{"schemaVersion":2}'
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`
    const server = createServer((req, res) => {
      if (req.method === 'PUT') {
        res.writeHead(403, { 'content-type': 'application/json' })
        return void res.end(
          '{"errors":[{"code":"DENIED","message":"Permission denied for secret-token"}]}'
        )
      }
      res.writeHead(200, {
        'docker-content-digest': digest,
        'content-type': 'application/vnd.oci.image.manifest.v1+json'
      })
      res.end(req.method === 'GET' ? manifest : undefined)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const dir = await mkdtemp(join(tmpdir(), 'kda-image-denied-'))
    try {
      await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n')
      const port = (server.address() as AddressInfo).port
      const error = await prepareImage(
        {
          repository: `localhost:${port}/proj/repo/img`,
          tag: 'main',
          dockerfile: join(dir, 'Dockerfile'),
          context: await readBuildContext(dir, join(dir, 'Dockerfile'), secretRules([], {})),
          buildArgs: {},
          platform: 'linux/amd64',
          accessToken: 'secret-token'
        },
        { runner: () => neverRun() }
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ImageError)
      const message = (error as Error).message
      expect(message).toContain('/manifests/main answered 403: DENIED: Permission denied for ***')
      expect(message).toContain('roles/artifactregistry.writer')
      expect(message).not.toContain('secret-token')
    } finally {
      await new Promise(resolve => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    }
  })
})
