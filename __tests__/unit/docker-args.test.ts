import {
  buildArgv,
  loginArgv,
  parseBuildxDriver,
  pushArgv,
  type BuildOptions
} from '../../src/steps/image/docker-args.js'

const REPO = 'europe-west1-docker.pkg.dev/proj/repo/dataproc-serverless'
const BASE: BuildOptions = {
  builder: 'classic',
  dockerfile: '/w/Dockerfile',
  context: '/w',
  buildArgs: {},
  platform: 'linux/amd64',
  tags: [`${REPO}:main`, `${REPO}:fp-0123`]
}

describe('buildArgv', () => {
  test.each<[string, Partial<BuildOptions>, string[]]>([
    [
      'classic, no target, no build args',
      {},
      [
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '/w'
      ]
    ],
    [
      'classic with target and sorted build args',
      {
        target: 'dev',
        buildArgs: { Z: 'last', BASE_IMAGE: 'python:3.11-slim' }
      },
      [
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--target',
        'dev',
        '--build-arg',
        'BASE_IMAGE=python:3.11-slim',
        '--build-arg',
        'Z=last',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '/w'
      ]
    ],
    [
      'classic ignores the buildx-only options',
      { cacheRef: `${REPO}:buildcache`, cacheExport: true, metadataFile: '/t/m.json' },
      [
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '/w'
      ]
    ],
    [
      'classic with a build network',
      { target: 'dev', network: 'host' },
      [
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--target',
        'dev',
        '--network',
        'host',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '/w'
      ]
    ],
    [
      'buildx with no network for RUN steps',
      { builder: 'buildx', network: 'none' },
      [
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--network',
        'none',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '--provenance=false',
        '--push',
        '/w'
      ]
    ],
    [
      'buildx without cache',
      { builder: 'buildx', metadataFile: '/t/m.json' },
      [
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '--provenance=false',
        '--metadata-file',
        '/t/m.json',
        '--push',
        '/w'
      ]
    ],
    [
      'buildx on the docker driver: cache read, not written',
      { builder: 'buildx', cacheRef: `${REPO}:buildcache`, cacheExport: false, target: 'prod' },
      [
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--target',
        'prod',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '--cache-from',
        `type=registry,ref=${REPO}:buildcache`,
        '--provenance=false',
        '--push',
        '/w'
      ]
    ],
    [
      'buildx on a docker-container builder: cache read and written, build args',
      {
        builder: 'buildx',
        cacheRef: `${REPO}:buildcache`,
        cacheExport: true,
        buildArgs: { A: 'x=y z' },
        metadataFile: '/t/m.json'
      },
      [
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--file',
        '/w/Dockerfile',
        '--build-arg',
        'A=x=y z',
        '--tag',
        `${REPO}:main`,
        '--tag',
        `${REPO}:fp-0123`,
        '--cache-from',
        `type=registry,ref=${REPO}:buildcache`,
        '--cache-to',
        `type=registry,ref=${REPO}:buildcache,mode=max`,
        '--provenance=false',
        '--metadata-file',
        '/t/m.json',
        '--push',
        '/w'
      ]
    ]
  ])('%s', (_name, options, expected) => {
    expect(buildArgv({ ...BASE, ...options })).toEqual(expected)
  })
})

test('push and login argv keep the token off the command line', () => {
  expect(pushArgv(`${REPO}:main`)).toEqual(['push', `${REPO}:main`])
  expect(loginArgv('europe-west1-docker.pkg.dev')).toEqual([
    'login',
    '--username',
    'oauth2accesstoken',
    '--password-stdin',
    'europe-west1-docker.pkg.dev'
  ])
})

test.each<[string, string | null]>([
  ['Name:          default\nDriver:        docker\nLast Activity: …', 'docker'],
  ['Name:   builder-1\nDriver: docker-container\n', 'docker-container'],
  ['no such builder', null]
])('parseBuildxDriver(%j)', (output, driver) => {
  expect(parseBuildxDriver(output)).toBe(driver)
})
