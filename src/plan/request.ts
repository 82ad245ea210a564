import type { Config } from '../inputs/config.js'

/** The CreateBatch request in the shape the Node client takes (camelCase, Duration as seconds). */
export interface CreateBatchRequest {
  parent: string
  batchId: string
  requestId: string
  batch: {
    pysparkBatch: {
      mainPythonFileUri: string
      args: string[]
      archiveUris: string[]
    }
    runtimeConfig: {
      version: string
      containerImage: string
      properties: Record<string, string>
    }
    environmentConfig: {
      executionConfig: {
        serviceAccount?: string
        subnetworkUri?: string
        networkTags?: string[]
        kmsKey?: string
        ttl?: { seconds: number }
        stagingBucket?: string
        authenticationConfig?: {
          userWorkloadAuthenticationType: 'SERVICE_ACCOUNT' | 'END_USER_CREDENTIALS'
        }
      }
      peripheralsConfig?: {
        metastoreService?: string
        sparkHistoryServerConfig?: { dataprocCluster: string }
      }
    }
    labels: Record<string, string>
  }
}

function definedEntries<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** What the plan has decided by the time the request is written. */
export interface RequestParts {
  parent: string
  batchId: string
  requestId: string
  mainPythonFileUri: string
  codeUri: string
  containerImage: string
  /** Set by the action for the driver and the executors. */
  environment: Record<string, string>
  labels: Record<string, string>
}

export function batchRequest(config: Config, parts: RequestParts): CreateBatchRequest {
  const properties: Record<string, string> = { ...config.sparkProperties }
  for (const [name, value] of Object.entries(parts.environment)) {
    properties[`spark.dataproc.driverEnv.${name}`] = value
    properties[`spark.executorEnv.${name}`] = value
  }
  const peripherals = definedEntries({
    metastoreService: config.metastoreService,
    sparkHistoryServerConfig: config.historyServerCluster
      ? { dataprocCluster: config.historyServerCluster }
      : undefined
  })
  const auth = config.workloadAuthentication
  return {
    parent: parts.parent,
    batchId: parts.batchId,
    requestId: parts.requestId,
    batch: {
      pysparkBatch: {
        mainPythonFileUri: parts.mainPythonFileUri,
        // The words go after `--` one by one, so their quoting reaches Kedro unchanged.
        args: ['--', ...config.kedroRunArgs],
        archiveUris: [`${parts.codeUri}#code`]
      },
      runtimeConfig: {
        version: config.runtimeVersion,
        containerImage: parts.containerImage,
        properties
      },
      environmentConfig: definedEntries({
        executionConfig: definedEntries({
          serviceAccount: config.serviceAccount,
          subnetworkUri: config.subnetwork,
          networkTags: config.networkTags.length > 0 ? config.networkTags : undefined,
          kmsKey: config.kmsKey,
          ttl: config.ttlSeconds !== undefined ? { seconds: config.ttlSeconds } : undefined,
          stagingBucket: config.stagingBucket,
          // Unset, runtime 3.0 runs the job with the submitter's own credentials.
          authenticationConfig: auth
            ? {
                userWorkloadAuthenticationType:
                  auth === 'end-user' ? 'END_USER_CREDENTIALS' : 'SERVICE_ACCOUNT'
              }
            : undefined
        }),
        peripheralsConfig: Object.keys(peripherals).length > 0 ? peripherals : undefined
      }),
      labels: parts.labels
    }
  }
}
