import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { registryProblem } from '../dataproc/rules.js'
import { IMAGE_TAG_PATTERN } from '../dataproc/names.js'
import type { InputReader } from './reader.js'
import { parsePairs } from './syntax.js'
import type { RunEnv } from './where.js'

/** A project's own entrypoint at this path wins over the one shipped with the action. */
export const PROJECT_ENTRYPOINT = 'deployment/dataproc/entrypoint.py'

const REPOSITORY_PATTERN = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/
const IMAGE_NAME_PATTERN = /^[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/
const IMAGE_REF_PATTERN =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/
const MAIN_FILE_PATTERN = /^(gs:\/\/[^/\s]+\/\S+|file:\/\/\/\S+)\.py$/
const TARGET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const BUILD_ARG_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/
const BUILD_SECRET_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const BUILD_NETWORKS = ['host', 'none'] as const
export type BuildNetwork = (typeof BUILD_NETWORKS)[number]

/** How an image is built: read here, carried by the plan, followed by the image step. */
export interface BuildSpec {
  /** Absolute path. */
  dockerfile: string
  /** The build context's directory. */
  context: string
  target: string
  buildArgs: Record<string, string>
  /** BuildKit secrets by id: `RUN --mount=type=secret,id=ID` reads them; never in a layer. */
  secrets: Record<string, string>
  /** `docker build --network`: undefined for Docker's default. */
  network?: BuildNetwork
}

/** The image the batch runs, how it is built, and the file Spark starts. */
export interface Build {
  image?: string
  artifactRepository?: string
  imageName: string
  imageTag?: string
  build: BuildSpec
  /** A project's own entrypoint; undefined means the one shipped with the action. */
  entrypoint?: string
  /** A main file baked into the image (`file:///…`) or elsewhere in GCS, instead of the uploaded entrypoint. */
  mainPythonFile?: string
}

/** A path under the project; when `mustExist`, a missing one is a problem. */
export function inProject(
  r: InputReader,
  directory: string,
  name: 'dockerfile' | 'build-context' | 'entrypoint' | 'allow-secret-files',
  value: string,
  mustExist = true
): string {
  const path = resolve(directory, value)
  if (mustExist && !existsSync(path))
    r.problem(name, `'${value}' does not exist under working-directory; fix the path`)
  return path
}

/** `building`: whether this run builds the image, so the build's files must exist. */
export function readBuild(
  r: InputReader,
  env: RunEnv,
  directory: string,
  building: boolean,
  prepare = true
): Build {
  // A prod trigger (prepare: false) runs the image release.json pins: it names none itself.
  const { image, artifactRepository, imageName, imageTag } = readImageName(
    r,
    env === 'dev' || prepare
  )
  const dockerfile = inProject(r, directory, 'dockerfile', r.text('dockerfile'), building)
  const context = inProject(r, directory, 'build-context', r.text('build-context'), building)
  const target = r.text('target') || env
  r.check(
    'target',
    target,
    TARGET_PATTERN,
    'is not a stage name; use the name after AS in the Dockerfile'
  )
  // The runner passes action.yml's defaults as if given, so only a changed value counts.
  const buildInputsGiven = (['dockerfile', 'build-context', 'build-args', 'target'] as const).some(
    name => r.given(name)
  )
  if (image && buildInputsGiven)
    r.problem(
      'image',
      'a prebuilt image is not built; remove dockerfile, build-context, build-args and target, or remove image'
    )
  const build: BuildSpec = {
    dockerfile,
    context,
    target,
    buildArgs: readBuildArgs(r),
    secrets: readBuildSecrets(r, image),
    network: readBuildNetwork(r)
  }
  return { image, artifactRepository, imageName, imageTag, build, ...readMainFile(r, directory) }
}

/** Where the image lives: a prebuilt `image`, or the repository, name and tag of one to build. */
function readImageName(
  r: InputReader,
  namesImage: boolean
): Pick<Build, 'image' | 'artifactRepository' | 'imageName' | 'imageTag'> {
  const image = r.optional('image')
  r.check(
    'image',
    image,
    IMAGE_REF_PATTERN,
    'is not an image reference; use HOST/PATH/NAME:TAG or HOST/PATH/NAME@sha256:DIGEST'
  )
  // Checked only once the reference itself is well formed: one problem an input.
  if (image && IMAGE_REF_PATTERN.test(image)) {
    const rule = registryProblem('image', image.split('/')[0] as string)
    if (rule) r.problems.push(rule)
  }

  const artifactRepository = r.optional('artifact-repository')
  if (!image && !artifactRepository && namesImage)
    r.problem(
      'artifact-repository',
      'required to name the image; set it to your Artifact Registry repository, or give a prebuilt image in image'
    )
  r.check(
    'artifact-repository',
    artifactRepository,
    REPOSITORY_PATTERN,
    'is not a repository id; use lowercase letters, digits and -'
  )

  const imageName = r.text('image-name')
  r.check(
    'image-name',
    imageName,
    IMAGE_NAME_PATTERN,
    'is not an image name; use lowercase letters, digits, separators . _ - and /'
  )
  const imageTag = r.optional('image-tag')
  r.check(
    'image-tag',
    imageTag,
    IMAGE_TAG_PATTERN,
    'is not a valid tag; use up to 128 letters, digits, _ . - not starting with . or -'
  )
  if (image && imageTag)
    r.problem(
      'image-tag',
      'has no effect with a prebuilt image; remove image-tag, or tag inside image'
    )

  return { image, artifactRepository, imageName, imageTag }
}

/** `build-args`: NAME=value lines. */
function readBuildArgs(r: InputReader): Record<string, string> {
  const buildArgs: Record<string, string> = {}
  const pairs = parsePairs(r.text('build-args'))
  for (const line of pairs.bad)
    r.problem('build-args', `'${line}' is not NAME=value; write one build argument a line`)
  for (const [key, value] of pairs.pairs) {
    if (!BUILD_ARG_PATTERN.test(key))
      r.problem('build-args', `'${key}' is not a build argument name; use letters, digits and _`)
    buildArgs[key] = value
  }

  return buildArgs
}

/** The file Spark starts: the project's own entrypoint or the action's, or a given main file. */
function readMainFile(
  r: InputReader,
  directory: string
): Pick<Build, 'entrypoint' | 'mainPythonFile'> {
  const entrypointInput = r.optional('entrypoint')
  let entrypoint: string | undefined
  if (entrypointInput) {
    entrypoint = inProject(r, directory, 'entrypoint', entrypointInput)
    if (!entrypointInput.endsWith('.py'))
      r.problem(
        'entrypoint',
        `'${entrypointInput}' is not a Python file; give the path of a .py file`
      )
  } else if (existsSync(resolve(directory, PROJECT_ENTRYPOINT))) {
    entrypoint = resolve(directory, PROJECT_ENTRYPOINT)
  }

  const mainPythonFile = r.optional('main-python-file')
  r.check(
    'main-python-file',
    mainPythonFile,
    MAIN_FILE_PATTERN,
    'is not a main file URI; use gs://BUCKET/path.py or file:///path/in/image.py (three slashes)'
  )
  return { entrypoint, mainPythonFile }
}

/** `build-secrets`: `id=value` lines, as docker/build-push-action's `secrets`. */
function readBuildSecrets(r: InputReader, image: string | undefined): Record<string, string> {
  const secrets: Record<string, string> = {}
  const pairs = parsePairs(r.text('build-secrets'))
  // The line is not echoed: it may be the secret itself.
  if (pairs.bad.length > 0)
    r.problem(
      'build-secrets',
      `${pairs.bad.length} line(s) are not id=value; write one secret a line`
    )
  for (const [id, value] of pairs.pairs) {
    if (!BUILD_SECRET_PATTERN.test(id))
      r.problem('build-secrets', `'${id}' is not a secret id; use letters, digits, _ . and -`)
    secrets[id] = value
  }
  if (image && pairs.pairs.length > 0)
    r.problem(
      'build-secrets',
      'a prebuilt image is not built; remove build-secrets, or remove image'
    )
  return secrets
}

/** As docker/build-push-action's `network`: the network of the build's RUN steps. */
function readBuildNetwork(r: InputReader): BuildNetwork | undefined {
  const value = r.optional('build-network')
  if (value === undefined) return undefined
  const network = BUILD_NETWORKS.find(name => name === value)
  if (!network)
    r.problem(
      'build-network',
      `'${value}' is not a build network; use host, none, or leave it empty for Docker's default`
    )
  return network
}
