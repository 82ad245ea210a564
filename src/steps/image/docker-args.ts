/**
 * The docker command lines of the image step, as argv lists (never a shell string), built by pure
 * functions so that every combination is a row in a table test.
 */

export type Builder = 'buildx' | 'classic'

export interface BuildOptions {
  builder: Builder
  dockerfile: string
  context: string
  target?: string
  buildArgs: Record<string, string>
  platform: string
  /** `--network` of RUN steps (docker/build-push-action's `network`); undefined: Docker's default. */
  network?: 'host' | 'none'
  /** Full references, `repository:tag`; every one is pushed. */
  tags: string[]
  /** buildx: `repository:buildcache`, read as a registry cache (needs nothing of the builder). */
  cacheRef?: string
  /**
   * buildx: also write the cache there. BuildKit's default `docker` driver cannot export a cache
   * (only a docker-container builder, e.g. from docker/setup-buildx-action, can), so this is asked
   * of the builder, not assumed.
   */
  cacheExport?: boolean
  /** buildx: where `--metadata-file` writes `containerimage.digest`. */
  metadataFile?: string
}

export function buildArgv(options: BuildOptions): string[] {
  const argv = options.builder === 'buildx' ? ['buildx', 'build'] : ['build']
  argv.push('--platform', options.platform, '--file', options.dockerfile)
  if (options.target) argv.push('--target', options.target)
  if (options.network) argv.push('--network', options.network)
  // Sorted, so the same options always give the same command line.
  for (const name of Object.keys(options.buildArgs).sort()) {
    argv.push('--build-arg', `${name}=${options.buildArgs[name]}`)
  }
  for (const tag of options.tags) argv.push('--tag', tag)
  if (options.builder === 'buildx') {
    if (options.cacheRef) {
      argv.push('--cache-from', `type=registry,ref=${options.cacheRef}`)
      if (options.cacheExport) {
        argv.push('--cache-to', `type=registry,ref=${options.cacheRef},mode=max`)
      }
    }
    // Without it BuildKit adds an attestation manifest and pushes an index; Dataproc wants the
    // plain single-platform image manifest.
    argv.push('--provenance=false')
    if (options.metadataFile) argv.push('--metadata-file', options.metadataFile)
    argv.push('--push')
  }
  argv.push(options.context)
  return argv
}

export function pushArgv(reference: string): string[] {
  return ['push', reference]
}

/** The token goes to stdin, never onto the command line where `ps` would show it. */
export function loginArgv(host: string): string[] {
  return ['login', '--username', 'oauth2accesstoken', '--password-stdin', host]
}

export function buildxVersionArgv(): string[] {
  return ['buildx', 'version']
}

/** Prints `Driver: docker` or `Driver: docker-container` among the builder's facts. */
export function buildxInspectArgv(): string[] {
  return ['buildx', 'inspect']
}

/** The driver named in `docker buildx inspect` output, or null. */
export function parseBuildxDriver(output: string): string | null {
  return /^Driver:\s*(\S+)/m.exec(output)?.[1] ?? null
}
