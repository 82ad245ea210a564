import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { flagSummaries, readActionYml } from '../../scripts/docs.js'
import { COMMANDS, FLAG_INPUTS, parseArgv, UsageError } from '../../src/cli/args.js'
import { locateBatch } from '../../src/cli/batch.js'
import { FLAG_HELP } from '../../src/cli/flag-help.js'
import { helpText } from '../../src/cli/help.js'
import { INTERRUPTED, interruptions, reattachHint } from '../../src/cli/interrupt.js'
import { valuesOf } from '../../src/cli/session.js'
import { envVariable, readPyproject, resolveSettings, type Layers } from '../../src/cli/settings.js'
import { useColour } from '../../src/cli/palette.js'
import { Terminal } from '../../src/cli/terminal.js'
import { InputError } from '../../src/inputs/reader.js'
import { INPUT_NAMES, INPUTS } from '../../src/inputs/table.js'
import type { Plan } from '../../src/plan/plan.js'

describe('argv', () => {
  test('every input but the GitHub-only ones is a flag', () => {
    expect(FLAG_INPUTS).toEqual(INPUT_NAMES.filter(name => INPUTS[name].role !== 'report'))
    expect(FLAG_INPUTS).toContain('kedro-run-args')
    expect(FLAG_INPUTS).not.toContain('github-token')
  })

  test.each([
    [['--wait'], 'true'],
    [['--no-wait'], 'false'],
    [['--wait=false'], 'false'],
    [['--wait=true'], 'true'],
    [['--no-wait', '--wait'], 'true']
  ])('boolean input %j → wait %s', (flags, expected) => {
    expect(parseArgv(['run', ...flags]).flags.wait).toBe(expected)
  })

  test('string inputs take a value, with a space or =; a dash-led value needs =', () => {
    const { flags } = parseArgv([
      'run',
      '--image',
      'r/p/i:1',
      '--kedro-run-args=--pipelines=a',
      '--region=europe-west1'
    ])
    expect(flags).toEqual({
      image: 'r/p/i:1',
      'kedro-run-args': '--pipelines=a',
      region: 'europe-west1'
    })
    expect(() => parseArgv(['run', '--kedro-run-args', '--pipelines=a'])).toThrow(UsageError)
  })

  test('--json, and the batch of logs and cancel', () => {
    expect(parseArgv(['run', '--json'])).toEqual({ command: 'run', flags: {}, json: true })
    expect(parseArgv(['logs', 'kedro-dev-x', '--region', 'europe-west1'])).toEqual({
      command: 'logs',
      batch: 'kedro-dev-x',
      flags: { region: 'europe-west1' },
      json: false
    })
    expect(parseArgv(['--help']).command).toBe('help')
    expect(parseArgv(['run', '-h']).command).toBe('help')
  })

  test.each([
    [['run', '--regoin', 'x'], /unknown option --regoin; did you mean --region\?/],
    [['run', '--github-token', 'x'], /unknown option --github-token/],
    [['run', '--no-image'], /unknown option --no-image/],
    [['rnu'], /unknown command 'rnu'; did you mean run\?/],
    [[], /no command given/],
    [['run', 'extra'], /run takes no arguments/],
    [['logs'], /logs needs the batch/],
    [['cancel', 'a-batch', 'another'], /takes one batch/],
    [['logs', 'a-batch', '--image', 'x'], /--image does not apply to logs/]
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgv(argv)).toThrow(message)
    expect(() => parseArgv(argv)).toThrow(UsageError)
  })
})

describe('settings: pyproject < its env section < KEDRO_DATAPROC_* < flags', () => {
  const pyproject = {
    path: '/p/pyproject.toml',
    table: {
      region: 'shared-region',
      'project-id': 'shared-project',
      dev: { region: 'dev-region', 'run-submit-bucket': 'dev-bucket' },
      prod: { region: 'prod-region', release: 'v1.0.0' }
    }
  }
  const resolve = (layers: Partial<Layers>) =>
    resolveSettings({ pyproject, env: {}, flags: {}, ...layers }).values

  test('each layer overrides the one before, and says so', () => {
    expect(resolve({}).region).toEqual({
      value: 'dev-region',
      source: 'pyproject [tool.kedro-dataproc.dev]'
    })
    expect(resolve({ env: { KEDRO_DATAPROC_REGION: 'env-region' } }).region).toEqual({
      value: 'env-region',
      source: 'env KEDRO_DATAPROC_REGION'
    })
    expect(
      resolve({ env: { KEDRO_DATAPROC_REGION: 'env-region' }, flags: { region: 'flag-region' } })
        .region
    ).toEqual({ value: 'flag-region', source: '--region' })
    // Only shared, and nowhere at all.
    expect(resolve({})['project-id']).toEqual({
      value: 'shared-project',
      source: 'pyproject [tool.kedro-dataproc]'
    })
    expect(resolve({}).image).toEqual({ value: '', source: 'default' })
    expect(resolveSettings({ env: {}, flags: {} }).values.region.source).toBe('default')
  })

  test('env, from any layer, chooses the section', () => {
    for (const layers of [{ flags: { env: 'prod' } }, { env: { KEDRO_DATAPROC_ENV: 'prod' } }]) {
      const values = resolve(layers)
      expect(values.region.value).toBe('prod-region')
      expect(values.release.source).toBe('pyproject [tool.kedro-dataproc.prod]')
      // The dev section is not read for prod.
      expect(values['run-submit-bucket'].source).toBe('default')
    }
  })

  test('an empty variable is not a setting', () => {
    expect(resolve({ env: { KEDRO_DATAPROC_REGION: '' } }).region.value).toBe('dev-region')
  })

  test('TOML values become input text: arrays are lines, tables key=value lines', () => {
    const values = resolveSettings({
      pyproject: {
        path: 'p',
        table: {
          'network-tags': ['a', 'b'],
          labels: { team: 'x', tier: 2 },
          wait: false,
          'runtime-version': '2.2'
        }
      },
      env: {},
      flags: {}
    }).values
    expect(values['network-tags'].value).toBe('a\nb')
    expect(values.labels.value).toBe('team=x\ntier=2')
    expect(values.wait.value).toBe('false')
    expect(valuesOf({ values, warnings: [] })['runtime-version']).toBe('2.2')
  })

  test.each([
    [{ regoin: 'x' }, /\[tool\.kedro-dataproc\]: unknown key 'regoin'; did you mean 'region'\?/],
    [{ dev: { 'run-submit-buckets': 'b' } }, /\[tool\.kedro-dataproc\.dev\].*'run-submit-bucket'/],
    [{ 'github-token': 'x' }, /read only by the GitHub action/],
    [{ dev: { env: 'prod' } }, /env cannot be set here/],
    [{ dev: 'x' }, /must be a table/],
    [{ labels: { team: { nested: 1 } } }, /labels: use a string/]
  ])('%j is a usage error naming the key', (table, message) => {
    expect(() => resolveSettings({ pyproject: { path: 'p', table }, env: {}, flags: {} })).toThrow(
      message
    )
  })

  test('a KEDRO_DATAPROC_ variable that is no setting is a warning with the closest name', () => {
    const { warnings } = resolveSettings({ env: { KEDRO_DATAPROC_REGOIN: 'x' }, flags: {} })
    expect(warnings).toEqual([
      'KEDRO_DATAPROC_REGOIN is not a setting and is ignored; did you mean KEDRO_DATAPROC_REGION?'
    ])
    expect(envVariable('run-submit-bucket')).toBe('KEDRO_DATAPROC_RUN_SUBMIT_BUCKET')
  })

  test('pyproject.toml: the table when there is one, a usage error when it is not TOML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-settings-'))
    expect(readPyproject(dir)).toBeUndefined()
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.kedro]\npackage_name = "x"\n')
    expect(readPyproject(dir)).toBeUndefined()
    writeFileSync(
      join(dir, 'pyproject.toml'),
      '[tool.kedro-dataproc]\nregion = "r"\n[tool.kedro-dataproc.dev]\nimage = "i"\n'
    )
    expect(readPyproject(dir)?.table).toEqual({ region: 'r', dev: { image: 'i' } })
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.kedro-dataproc\n')
    expect(() => readPyproject(dir)).toThrow(/pyproject\.toml is not valid TOML/)
  })
})

describe('terminal', () => {
  test.each([
    [false, {}, false],
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false]
  ])('TTY %s, env %j → colour %s', (isTTY, env, expected) => {
    expect(useColour({ isTTY }, env)).toBe(expected)
  })

  function fakeStream(isTTY: boolean) {
    const chunks: string[] = []
    return { chunks, stream: { isTTY, write: (chunk: string) => chunks.push(chunk) > 0 } }
  }

  test('off a terminal: no colour, the status as one plain line, secrets masked', () => {
    const out = fakeStream(false)
    const err = fakeStream(false)
    const terminal = new Terminal(out.stream, err.stream, {})
    terminal.secret('s3cret')
    terminal.setStatus('uploading the code')
    terminal.info('token s3cret here')
    terminal.warning('careful')
    terminal.setStatus(undefined)
    expect(out.chunks).toEqual(['token *** here\n'])
    expect(err.chunks).toEqual(['uploading the code…\n', 'warning: careful\n'])
  })

  test('on a terminal: the status line is taken down under each line and drawn again', () => {
    const out = fakeStream(true)
    const err = fakeStream(true)
    const terminal = new Terminal(out.stream, err.stream, {})
    terminal.setStatus('uploading the code')
    terminal.info('a line')
    terminal.setStatus(undefined)
    expect(err.chunks[0]?.startsWith('\r\x1b[2K')).toBe(true)
    expect(err.chunks[0]).toContain('uploading the code 0s')
    expect(err.chunks[1]).toBe('\r\x1b[2K')
    expect(out.chunks).toEqual(['a line\n'])
    expect(err.chunks[2]).toMatch(/uploading the code/)
    expect(err.chunks.at(-1)).toBe('\r\x1b[2K')
  })
})

describe('Ctrl-C', () => {
  const plan = {
    batch: {
      id: 'kedro-dev-x',
      name: 'projects/p/locations/r/batches/kedro-dev-x',
      consoleUrl: 'https://console/x'
    },
    endpoints: { dataproc: { host: 'h', port: 1, plaintext: true, url: 'http://h:1' } },
    behaviour: { cancelOnAbort: true }
  } as unknown as Plan

  test('the first aborts, the second leaves the running batch with the commands to come back', () => {
    const err = { chunks: [] as string[] }
    const terminal = new Terminal(
      { write: () => true },
      { write: (chunk: string) => err.chunks.push(chunk) > 0 },
      {}
    )
    const exit = jest.fn<(code: number) => void>()
    const interrupt = interruptions(plan, terminal, exit)
    try {
      interrupt.submitted()
      process.emit('SIGINT')
      expect(interrupt.signal.aborted).toBe(true)
      expect(exit).not.toHaveBeenCalled()
      process.emit('SIGINT')
      expect(exit).toHaveBeenCalledWith(INTERRUPTED)
      expect(err.chunks.join('')).toContain(reattachHint(plan))
    } finally {
      interrupt.stop()
    }
    expect(reattachHint(plan)).toContain(
      'kedro-dataproc logs projects/p/locations/r/batches/kedro-dev-x --dataproc-endpoint http://h:1'
    )
  })
})

describe('what a second Ctrl-C says it leaves', () => {
  const plan = {
    batch: {
      id: 'kedro-dev-x',
      name: 'projects/p/locations/r/batches/kedro-dev-x',
      consoleUrl: 'https://console/x'
    },
    endpoints: {},
    behaviour: { cancelOnAbort: true }
  } as unknown as Plan

  function twoSignals(steps: (interrupt: ReturnType<typeof interruptions>) => void): string {
    const err: string[] = []
    const terminal = new Terminal(
      { write: () => true },
      { write: (chunk: string) => err.push(chunk) > 0 },
      {}
    )
    const interrupt = interruptions(plan, terminal, jest.fn<(code: number) => void>())
    try {
      steps(interrupt)
    } finally {
      interrupt.stop()
    }
    return err.join('')
  }

  test('during CreateBatch: the batch it may have left, never "no batch was submitted"', () => {
    const said = twoSignals(interrupt => {
      interrupt.submitting()
      process.emit('SIGINT')
      process.emit('SIGINT')
    })
    expect(said).not.toContain('no batch was submitted')
    expect(said).toContain('CreateBatch for batch kedro-dev-x was in flight')
    expect(said).toContain('kedro-dataproc cancel projects/p/locations/r/batches/kedro-dev-x')
  })

  test('once the cancel was accepted: being cancelled, never "still running"', () => {
    const said = twoSignals(interrupt => {
      interrupt.submitted()
      process.emit('SIGINT')
      interrupt.cancelSent()
      process.emit('SIGINT')
    })
    expect(said).not.toContain('still running')
    expect(said).toContain('batch kedro-dev-x is being cancelled')
  })

  test('before anything was submitted: nothing was', () => {
    const said = twoSignals(() => {
      process.emit('SIGINT')
      process.emit('SIGINT')
    })
    expect(said).toContain('stopped; no batch was submitted')
  })
})

describe('logs and cancel find the batch', () => {
  const values = (given: Record<string, string>) =>
    valuesOf(
      resolveSettings({ env: {}, flags: given as Parameters<typeof resolveSettings>[0]['flags'] })
    )

  test('by its name, or by its id with the project and region of the settings', () => {
    expect(
      locateBatch('projects/p-1/locations/europe-west1/batches/b-123', values({}), {})
    ).toMatchObject({
      id: 'b-123',
      projectId: 'p-1',
      region: 'europe-west1'
    })
    expect(locateBatch('b-123', values({ 'project-id': 'p-2', region: 'us-east1' }), {}).name).toBe(
      'projects/p-2/locations/us-east1/batches/b-123'
    )
  })

  test('without a project and region, or with a bad id, nothing is asked of Dataproc', () => {
    expect(() => locateBatch('b-123', values({}), {})).toThrow(InputError)
    expect(() => locateBatch('B_1', values({}), {})).toThrow(UsageError)
  })
})

describe('--help', () => {
  const lines = helpText().split('\n')

  test.each(FLAG_INPUTS)('--%s has a line that says what it does, from action.yml', name => {
    const line = lines.find(text => new RegExp(`^  --(\\[no-\\])?${name}[ =]`).test(text))
    expect(line).toContain(flagSummaries(readActionYml())[name] as string)
  })

  test.each(COMMANDS)('the %s command has a line', command => {
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${command}\\b`)))
  })

  test('the generated summaries are action.yml’s (npm run docs rewrites them)', () => {
    expect(FLAG_HELP).toEqual(flagSummaries(readActionYml()))
  })
})
