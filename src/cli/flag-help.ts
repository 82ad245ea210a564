// Generated from action.yml by `npm run docs` (scripts/docs.ts); a unit test holds it equal.
/** What each input does, in one line, for `kedro-dataproc --help`. */
export const FLAG_HELP: Record<string, string> = {
  env: 'dev (a branch or pull request: image, code and outputs per branch) or prod (a release)',
  release: 'prod only: the release to run, e.g. v0.2.0',
  'run-id': "Names the run's folders and labels",
  'kedro-run-args':
    'Arguments for kedro run, split like a shell splits words but never run through one, e.g. --pipelines=dp --params=a=1,b=2',
  'project-id': 'Google Cloud project id',
  region: 'Dataproc region, e.g. europe-west1',
  'run-submit-bucket': 'Bucket (name only) that receives entrypoint.py and code.zip',
  'run-output-bucket': 'Bucket (name only) under which each run writes its outputs',
  'service-account': 'Service account the batch runs as',
  'workload-authentication':
    'Whose credentials the Spark job runs with: service-account (the default when service-account is set) or end-user (the identity that submits it, on runtime 3.0)',
  'runtime-version':
    'Dataproc Serverless runtime version: 2.3 (Spark 3.5, supported until 2027-11-26) or 3.0 (Spark 4.0)',
  'artifact-registry': 'Registry host',
  'artifact-repository': 'Artifact Registry repository that holds the image',
  'image-name': 'Image name within the repository',
  'image-tag': 'Image tag',
  image: 'A prebuilt image to run (tag or digest); nothing is built',
  dockerfile: 'Dockerfile, relative to working-directory',
  'build-context': 'Build context, relative to working-directory',
  'build-args': 'Build arguments, one NAME=value a line',
  'build-secrets':
    "BuildKit secrets, one id=value a line (as docker/build-push-action's secrets): a RUN --mount=type=secret,id=ID step reads the value from /run/secrets/ID; it is never in a layer, the log or the plan",
  target: 'Dockerfile stage to build',
  'build-network':
    "Network of the build's RUN steps, as docker/build-push-action's network: host (the runner's network), none, or empty for Docker's default",
  entrypoint: 'The PySpark main file',
  prepare:
    "prod only: build and push the release's image and upload its entrypoint.py, code.zip and release.json. false runs a release prepared earlier",
  submit: 'prod only: run a batch of the release. false only prepares it (at release time)',
  force: 'prod only: replace a release that was prepared from other content',
  'main-python-file':
    "The batch's main file instead of the uploaded entrypoint, e.g. one baked into the image: file:///home/kedro/code/deployment/dataproc/entrypoint.py",
  'spark-properties': 'Spark properties, one key=value a line',
  labels: 'Extra batch labels, one key=value a line',
  subnetwork: 'Subnetwork name or URI the batch runs in',
  'network-tags': 'Network tags, comma or newline separated',
  'kms-key': 'Cloud KMS key for encryption, projects/P/locations/L/keyRings/R/cryptoKeys/K',
  ttl: 'Longest the batch may run before Dataproc cancels it (10m to 14d), e.g. 6h',
  'staging-bucket': 'Dataproc staging bucket (name only)',
  'metastore-service': 'Dataproc Metastore service, projects/P/locations/L/services/NAME',
  'history-server-cluster': 'Spark history server cluster, projects/P/regions/R/clusters/NAME',
  'working-directory': "The Kedro project's directory within the workspace",
  wait: 'Wait for the batch to end and fail the step unless it succeeds',
  timeout: 'Cancel the batch and fail when it runs longer than this, e.g. 45m',
  'max-dcu-hours':
    'A spending guard: while the batch runs, its usage so far is read from Dataproc, and the batch is cancelled (and the step fails) once it has used more than this many DCU-hours, e.g. 2.5',
  'dcu-price':
    'Your price in USD per DCU-hour (a negotiated or regional price), for the cost shown and the cost output',
  'shuffle-price': 'Your price in USD per GB-month of shuffle storage',
  cleanup:
    'Clean up the branch instead of running it (on pull_request: closed): cancel its running batches, delete its run folders under run-submit-bucket, its branch image tag and any image nothing else names',
  'delete-outputs':
    'With cleanup or keep-runs, also delete the outputs under run-output-bucket (outputs are data: kept by default)',
  'delete-batches': "With cleanup, also delete the branch's finished batch records",
  'keep-runs':
    "After a run is submitted, delete the branch's older run folders (and, with delete-outputs, their outputs), keeping the newest this many",
  'cancel-on-abort': 'Cancel the batch when the workflow run is cancelled or the step dies',
  'on-missing-credentials':
    'fail or skip when no Google credentials are available (e.g. a pull request from a fork): skip ends the step with a notice and does nothing',
  'allow-fork-code':
    "On pull_request_target, workflow_run and issue_comment, run code checked out from a fork (on issue_comment: any commit other than the workflow's own)",
  'allow-secret-files':
    'Files that may ship in code.zip or the image although they hold a private key or a Google login, or are .env* or Kedro conf/**/credentials* files, relative to working-directory, one a line',
  'github-token': 'Token for the pull-request comment (needs pull-requests: write)',
  'pr-comment':
    'auto (on pull_request events), always (also for dry runs and skipped runs), or never: one sticky comment per workflow, job, environment and working-directory, updated on every run',
  'upload-artifacts':
    'Upload the driver output log, the final batch record and the plan as a workflow artifact',
  'dataproc-endpoint':
    'Dataproc gRPC endpoint; http://host:port means plaintext without credentials (a local emulator)',
  'storage-endpoint':
    'Cloud Storage JSON API base URL; http://… means plaintext without credentials',
  'logging-endpoint':
    'Cloud Logging REST base URL, where runtime 3.0 and later write the driver output; http://… means plaintext without credentials (a local emulator)',
  'dry-run':
    'Print the plan and set the outputs without building, uploading or submitting anything',
  preflight:
    'Check the Kedro project before anything is built, uploaded or submitted (a few seconds): inputs that code.zip will not hold, outputs on local paths, gs:// without gcsfs, pyspark in the image, unregistered resolvers, unknown --pipelines/--nodes/--tags'
}
