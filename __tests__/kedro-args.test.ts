import { checkParams, parseKedroRunArgs, splitWords } from '../src/kedro-args.js'

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

test.each([
  [['--params=a=1,b.c=2'], undefined],
  [['--params', 'a=1'], undefined],
  [['--params=a=x:y'], undefined],
  [['--params=param1:10,param2=a'], /key:value form.*--params=param1=10,param2=a/],
  [['--params', 'a:1'], /--params=a=1/],
  [['--params=a'], /not key=value/],
  [['--params'], /has no value/],
  [['--params', '--pipeline=x'], /has no value/]
])('params %j', (args, error) => {
  if (error) expect(() => checkParams(args)).toThrow(error)
  else expect(() => checkParams(args)).not.toThrow()
})

test("the guide's own example is refused with the corrected spelling", () => {
  expect(() =>
    parseKedroRunArgs(`--pipeline=my_kedro_pipeline --params='param1:10,param2=a'`)
  ).toThrow(
    '--params item "param1:10" uses the key:value form, which Kedro ≥ 0.19 rejects; write --params=param1=10,param2=a'
  )
})
