import { execFile } from 'node:child_process'
import { chmod, copyFile, mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { findExecutable, MissingPackageError, SYSTEM_DIRS } from './proc.js'

/**
 * A tiny base image built without any network: this machine reaches only the npm registry and the
 * Debian mirrors, never Docker Hub, so `FROM python:…` or `FROM busybox` cannot be pulled. The image
 * is `FROM scratch` plus the statically linked busybox of the Debian package `busybox-static`
 * (a dynamically linked busybox would need a libc in the image), with one symlink per applet so
 * that `RUN` steps (`/bin/sh -c …`) work.
 *
 * Facts found on this machine (dockerd 20.10 started by emulators/docker.ts with `--bridge=none`,
 * CLI 28.2 without the buildx plugin):
 * - `docker build` uses the classic builder (with a deprecation notice) because buildx is missing;
 *   `DOCKER_BUILDKIT=1` with that CLI fails ("BuildKit is enabled but the buildx component is
 *   missing or broken"). The daemon's own BuildKit is reachable only from the 20.10 CLI
 *   (/usr/bin/docker with DOCKER_BUILDKIT=1).
 * - `RUN` steps work with the default network under the classic builder, and with `--network=none`
 *   or `--network=host` under both builders; BuildKit's default fails ("network bridge not found").
 *   So plain `docker build` works here; a caller that may meet BuildKit with this daemon passes
 *   `--network=host` (keeps network access on machines that have it) or `--network=none`.
 * - Debian's busybox-static has no adduser/addgroup applets, and the reference Dockerfile uses
 *   shadow's `groupadd`/`useradd` anyway; the image carries small shell versions of those two that
 *   append to /etc/group and /etc/passwd, enough for `groupadd -g 1099 spark` and
 *   `useradd -u 1099 -g 1099 -d /home/spark -m spark` (the user and group Dataproc requires).
 * - `apt-get` and `pip` are stand-ins that print what they would install (see installerStandIn).
 * - Pushing to the stack's registry at 127.0.0.1:PORT needs no `insecure-registries` entry.
 */

export interface BaseImageOptions {
  /** `unix:///…/docker.sock` of the daemon that builds. */
  dockerHost: string
  /** `host:port` of the registry the image is pushed to. */
  registry: string
  repository?: string
  tag?: string
  /** Path of a statically linked busybox; default the one on PATH. */
  busybox?: string
}

const run = promisify(execFile)

const GROUPADD = `#!/bin/sh
# groupadd [-f] [-g GID] NAME: the part of shadow's groupadd that Dockerfiles for Debian images use.
usage() { echo 'usage: groupadd [-f] [-g GID] NAME' >&2; exit 2; }
force=
gid=
while getopts fg: opt; do
  case $opt in
    f) force=1 ;;
    g) gid=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
name=$1
[ -n "$name" ] || usage
if grep -q "^$name:" /etc/group; then
  [ -n "$force" ] && exit 0
  echo "groupadd: group '$name' already exists" >&2
  exit 9
fi
[ -n "$gid" ] || gid=$(awk -F: 'BEGIN { m = 999 } $3 > m && $3 < 60000 { m = $3 } END { print m + 1 }' /etc/group)
echo "$name:x:$gid:" >> /etc/group
`

const USERADD = `#!/bin/sh
# useradd [-u UID] [-g GROUP] [-d HOME] [-s SHELL] [-m] NAME: the part of shadow's useradd that
# Dockerfiles for Debian images use. Without -g, a group named after the user is created.
usage() { echo 'usage: useradd [-u UID] [-g GROUP] [-d HOME] [-s SHELL] [-m] NAME' >&2; exit 2; }
uid=
group=
home=
shell=/bin/sh
create=
while getopts u:g:d:s:mM opt; do
  case $opt in
    u) uid=$OPTARG ;;
    g) group=$OPTARG ;;
    d) home=$OPTARG ;;
    s) shell=$OPTARG ;;
    m) create=1 ;;
    M) create= ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
name=$1
[ -n "$name" ] || usage
if grep -q "^$name:" /etc/passwd; then
  echo "useradd: user '$name' already exists" >&2
  exit 9
fi
[ -n "$uid" ] || uid=$(awk -F: 'BEGIN { m = 999 } $3 > m && $3 < 60000 { m = $3 } END { print m + 1 }' /etc/passwd)
case $group in
  '')
    gid=$uid
    grep -q "^$name:" /etc/group || echo "$name:x:$gid:" >> /etc/group ;;
  *[!0-9]*)
    gid=$(awk -F: -v g="$group" '$1 == g { print $3 }' /etc/group)
    [ -n "$gid" ] || { echo "useradd: group '$group' does not exist" >&2; exit 6; } ;;
  *)
    gid=$group ;;
esac
home=\${home:-/home/$name}
echo "$name:x:$uid:$gid::$home:$shell" >> /etc/passwd
if [ -n "$create" ]; then
  mkdir -p "$home" && chown "$uid:$gid" "$home"
fi
`

/**
 * The stack has no package mirror inside builds, so the example's unchanged Dockerfile meets
 * stand-ins that say what they would have installed instead of failing its `apt-get` and `pip`
 * steps. The image is labelled a stand-in, so nobody mistakes it for a real Python image.
 */
const installerStandIn = (tool: string): string => `#!/bin/sh
echo "${tool} stand-in (kedro-dataproc-action local stack base image, no network): not running: ${tool} $*" >&2
`

const DOCKERFILE = `FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.description="kedro-dataproc-action local stack: busybox stand-in base image"
CMD ["/bin/sh"]
`

/**
 * Builds the busybox base image, pushes it to the registry and returns its reference
 * (`REGISTRY/base/busybox:1` by default).
 */
export async function buildBaseImage(options: BaseImageOptions): Promise<string> {
  const busybox = options.busybox ?? (await findExecutable('busybox', SYSTEM_DIRS))
  if (!busybox) throw new MissingPackageError('busybox-static', 'a static busybox')
  if (!(await isStaticElf(busybox))) {
    throw new Error(
      `${busybox} is dynamically linked (Debian package busybox); a FROM scratch image needs ` +
        'the static one: apt-get install -y busybox-static'
    )
  }
  const reference = `${options.registry}/${options.repository ?? 'base/busybox'}:${options.tag ?? '1'}`
  const context = await mkdtemp(join(tmpdir(), 'kda-base-image-'))
  try {
    const rootfs = join(context, 'rootfs')
    for (const dir of ['bin', 'etc', 'root', 'home', 'tmp', 'usr/sbin']) {
      await mkdir(join(rootfs, dir), { recursive: true })
    }
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'))
    await chmod(join(rootfs, 'bin', 'busybox'), 0o755)
    const { stdout } = await run(busybox, ['--list'])
    for (const applet of stdout.split('\n').filter(a => a && a !== 'busybox' && !a.includes('/'))) {
      await symlink('busybox', join(rootfs, 'bin', applet))
    }
    await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\n')
    await writeFile(join(rootfs, 'usr', 'sbin', 'groupadd'), GROUPADD, { mode: 0o755 })
    await writeFile(join(rootfs, 'usr', 'sbin', 'useradd'), USERADD, { mode: 0o755 })
    await mkdir(join(rootfs, 'usr', 'local', 'bin'), { recursive: true })
    for (const tool of ['apt-get', 'pip']) {
      await writeFile(join(rootfs, 'usr', 'local', 'bin', tool), installerStandIn(tool), {
        mode: 0o755
      })
    }
    // The build copies modes from the context: /tmp must be world-writable and sticky.
    await chmod(join(rootfs, 'tmp'), 0o1777)
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE)
    const env = { ...process.env, DOCKER_HOST: options.dockerHost }
    const docker = async (args: string[]): Promise<void> => {
      try {
        await run('docker', args, { env, maxBuffer: 16 * 1024 * 1024 })
      } catch (error) {
        const { stderr, stdout: out } = error as { stderr?: string; stdout?: string }
        throw new Error(`docker ${args[0]} failed: ${(stderr || out || String(error)).trim()}`)
      }
    }
    // Only COPY steps: the build needs no network and works under either builder.
    await docker(['build', '--tag', reference, context])
    await docker(['push', reference])
    return reference
  } finally {
    await rm(context, { recursive: true, force: true })
  }
}

/** Whether an ELF64 little-endian executable has no program interpreter, i.e. is statically linked. */
async function isStaticElf(path: string): Promise<boolean> {
  const file = await open(path, 'r')
  try {
    const header = Buffer.alloc(64)
    await file.read(header, 0, 64, 0)
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) {
      throw new Error(`${path} is not a 64-bit little-endian ELF executable`)
    }
    const phoff = Number(header.readBigUInt64LE(32))
    const phentsize = header.readUInt16LE(54)
    const phnum = header.readUInt16LE(56)
    const table = Buffer.alloc(phentsize * phnum)
    await file.read(table, 0, table.length, phoff)
    const PT_INTERP = 3
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) return false
    }
    return true
  } finally {
    await file.close()
  }
}
