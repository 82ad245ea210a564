import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { findExecutable, MissingPackageError, SYSTEM_DIRS, tailFile } from './proc.js'
import { PYPI_CACHE_INDEX } from './pypi-cache.js'

/**
 * What the local stack's `python:3.11-slim` is made of. Docker Hub is out of reach here, but
 * Debian's mirror is not: `debootstrap` lays down a minimal bookworm (the Debian release the
 * official image builds on), with Debian's Python 3.11, pip and venv. The recipe then gives it what
 * Dockerfiles written for the official image expect:
 * - `/usr/local/bin/python`, `python3`, `pip`, `pip3` (PATH puts /usr/local/bin first), and no
 *   PEP 668 marker, so `pip install` works as root as it does in the official image (pip installs
 *   into /usr/local, as there);
 * - apt pointed at the mirror this machine's apt uses, with the apt settings of Docker's Debian
 *   images (no caches, no translations) and this machine's `Acquire::` settings;
 * - this machine's CA trust store (its bundle, and its local CAs so that `update-ca-certificates`
 *   in a RUN step keeps them), so pip and apt verify TLS here as the host does;
 * - pip's index set to the stack's PyPI cache (emulators/pypi-cache.ts), so builds download each
 *   file once per machine;
 * - no documentation, man pages or translations, now or in later installs (as the slim image).
 * Everything the recipe reads from the host goes into its hash, so a change there rebuilds it.
 */

export const BASE_IMAGE_TAG = 'python:3.11-slim'
const SUITE = 'bookworm'
const PACKAGES = ['python3', 'python3-pip', 'python3-venv', 'ca-certificates']
const DEFAULT_MIRROR = 'http://deb.debian.org/debian'
const DEFAULT_SECURITY_MIRROR = 'http://deb.debian.org/debian-security'
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'
const HOST_LOCAL_CAS = '/usr/local/share/ca-certificates'

/** `docker import --change` instructions: the official image's environment. */
export const IMAGE_CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'CMD ["python3"]'
]

// Run with the root filesystem as $1, after the recipe's files are written.
const CONFIGURE = `set -eu
root=$1
rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
mkdir -p "$root/usr/local/bin"
ln -sf /usr/bin/python3.11 "$root/usr/local/bin/python"
ln -sf /usr/bin/python3.11 "$root/usr/local/bin/python3"
for tool in pip pip3; do
  printf '#!/bin/sh\\nexec /usr/local/bin/python -m pip "$@"\\n' > "$root/usr/local/bin/$tool"
  chmod 755 "$root/usr/local/bin/$tool"
done
rm -f "$root/etc/apt/sources.list"
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \\
  "$root"/usr/share/locale/* "$root"/usr/share/lintian "$root"/debootstrap
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \\
  "$root"/var/log/* "$root"/tmp/* "$root"/root/.cache
find "$root/usr/lib" -name __pycache__ -type d -prune -exec rm -rf {} +
: > "$root/etc/resolv.conf"
: > "$root/etc/hostname"
chmod 1777 "$root/tmp"
`

const DPKG_SLIM = `# As Docker's slim images: no documentation in later installs.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
`

const APT_DOCKER = `// As Docker's Debian images: no package caches or translations kept in layers.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "true";
Acquire::Languages "none";
APT::Install-Recommends "false";
`

export interface Recipe {
  mirror: string
  /** Files written into the root filesystem after debootstrap: path → content. */
  files: Map<string, Buffer>
  /** sha256 over everything above and the recipe's own text, first 16 hex digits. */
  key: string
}

/** Reads what the recipe takes from this machine, and names the result. */
export async function readRecipe(): Promise<Recipe> {
  const sources = await hostAptSources()
  const mirror = mirrorFor(sources, SUITE) ?? DEFAULT_MIRROR
  const security = mirrorFor(sources, `${SUITE}-security`) ?? DEFAULT_SECURITY_MIRROR
  const files = new Map<string, Buffer>([
    ['etc/apt/sources.list.d/debian.sources', Buffer.from(debianSources(mirror, security))],
    ['etc/apt/apt.conf.d/docker', Buffer.from(APT_DOCKER)],
    ['etc/apt/apt.conf.d/90host-acquire', Buffer.from(await hostAcquireSettings())],
    ['etc/dpkg/dpkg.cfg.d/docker-slim', Buffer.from(DPKG_SLIM)],
    [
      'etc/pip.conf',
      Buffer.from(`[global]\ncert = ${HOST_CA_BUNDLE}\nindex-url = ${PYPI_CACHE_INDEX}\n`)
    ],
    ['etc/ssl/certs/ca-certificates.crt', await readFile(HOST_CA_BUNDLE)]
  ])
  for (const name of await readdir(HOST_LOCAL_CAS).catch(() => [])) {
    if (name.endsWith('.crt')) {
      files.set(
        `usr/local/share/ca-certificates/${name}`,
        await readFile(join(HOST_LOCAL_CAS, name))
      )
    }
  }
  const hash = createHash('sha256')
  for (const part of [SUITE, mirror, PACKAGES.join(','), CONFIGURE, IMAGE_CHANGES.join('\n')]) {
    hash.update(part).update('\0')
  }
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(path).update('\0').update(content).update('\0')
  }
  return { mirror, files, key: hash.digest('hex').slice(0, 16) }
}

function debianSources(mirror: string, security: string): string {
  const stanza = (uri: string, suites: string): string =>
    `Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\n` +
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  return `${stanza(mirror, `${SUITE} ${SUITE}-updates`)}\n${stanza(security, `${SUITE}-security`)}`
}

export interface AptSource {
  uris: string[]
  suites: string[]
}

/** The host's apt sources files, as apt reads them. */
async function hostAptSources(): Promise<AptSource[]> {
  const dir = '/etc/apt/sources.list.d'
  const names = (await readdir(dir).catch(() => [] as string[])).sort()
  const texts = [
    await readFile('/etc/apt/sources.list', 'utf8').catch(() => ''),
    ...(await Promise.all(
      names
        .filter(name => name.endsWith('.list') || name.endsWith('.sources'))
        .map(name => readFile(join(dir, name), 'utf8'))
    ))
  ]
  return texts.flatMap(parseAptSources)
}

/** The `deb` sources of one file, one-line (`*.list`) or deb822 (`*.sources`) format. */
export function parseAptSources(text: string): AptSource[] {
  const sources: AptSource[] = []
  for (const line of text.split('\n')) {
    const oneLine = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line)
    if (oneLine) sources.push({ uris: [oneLine[1] ?? ''], suites: [oneLine[2] ?? ''] })
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string[] =>
      new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? []
    if (field('Types').includes('deb') && field('Enabled')[0] !== 'no') {
      sources.push({ uris: field('URIs'), suites: field('Suites') })
    }
  }
  return sources
}

/** The first mirror that serves `suite`, without a trailing slash. */
export function mirrorFor(sources: AptSource[], suite: string): string | undefined {
  return sources.find(source => source.suites.includes(suite))?.uris[0]?.replace(/\/+$/, '')
}

/**
 * The host's `Acquire::` settings (say `Check-Valid-Until "false"` for a frozen mirror): what this
 * machine's apt needs to use its mirror, the image's apt needs too.
 */
async function hostAcquireSettings(): Promise<string> {
  const dir = '/etc/apt/apt.conf.d'
  const lines: string[] = []
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '')
    lines.push(...text.split('\n').filter(line => /^\s*Acquire::[^{]*;\s*$/.test(line)))
  }
  return `// This machine's Acquire:: settings (/etc/apt/apt.conf.d).\n${lines.join('\n')}\n`
}

const run = promisify(execFile)

/**
 * debootstrap, the recipe's files and its clean-up into `rootfs`, then a gzipped tarball of it at
 * `tarball`. Needs root (debootstrap creates device nodes and chowns).
 */
export async function buildRootfsTarball(
  recipe: Recipe,
  rootfs: string,
  tarball: string
): Promise<void> {
  const debootstrap = await findExecutable('debootstrap', SYSTEM_DIRS)
  if (!debootstrap) throw new MissingPackageError('debootstrap', 'debootstrap')
  const args = [
    '--variant=minbase',
    '--components=main',
    `--include=${PACKAGES.join(',')}`,
    SUITE,
    rootfs,
    recipe.mirror
  ]
  try {
    await run(debootstrap, args, { maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const log = await tailFile(join(rootfs, 'debootstrap', 'debootstrap.log'))
    throw new Error(`debootstrap ${args.join(' ')} failed: ${String(error)}\n${log}`)
  }
  for (const [path, content] of recipe.files) {
    await mkdir(join(rootfs, path, '..'), { recursive: true })
    await writeFile(join(rootfs, path), content)
  }
  await run('sh', ['-c', CONFIGURE, 'configure', rootfs])
  await run('tar', ['--numeric-owner', '-C', rootfs, '-czf', tarball, '.'])
}
