import { INPUT_NAMES, type InputValues } from '../../src/inputs/table.js'
import { isSecretKey, redactInputs, redactUrls, scrub } from '../../src/report/redact.js'

test.each([
  ['spark.hadoop.db.password', true],
  ['PIP_TOKEN', true],
  ['spark.dataproc.driverEnv.AWS_SECRET_ACCESS_KEY', true],
  ['apiKey', true],
  ['spark.executor.memory', false],
  ['BASE_IMAGE', false]
])('%s looks secret: %s', (key, secret) => {
  expect(isSecretKey(key)).toBe(secret)
})

test.each([
  ['https://user:pass@host/simple', 'https://***@host/simple'],
  [
    'pip install -i https://ghp_token123@pypi.example.com/x y',
    'pip install -i https://***@pypi.example.com/x y'
  ],
  ['gs://bucket/path@v1 and https://host/a@b', 'gs://bucket/path@v1 and https://host/a@b'],
  ['no url', 'no url']
])('redactUrls(%j)', (text, shown) => {
  expect(redactUrls(text)).toBe(shown)
})

test('scrub replaces every given value and URL passwords', () => {
  expect(scrub('a hunter22 b https://u:p@h/ hunter22', ['hunter22'])).toBe(
    'a *** b https://***@h/ ***'
  )
})

test('redactInputs hides secret keys in key=value inputs and URL passwords in any input', () => {
  const values = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<string, string>
  values['spark-properties'] = 'spark.x.password=p1\nspark.executor.memory=4g\n# a comment = here'
  values['build-args'] = 'PIP_TOKEN = t1\nINDEX=https://u:p2@host/simple'
  values['kedro-run-args'] = '--params=url=https://bob:p3@db.example.com/x'
  const shown = redactInputs(values as InputValues)
  expect(shown['spark-properties']).toBe(
    'spark.x.password=***\nspark.executor.memory=4g\n# a comment = here'
  )
  expect(shown['build-args']).toBe('PIP_TOKEN = ***\nINDEX=https://***@host/simple')
  expect(shown['kedro-run-args']).toBe('--params=url=https://***@db.example.com/x')
})
