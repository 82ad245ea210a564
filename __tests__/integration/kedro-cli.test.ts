import { execFileSync, spawnSync } from 'node:child_process'
import { loadSparkRuntime, type SparkRuntime } from '../../emulators/dataproc/spark.js'
import { checkRunArgs, paramsProblems } from '../../src/kedro/check.js'
import { optionsOf, type KedroVersion } from '../../src/kedro/options.js'
import { TINY_PROJECT } from '../helpers/project.js'

/**
 * The real Kedro of the local stack's driver environment is the oracle: the option table must
 * equal its `kedro run --help`, and `--params` and unknown options must be judged as it judges
 * them. A missing environment fails here (loadSparkRuntime says how to install it).
 */
let runtime: SparkRuntime
let installed: KedroVersion
// Telemetry off: nothing may leave this machine.
const env = { ...process.env, KEDRO_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1' }

beforeAll(async () => {
  runtime = await loadSparkRuntime()
  const version = execFileSync(runtime.python, ['-c', 'import kedro; print(kedro.__version__)'], {
    encoding: 'utf8'
  }).trim()
  installed = version.split('.').slice(0, 2).map(Number) as unknown as KedroVersion
})

const kedro = (...args: string[]) =>
  spawnSync(runtime.python, ['-m', 'kedro', ...args], { cwd: TINY_PROJECT, encoding: 'utf8', env })

test("the option table is the installed Kedro's `kedro run --help`", () => {
  const help = kedro('run', '--help')
  expect(help.status).toBe(0)
  const fromHelp = new Set<string>()
  for (const line of help.stdout.split('\n')) {
    const match = /^ {2}(-[\w-]+(?:, -[\w-]+)*)/.exec(line)
    for (const name of match?.[1]?.split(', ') ?? []) fromHelp.add(name)
  }
  expect(fromHelp.size).toBeGreaterThan(10)
  expect([...optionsOf(installed).keys()].sort()).toEqual([...fromHelp].sort())
})

test.each([
  'a=1,b.c=2',
  'a=1,',
  '',
  ' , a = 1 ',
  'a=x:y',
  'note=a b;c',
  'param1:10,param2=a',
  'a',
  '=1',
  ' =1'
])(
  "--params=%j is accepted or refused as Kedro's own parser does",
  value => {
    const oracle = spawnSync(
      runtime.python,
      [
        '-c',
        [
          'import sys, click',
          'from kedro.framework.cli.utils import _split_params',
          'ctx = click.Context(click.Command("run"))',
          'param = click.Option(["--params"])',
          'try:',
          '    _split_params(ctx, param, sys.argv[1])',
          '    print("accepted")',
          'except click.UsageError as error:',
          '    print("refused", error.message)'
        ].join('\n'),
        value
      ],
      { encoding: 'utf8', env }
    )
    expect(oracle.status).toBe(0)
    // Kedro's logging set-up may print first: its verdict is the last line.
    const verdict = oracle.stdout.trim().split('\n').pop() ?? ''
    expect(verdict).toMatch(/^(accepted|refused)/)
    const kedroAccepts = verdict === 'accepted'
    expect(paramsProblems(value).length === 0).toBe(kedroAccepts)
  },
  60_000
)

test.each(['--namespace=x', '--pipelnes=a', '--pipelin=a', '--tag=x', '--frobnicate'])(
  '%s is refused by Kedro and by the check, which names what Kedro suggests',
  arg => {
    const name = arg.split('=')[0] as string
    const real = kedro('run', arg)
    expect(real.status).toBe(2)
    expect(real.stderr).toContain(`No such option '${name}'`)
    const suggested = [
      ...(/Did you mean (.*)\?/.exec(real.stderr)?.[1] ?? '').matchAll(/'(--[\w-]+)'/g)
    ].map(match => match[1] as string)
    const ours = checkRunArgs([arg], installed).problems
    expect(ours).toHaveLength(1)
    expect(ours[0]).toContain(name)
    for (const option of suggested) expect(ours[0]).toContain(option)
    if (suggested.length === 0) expect(ours[0]).not.toMatch(/did you mean|write --/)
  },
  60_000
)
