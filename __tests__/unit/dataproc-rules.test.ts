import { cancelReason, failureReason } from '../../src/dataproc/failures.js'
import {
  bucketNameProblem,
  effectiveTtl,
  objectNameProblem,
  propertyProblems,
  registryProblem,
  timeoutWarning
} from '../../src/dataproc/rules.js'
import { explainError } from '../../src/lib/errors.js'

test.each([
  ['europe-west1-docker.pkg.dev', true],
  ['us-docker.pkg.dev', true],
  ['gcr.io', true],
  ['eu.gcr.io', true],
  ['127.0.0.1:5000', true],
  ['localhost:5000', true],
  ['docker.io', false],
  ['ghcr.io', false],
  ['europe-west1-docker.pkg.dev.evil.example', false]
])('registry %s allowed: %s', (host, allowed) => {
  expect(registryProblem('image', host) === undefined).toBe(allowed)
})

test.each([
  [{ 'spark.executor.cores': '8', 'spark.executor.memory': '16g' }, []],
  [{ 'spark.driver.cores': '3' }, [/allows 4, 8 or 16/]],
  [{ 'spark.executor.memory': '512m' }, [/gives 224m per core; .*1024m to 7424m/]],
  [{ 'spark.executor.memory': '64g', 'spark.dataproc.executor.compute.tier': 'premium' }, []],
  [{ 'spark.executor.memory': 'lots' }, [/is not a size/]],
  [{ 'spark.executor.instances': '1' }, [/at least 2/]],
  [{ 'spark.yarn.maxAppAttempts': '1', 'spark.shuffle.service.enabled': 'true' }, [/YARN/, /YARN/]],
  [{ 'spark.submit.deployMode': 'cluster' }, [/deploy mode/]]
])('properties %j', (properties, expected) => {
  const problems = propertyProblems(properties)
  expect(problems).toHaveLength(expected.length)
  expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern))
})

test('the ttl in effect, and a timeout it cuts short', () => {
  expect(effectiveTtl('2.3')).toEqual({ seconds: 14400, source: 'service default' })
  expect(effectiveTtl('3.0')).toEqual({ seconds: 14400, source: 'service default' })
  expect(effectiveTtl('2.0')).toEqual({ source: 'none' })
  expect(effectiveTtl('2.2', 7200)).toEqual({ seconds: 7200, source: 'ttl' })
  expect(timeoutWarning(5 * 3600, effectiveTtl('2.3'))).toMatch(
    /5h is longer than Dataproc's default ttl/
  )
  expect(timeoutWarning(5 * 3600, effectiveTtl('2.3', 4 * 3600))).toMatch(/longer than ttl of 4h/)
  expect(timeoutWarning(3600, effectiveTtl('2.3'))).toBeUndefined()
  expect(timeoutWarning(99 * 3600, effectiveTtl('2.0'))).toBeUndefined()
})

test.each([
  [
    'Job failed with message [ValueError: no sensor may report 3 values]. Additional details can be found at:\nhttps://console.cloud.google.com/dataproc/batches/r/b?project=p',
    'ValueError: no sensor may report 3 values'
  ],
  [
    "Insufficient 'CPUS_ALL_REGIONS' quota. Requested 12.0, available 0.0. Your resource request exceeds your available quota.",
    'not enough CPUS_ALL_REGIONS quota: the batch asked for 12 and 0 were available. Request more quota (IAM & Admin → Quotas), lower spark.executor.instances, or run in another region'
  ],
  [
    'Google Cloud Dataproc Agent reports job failure. If logs are available, they can be found at:\nhttps://console.cloud.google.com/x\n',
    "Dataproc's agent reports a job failure: If logs are available, they can be found at:"
  ],
  [
    'The resource projects/p/regions/r/networks/default is not ready',
    'The resource projects/p/regions/r/networks/default is not ready (a known transient failure of the service: run it again)'
  ],
  ['Something else\nmore', 'Something else']
])('failure %j', (message, reason) => {
  expect(failureReason(message)).toBe(reason)
})

test('a cancelled batch says why from its history', () => {
  const ttl = {
    stateHistory: [{}, {}, { stateMessage: 'Cancelling batch as ttl exceeded' }]
  }
  expect(cancelReason(ttl, '4h')).toBe(
    'Dataproc cancelled the batch when its ttl of 4h ran out; set ttl to allow a longer run'
  )
  expect(cancelReason({ stateHistory: [{}] }, '4h')).toMatch(/cancelled outside this run/)
})

test('an actAs refusal without a known deploying identity still gives the command to fill in', () => {
  const error = Object.assign(
    new Error(
      '3 INVALID_ARGUMENT: User not authorized to act as service account sa@p.iam.gserviceaccount.com.'
    ),
    { code: 3 }
  )
  expect(explainError(error)).toContain(
    'gcloud iam service-accounts add-iam-policy-binding sa@p.iam.gserviceaccount.com --member=serviceAccount:DEPLOYING_IDENTITY --role=roles/iam.serviceAccountUser'
  )
})

test('when the service names only how the driver ended, the reason comes from the driver output', () => {
  const wrapped =
    "Job failed with message [subprocess.CalledProcessError: Command 'kedro run' returned non-zero exit status 1.]. Additional details can be found at:\nhttps://console.cloud.google.com/x"
  const output = [
    'INFO Running node: fail',
    'ValueError: no sensor may report 3 values',
    'Traceback (most recent call last):',
    "subprocess.CalledProcessError: Command 'kedro run' returned non-zero exit status 1."
  ]
  expect(failureReason(wrapped, output)).toBe(
    "ValueError: no sensor may report 3 values (from the driver output; the service says: subprocess.CalledProcessError: Command 'kedro run' returned non-zero exit status 1.)"
  )
  expect(failureReason('Job failed with message [Driver exited with code 1].', output)).toMatch(
    /^ValueError: no sensor may report 3 values \(from the driver output/
  )
  // The service's own exception wins; without driver output the service's words stand.
  expect(failureReason('Job failed with message [KeyError: x].', output)).toBe('KeyError: x')
  expect(failureReason(wrapped)).toMatch(/^subprocess\.CalledProcessError/)
})

// https://cloud.google.com/storage/docs/buckets#naming
test.each([
  'my-bucket',
  'a_b',
  'abc',
  'x'.repeat(63),
  `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(30)}`,
  'data.example.com',
  'go-gle-ish',
  '10.0.0.1.example'
])('bucket name %s is allowed', name => {
  expect(bucketNameProblem(name)).toBeUndefined()
})

test.each([
  ['ab', /2 characters/],
  ['x'.repeat(64), /64 characters/],
  [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(31)}`, /223 characters/],
  ['a..b', /'\.\.'/],
  ['a.-b', /'\.-'/],
  ['-ab', /start and end with a letter or digit/],
  ['ab_', /start and end with a letter or digit/],
  ['My-bucket', /only lowercase letters/],
  ['a b', /only lowercase letters/],
  ['192.168.5.4', /IP address/],
  ['googdata', /start with 'goog'/],
  ['my-google-data', /'google'/],
  ['my-g00gle-data', /'google'/],
  ['goo-g1e', /'google'/]
])('bucket name %s is refused', (name, why) => {
  expect(bucketNameProblem(name)).toMatch(why)
})

test('object names are measured in UTF-8 bytes, as Cloud Storage counts them', () => {
  expect(objectNameProblem(`gs://b/${'x'.repeat(1024)}`)).toBeUndefined()
  expect(objectNameProblem(`gs://b/${'x'.repeat(1025)}`)).toMatch(/1025 bytes; .*allows 1024/)
  expect(objectNameProblem(`gs://b/${'é'.repeat(513)}`)).toMatch(/1026 bytes/)
})
