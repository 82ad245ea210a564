import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { setLogSink } from '../../src/lib/log.js'
import {
  credentialFiles,
  credentialReason,
  loginIn,
  privateKeyIn,
  SCAN_MAX_BYTES,
  secretRules
} from '../../src/steps/secrets.js'
import { contextTar, readBuildContext } from '../../src/steps/image/build-context.js'
import { planSnapshot } from '../../src/steps/code/snapshot.js'
import { tarNames } from '../helpers/image-files.js'
import { zipEntries } from '../helpers/project.js'

// Keys are made when the test runs: the repository holds none, not even for tests.
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
const PKCS8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const PKCS1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const SEC1 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'sec1', format: 'pem' })
  .toString()
const PUBLIC = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  project_id: 'my-project-123',
  private_key_id: 'abc',
  private_key: PKCS8,
  client_email: 'deployer@my-project-123.iam.gserviceaccount.com'
})
/** What google-github-actions/auth writes for Workload Identity Federation: no key, a token source. */
const EXTERNAL_ACCOUNT = JSON.stringify({
  type: 'external_account',
  audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh',
  credential_source: { url: 'https://token.actions.githubusercontent.com', headers: {} }
})

/** What `gcloud auth application-default login` writes: a user's refresh token. */
const USER_LOGIN = JSON.stringify({
  account: '',
  client_id: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
  client_secret: 'd-FL95Q19q7MQmFpd7hHD0Ty',
  refresh_token: '1//0g-login-marker-refresh-token',
  type: 'authorized_user'
})

const scratch = mkdtempSync(join(tmpdir(), 'secrets-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const logged: string[] = []
setLogSink({
  info: message => logged.push(message),
  notice: message => logged.push(message),
  warning: message => logged.push(message),
  error: message => logged.push(message),
  secret: () => undefined,
  output: text => logged.push(text),
  group: (_title, body) => body()
})

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'project-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), content)
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir })
  return dir
}

describe('privateKeyIn', () => {
  test.each([
    ['PKCS#8 PEM', PKCS8, /-----BEGIN PRIVATE KEY-----/],
    ['PKCS#1 PEM', PKCS1, /-----BEGIN RSA PRIVATE KEY-----/],
    ['SEC1 PEM', SEC1, /-----BEGIN EC PRIVATE KEY-----/],
    ['OpenSSH', `${['-----BEGIN', 'OPENSSH PRIVATE KEY-----'].join(' ')}\nb3Blbn==\n`, /OPENSSH/],
    ['a key inside a YAML file', `tls:\n  key: |\n    ${PKCS1.split('\n').join('\n    ')}`, /RSA/],
    ['service-account JSON', SERVICE_ACCOUNT, /service-account key/]
  ])('finds %s', (_name, text, what) => {
    expect(privateKeyIn(Buffer.from(text))).toMatch(what)
  })

  test.each([
    ['a public key', PUBLIC],
    ['Workload Identity Federation config', EXTERNAL_ACCOUNT],
    ['code that mentions keys', 'if "PRIVATE KEY" in text: raise ValueError("no keys")\n'],
    ['nothing', '']
  ])('finds nothing in %s', (_name, text) => {
    expect(privateKeyIn(Buffer.from(text))).toBeUndefined()
  })
})

describe('loginIn', () => {
  test.each([
    ['a gcloud / ADC user login', USER_LOGIN, 'authorized_user'],
    ['a Workload Identity Federation config', EXTERNAL_ACCOUNT, 'external_account'],
    ['a key file without its key', JSON.stringify({ type: 'service_account' }), 'service_account'],
    ['an impersonation chain', '{"type":"impersonated_service_account"}', 'impersonated']
  ])('finds %s', (_name, text, type) => {
    expect(loginIn(Buffer.from(`\n${text}\n`))).toMatch(new RegExp(`"type": "${type}`))
  })

  test.each([
    ['docs that quote one', 'Write `{"type": "authorized_user"}` into the file.\n'],
    ['JSON of another type', '{"type": "object", "properties": {}}'],
    ['a JSON schema naming the types', '{"enum": ["authorized_user"], "type": "string"}'],
    ['nothing', '']
  ])('finds nothing in %s', (_name, text) => {
    expect(loginIn(Buffer.from(text))).toBeUndefined()
  })
})

describe('credentials files', () => {
  test('the auth step’s name is recognised anywhere, other names only when a variable names them', () => {
    const dir = project({})
    const named = join(dir, 'creds', 'adc.json')
    const files = credentialFiles({ CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: named })
    expect(credentialReason('gha-creds-1a2b3c.json', join(dir, 'x'), files)).toMatch(/auth step/)
    expect(credentialReason('sub/gha-creds-1a2b3c.json', join(dir, 'y'), files)).toMatch(/auth/)
    expect(credentialReason('creds/adc.json', named, files)).toMatch(
      /named by CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE/
    )
    expect(credentialReason('conf/base/credentials.yml', join(dir, 'z'), files)).toBeUndefined()
  })
})

describe('code.zip', () => {
  test('leaves out credentials files, with the reason, and keeps the rest', async () => {
    const dir = project({
      'gha-creds-5f3e2a.json': SERVICE_ACCOUNT,
      'creds/wif.json': EXTERNAL_ACCOUNT,
      'src/main.py': 'print(1)\n'
    })
    const secrets = secretRules([], { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'creds/wif.json') })
    const planned = await planSnapshot({
      projectDir: dir,
      outFile: join(dir, '..', 'a.zip'),
      secrets
    })
    const zip = await zipEntries(readFileSync((await planned.write()).path))
    await planned.close()
    expect([...zip.keys()]).toEqual(['src/main.py'])
    expect(planned.skipped).toEqual([
      'creds/wif.json: credentials file named by GOOGLE_APPLICATION_CREDENTIALS, never shipped',
      'gha-creds-5f3e2a.json: credentials file written by an auth step (gha-creds-*.json), never shipped'
    ])
  })

  test('refuses a private key anywhere in the snapshot, naming every file and the fix', async () => {
    const dir = project({ 'deploy-key.pem': PKCS1, 'conf/sa.json': SERVICE_ACCOUNT, 'a.py': '' })
    const error = await planSnapshot({
      projectDir: dir,
      outFile: join(dir, '..', 'b.zip'),
      secrets: secretRules([], {})
    }).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain('conf/sa.json (a service-account key (private_key))')
    expect((error as Error).message).toContain('deploy-key.pem (a private key: -----BEGIN RSA')
    expect((error as Error).message).toMatch(/\.gitignore.*allow-secret-files/)
  })

  test('a file named in allow-secret-files ships; an ignored key is not even read', async () => {
    const dir = project({
      'tests/fixture.pem': PKCS8,
      'local.pem': PKCS8,
      '.gitignore': '*.local\nlocal.pem\n'
    })
    const secrets = secretRules([join(dir, 'tests/fixture.pem')], {})
    const planned = await planSnapshot({
      projectDir: dir,
      outFile: join(dir, '..', 'c.zip'),
      secrets
    })
    const zip = await zipEntries(readFileSync((await planned.write()).path))
    await planned.close()
    expect([...zip.keys()].sort()).toEqual(['.gitignore', 'tests/fixture.pem'])
  })
})

describe('the image build context', () => {
  async function contextNames(dir: string, dockerfile: string) {
    const context = await readBuildContext(dir, dockerfile, secretRules([], {}))
    return { context, names: await tarNames(await buffer(contextTar(context))) }
  }

  test('holds what .dockerignore lets through, less credentials and the checkout token', async () => {
    const dir = project({
      Dockerfile: 'FROM scratch\nCOPY . /code\n',
      '.dockerignore': 'data/**\n!data/keep.csv\n',
      'gha-creds-77aa.json': EXTERNAL_ACCOUNT,
      'data/keep.csv': 'a\n',
      'data/drop.csv': 'b\n',
      'src/app.py': 'x = 1\n'
    })
    execFileSync(
      'git',
      ['config', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic ***'],
      {
        cwd: dir
      }
    )
    const { context, names } = await contextNames(dir, join(dir, 'Dockerfile'))
    expect(context.dockerfile).toBe('Dockerfile')
    expect(names).toContain('data/keep.csv')
    expect(names).toContain('src/app.py')
    expect(names).toContain('.git/HEAD')
    expect(names).not.toContain('data/drop.csv')
    expect(names).not.toContain('gha-creds-77aa.json')
    expect(names).not.toContain('.git/config')
    expect(context.leftOut).toEqual([
      '.git/config: a git config holding a credential (http.extraheader, as actions/checkout persists, or a URL with a user), never shipped',
      'gha-creds-77aa.json: credentials file written by an auth step (gha-creds-*.json), never shipped'
    ])
  })

  test('a Dockerfile outside the context is added under its own name', async () => {
    const dir = project({ 'ctx/app.py': '', 'docker/Dockerfile': 'FROM scratch\n' })
    const { context, names } = await contextNames(join(dir, 'ctx'), join(dir, 'docker/Dockerfile'))
    expect(names.filter(name => !name.endsWith('/')).sort()).toEqual([
      '.kedro-dataproc-action.Dockerfile',
      'app.py'
    ])
    expect(context.dockerfile).toBe('.kedro-dataproc-action.Dockerfile')
  })

  test('refuses a private key that would be sent to Docker', async () => {
    const dir = project({ Dockerfile: 'FROM scratch\n', 'keys/id_rsa': PKCS1 })
    await expect(
      readBuildContext(dir, join(dir, 'Dockerfile'), secretRules([], {}))
    ).rejects.toThrow(/image build context \(build-context\) holds private keys.*keys\/id_rsa/)
  })
})

describe('local secrets and logins', () => {
  const LOCAL = {
    '.env': 'DB_PASSWORD=hunter2\n',
    'sub/.env.production': 'TOKEN=abc\n',
    '.env.example': 'DB_PASSWORD=\n',
    'conf/local/credentials.yml': 'db: {password: hunter2}\n',
    'conf/prod/gcp/credentials-prod.yml': 'x: 1\n',
    'conf/base/catalog.yml': 'a: 1\n',
    'src/credentials.py': 'pass\n',
    Dockerfile: 'FROM scratch\n'
  }
  test('.env* and conf/**/credentials* stay out of code.zip, said so, unless allowed by name', async () => {
    const dir = project(LOCAL)
    const secrets = secretRules([join(dir, '.env.example')], {})
    const planned = await planSnapshot({
      projectDir: dir,
      outFile: join(dir, '..', 'd.zip'),
      secrets
    })
    const zip = await zipEntries(readFileSync((await planned.write()).path))
    await planned.close()
    expect([...zip.keys()].sort()).toEqual([
      '.env.example',
      'Dockerfile',
      'conf/base/catalog.yml',
      'src/credentials.py'
    ])
    const unless = 'left out unless named in allow-secret-files'
    expect(planned.skipped).toEqual([
      `.env: a .env file (local settings and secrets), ${unless}`,
      `conf/local/credentials.yml: Kedro's credentials (conf/**/credentials*), ${unless}`,
      `conf/prod/gcp/credentials-prod.yml: Kedro's credentials (conf/**/credentials*), ${unless}`,
      `sub/.env.production: a .env file (local settings and secrets), ${unless}`
    ])
  })

  test('and out of the image build context', async () => {
    const dir = project(LOCAL)
    const context = await readBuildContext(dir, join(dir, 'Dockerfile'), secretRules([], {}))
    const names = await tarNames(await buffer(contextTar(context)))
    expect(names.filter(name => /\.env|credentials/.test(name)).sort()).toEqual([
      'src/credentials.py'
    ])
    expect(context.leftOut).toHaveLength(5)
  })

  test('a gcloud login anywhere refuses code.zip and the context, unless allowed', async () => {
    const dir = project({
      Dockerfile: 'FROM scratch\n',
      'home/.config/gcloud/application_default_credentials.json': USER_LOGIN,
      'a.py': ''
    })
    const file = 'home/.config/gcloud/application_default_credentials.json'
    const message = `${file} (a Google credentials file: "type": "authorized_user")`
    await expect(
      planSnapshot({
        projectDir: dir,
        outFile: join(dir, '..', 'e.zip'),
        secrets: secretRules([], {})
      })
    ).rejects.toThrow(message)
    await expect(
      readBuildContext(dir, join(dir, 'Dockerfile'), secretRules([], {}))
    ).rejects.toThrow(
      /image build context \(build-context\) holds private keys or Google credentials files.*allow-secret-files/
    )
    const allowed = secretRules([join(dir, file)], {})
    const context = await readBuildContext(dir, join(dir, 'Dockerfile'), allowed)
    expect(context.entries.has(file)).toBe(true)
  })

  test('a file too big to read for keys is named in the log', async () => {
    const dir = project({
      Dockerfile: 'FROM scratch\n',
      'data/big.bin': 'x'.repeat(SCAN_MAX_BYTES + 1)
    })
    logged.length = 0
    const planned = await planSnapshot({
      projectDir: dir,
      outFile: join(dir, '..', 'f.zip'),
      secrets: secretRules([], {})
    })
    await planned.close()
    await readBuildContext(dir, join(dir, 'Dockerfile'), secretRules([], {}))
    expect(logged).toEqual([
      'not read for private keys or logins (over 1 MiB) in code.zip: data/big.bin',
      'not read for private keys or logins (over 1 MiB) in the image build context: data/big.bin'
    ])
  })
})

describe('git configs in the build context', () => {
  test('every config holding a credential is left out: submodules, worktrees, nested repositories', async () => {
    const TOKEN = 'ghs_submoduleTokenMarker0123456789'
    const header = `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}\n`
    const dir = project({
      Dockerfile: 'FROM scratch\n',
      '.git/modules/libs/shared/config': `[core]\n\tbare = false\n${header}`,
      '.git/modules/plain/config': '[core]\n\tbare = false\n',
      '.git/worktrees/wt/config.worktree': `[http]\n\tExtraHeader = AUTHORIZATION: bearer ${TOKEN}\n`,
      'vendor/lib/.git/config': `[remote "origin"]\n\turl = https://x-access-token:${TOKEN}@github.com/o/r\n`,
      'vendor/lib/.git/HEAD': 'ref: refs/heads/main\n'
    })
    const context = await readBuildContext(dir, join(dir, 'Dockerfile'), secretRules([], {}))
    const tarBytes = await buffer(contextTar(context))
    expect(tarBytes.includes(TOKEN)).toBe(false)
    expect(tarBytes.includes(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'))).toBe(false)
    const names = await tarNames(tarBytes)
    expect(names).toContain('.git/modules/plain/config')
    expect(names).toContain('vendor/lib/.git/HEAD')
    expect(context.leftOut.map(line => line.split(':')[0]).sort()).toEqual([
      '.git/modules/libs/shared/config',
      '.git/worktrees/wt/config.worktree',
      'vendor/lib/.git/config'
    ])
  })
})
