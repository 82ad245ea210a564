import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkRunArgs, paramsProblems } from '../../src/kedro/check.js'
import type { KedroVersion } from '../../src/kedro/options.js'
import { initVersionProblem, projectKedro, satisfies } from '../../src/kedro/project.js'
import { checkKedroRun } from '../../src/kedro/run.js'
import { splitWords } from '../../src/lib/words.js'

test.each([
  ['', []],
  ['  --pipeline=dp  ', ['--pipeline=dp']],
  [`--params='a=1,b=x y'`, ['--params=a=1,b=x y']],
  [`--params="a=1,b=\\"q\\""`, ['--params=a=1,b="q"']],
  [`a\\ b c`, ['a b', 'c']],
  [`'$(rm -rf /)' \`id\` ; x|y`, ['$(rm -rf /)', '`id`', ';', 'x|y']],
  [`"$HOME" '$HOME'`, ['$HOME', '$HOME']],
  [`''`, ['']],
  [`a"b"'c'`, ['abc']],
  ['line\\\nnext', ['linenext']],
  [`"tab\there"`, ['tab\there']]
])('%j splits into %j', (input, words) => {
  expect(splitWords(input)).toEqual(words)
})

test.each([
  [`--params='x`, /unclosed ' quote/],
  [`--params="x`, /unclosed " quote/],
  ['x \\', /lone backslash/]
])('%j is refused', (input, message) => {
  expect(() => splitWords(input)).toThrow(message)
})

const V1_7: KedroVersion = [1, 7]
const V1_1: KedroVersion = [1, 1]
const V0_19: KedroVersion = [0, 19]

describe('kedro run options, as that Kedro parses them', () => {
  test.each([
    [V1_7, ['--pipelines=a,b', '--nodes=n1', '--params=a=1,'], [], []],
    [V1_7, ['--namespace=x'], [/--namespace was removed in Kedro 1\.0 .*write --namespaces/], []],
    [V1_7, ['-ns', 'x', '--only-missing-outputs', '--async'], [], []],
    [V1_7, ['--pipeline=dp'], [], [/--pipeline is deprecated since Kedro 1\.4; write --pipelines/]],
    [[1, 3] as KedroVersion, ['--pipeline=dp'], [], []],
    [
      V1_1,
      ['--pipelines=a'],
      [/--pipelines needs Kedro 1\.2 or newer, and the project's is Kedro 1\.1/],
      []
    ],
    [[1, 5] as KedroVersion, ['--runner-params=max_workers=2'], [/needs Kedro 1\.6/], []],
    [
      V0_19,
      ['--namespace=x', '--node=a'],
      [/--node was removed in Kedro 0\.19 .*write --nodes/],
      []
    ],
    [V0_19, ['--only-missing-outputs'], [/needs Kedro 1\.0/], []],
    [V1_7, ['--tag=x'], [/--tag was removed .*write --tags/], []],
    [
      V1_7,
      ['--pipelnes=a'],
      [
        /--pipelnes is not an option of kedro run in Kedro 1\.7; did you mean one of --pipelines, --pipeline\?/
      ],
      []
    ],
    [V1_7, ['--frobnicate'], [/^--frobnicate is not an option of kedro run in Kedro 1\.7$/], []],
    [V1_7, ['--async=yes'], [/--async takes no value/], []],
    [V1_7, ['--env'], [/--env needs a value/], []],
    [V1_7, ['--params', '--pipelines=x'], [/--params has no value before --pipelines=x/], []],
    [V1_7, ['data_processing'], [/'data_processing' is not an option/], []],
    [V1_7, ['--pipeline=a', '--pipelines=b'], [/cannot be used together/], [/deprecated/]],
    [V1_7, ['--tags=a', '--tags=b'], [], [/--tags is given 2 times; Kedro uses only the last one/]]
  ])('Kedro %j: %j', (version, args, problems, warnings) => {
    const result = checkRunArgs(args, version)
    expect(result.problems).toHaveLength(problems.length)
    problems.forEach((pattern, i) => expect(result.problems[i]).toMatch(pattern))
    expect(result.warnings).toHaveLength(warnings.length)
    warnings.forEach((pattern, i) => expect(result.warnings[i]).toMatch(pattern))
  })
})

test.each([
  ['a=1,b.c=2', []],
  ['a=1,', []],
  ['', []],
  [' , a = 1 ', []],
  ['a=x:y', []],
  ['a=b=c', []],
  ['param1:10,param2=a', [/key:value form.*--params=param1=10,param2=a/]],
  ['a', [/not key=value/]],
  ['=1', [/not key=value/]]
])('--params=%j', (value, problems) => {
  const found = paramsProblems(value)
  expect(found).toHaveLength(problems.length)
  problems.forEach((pattern, i) => expect(found[i]).toMatch(pattern))
})

describe("the project's Kedro", () => {
  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'kedro-version-'))
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    return dir
  }
  const pyproject = (init: string, dependencies = ''): string =>
    `[project]\nname = "x"\n${dependencies}\n[tool.kedro]\npackage_name = "x"\nkedro_init_version = "${init}"\n`

  test.each([
    [
      { 'requirements.txt': 'kedro~=1.7\n' },
      [1, 7],
      true,
      /requirements\.txt asks for kedro~=1\.7: Kedro 1\.7$/
    ],
    [
      { 'requirements.txt': 'pandas\nkedro[pandas] >=1.0, <1.5 ; python_version>"3.9"\n' },
      [1, 4],
      true,
      /Kedro 1\.4, the newest it allows/
    ],
    [{ 'requirements.txt': 'kedro==1.1.0\n' }, [1, 1], true, /pins kedro==1\.1\.0/],
    [{ 'requirements.txt': 'kedro-datasets~=9.6\n' }, [1, 7], false, /no Kedro requirement found/],
    [
      { 'pyproject.toml': pyproject('1.7.0', 'dependencies = ["kedro>=0.19,<1.0"]') },
      [0, 19],
      true,
      /pyproject\.toml asks for kedro>=0\.19,<1\.0/
    ],
    [
      {
        'uv.lock': '[[package]]\nname = "kedro"\nversion = "1.3.2"\n',
        'requirements.txt': 'kedro>=1\n'
      },
      [1, 3],
      true,
      /uv\.lock pins kedro==1\.3\.2/
    ],
    [{ 'requirements.txt': 'kedro>=3\n' }, [1, 7], false, /no Kedro this action knows satisfies/]
  ])('%j', (files, version, known, reason) => {
    const kedro = projectKedro(project(files))
    expect(kedro.version).toEqual(version)
    expect(kedro.known).toBe(known)
    expect(kedro.reason).toMatch(reason)
  })

  test.each([
    ['1.7', '>=1.7.3', true],
    ['1.7', '<1.7.0', false],
    ['1.7', '==1.*', true],
    ['1.7', '!=1.7.*', false],
    ['1.6', '~=1.6.2', true],
    ['1.7', '~=1.6.2', false],
    ['1.7', '~=1.6', true]
  ])('Kedro %s satisfies %s: %s', (version, spec, expected) => {
    const [major, minor] = version.split('.').map(Number) as [number, number]
    expect(satisfies([major, minor], spec)).toBe(expected)
  })

  test('a kedro_init_version from another major is refused up front, with both versions and the fix', () => {
    const dir = project({
      'pyproject.toml': pyproject('0.19.9'),
      'requirements.txt': 'kedro~=1.7\n'
    })
    expect(initVersionProblem(projectKedro(dir))).toMatch(
      /kedro_init_version 0\.19\.9 does not match Kedro 1\.7 .*set kedro_init_version = "1\.7\.0"/
    )
    const run = checkKedroRun('--pipelines=a', dir)
    expect(run.problems).toEqual([
      expect.stringMatching(/^working-directory: pyproject\.toml's kedro_init_version 0\.19\.9/)
    ])
    // Before 1.2, Kedro compares the minor version too.
    const old = project({
      'pyproject.toml': pyproject('1.0.0'),
      'requirements.txt': 'kedro==1.1.0\n'
    })
    expect(initVersionProblem(projectKedro(old))).toMatch(/1\.0\.0 does not match Kedro 1\.1/)
    const fine = project({
      'pyproject.toml': pyproject('1.2.0'),
      'requirements.txt': 'kedro~=1.7\n'
    })
    expect(initVersionProblem(projectKedro(fine))).toBeUndefined()
  })
})
