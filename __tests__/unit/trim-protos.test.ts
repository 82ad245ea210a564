import { createRequire } from 'node:module'
import protobuf from 'protobufjs'
import { trimProtos } from '../../scripts/trim-protos.mjs'

// What scripts/build.mjs does to the Dataproc client's protos.json for the bundle.
const require = createRequire(import.meta.url)
const full = require('@google-cloud/dataproc/build/protos/protos.json') as protobuf.INamespace
const SERVICES = ['google.cloud.dataproc.v1.BatchController', 'google.longrunning.Operations']
const trimmed = trimProtos(full, SERVICES)
const fullRoot = protobuf.Root.fromJSON(full)
const trimmedRoot = protobuf.Root.fromJSON(trimmed)

function services(root: protobuf.Root): string[] {
  const found: string[] = []
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const object of namespace.nestedArray) {
      if (object instanceof protobuf.Service) found.push(object.fullName.slice(1))
      if (object instanceof protobuf.Namespace) visit(object)
    }
  }
  visit(root)
  return found.sort()
}

function definitions(root: protobuf.Root): protobuf.ReflectionObject[] {
  const found: protobuf.ReflectionObject[] = []
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const object of namespace.nestedArray) {
      if (object instanceof protobuf.Type || object instanceof protobuf.Enum) found.push(object)
      if (object instanceof protobuf.Namespace || object instanceof protobuf.Type) visit(object)
    }
  }
  visit(root)
  return found
}

describe('trimProtos (the Dataproc batch client protos in the bundle)', () => {
  it('keeps only the named services, and every type they use resolves', () => {
    expect(services(fullRoot).length).toBeGreaterThan(SERVICES.length)
    expect(services(trimmedRoot)).toEqual([...SERVICES].sort())
    expect(() => trimmedRoot.resolveAll()).not.toThrow()
    expect(JSON.stringify(trimmed).length).toBeLessThan(JSON.stringify(full).length / 4)
  })

  it('keeps the result and metadata types that CreateBatch names only in an option', () => {
    for (const name of ['Batch', 'BatchOperationMetadata']) {
      expect(trimmedRoot.lookupType(`google.cloud.dataproc.v1.${name}`)).toBeDefined()
    }
  })

  it('copies each kept message and enum whole', () => {
    const kept = definitions(trimmedRoot)
    expect(kept.length).toBeGreaterThan(20)
    for (const object of kept) {
      const original = fullRoot.lookup(object.fullName) as protobuf.Type | protobuf.Enum
      // Nested definitions are compared on their own (an unused one may be left out).
      const withoutNested = (definition: object): object => ({
        name: object.fullName,
        ...definition,
        nested: undefined
      })
      expect(withoutNested(object.toJSON())).toEqual(withoutNested(original.toJSON()))
    }
  })

  it('decodes a Batch written with the full protos to the same object', () => {
    const batch = {
      name: 'projects/p/locations/r/batches/b',
      uuid: 'u',
      createTime: { seconds: 1700000000, nanos: 5 },
      pysparkBatch: {
        mainPythonFileUri: 'gs://b/entrypoint.py',
        args: ['--', '--pipeline=x'],
        archiveUris: ['gs://b/code.zip#code']
      },
      runtimeInfo: {
        outputUri: 'gs://out/driveroutput',
        endpoints: { 'Spark History Server': 'https://example' },
        approximateUsage: { milliDcuSeconds: 1234, shuffleStorageGbSeconds: 5 }
      },
      state: 'SUCCEEDED',
      stateHistory: [{ state: 'RUNNING', stateStartTime: { seconds: 1700000001 } }],
      runtimeConfig: {
        version: '2.2',
        containerImage: 'europe-west1-docker.pkg.dev/p/r/i@sha256:00',
        properties: { 'spark.executor.instances': '10' }
      },
      environmentConfig: {
        executionConfig: { serviceAccount: 'sa@p.iam.gserviceaccount.com', ttl: { seconds: 60 } }
      },
      labels: { env: 'dev' },
      operation: 'projects/p/regions/r/operations/o'
    }
    const type = fullRoot.lookupType('google.cloud.dataproc.v1.Batch')
    const bytes = type.encode(type.fromObject(batch)).finish()
    const options = { enums: String, longs: String, defaults: false }
    const decoded = trimmedRoot.lookupType('google.cloud.dataproc.v1.Batch').decode(bytes)
    expect(decoded.toJSON()).toEqual(type.toObject(type.decode(bytes), options))
    expect(decoded.toJSON()).toMatchObject({ state: 'SUCCEEDED', labels: { env: 'dev' } })
  })

  it('fails on a service that does not exist', () => {
    expect(() => trimProtos(full, ['google.cloud.dataproc.v1.NoSuchController'])).toThrow(
      'no service google.cloud.dataproc.v1.NoSuchController'
    )
  })
})
