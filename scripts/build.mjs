// Bundles the action with esbuild into ESM (see README, Development: why not ncc).
import { chmodSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { build } from 'esbuild'
import { trimProtos } from './trim-protos.mjs'

// The dist check builds into a scratch directory and compares it with the committed dist/.
const outdir = process.argv[2] ?? 'dist'
// Chunk names carry content hashes: stale ones from an earlier build must not linger.
rmSync(outdir, { recursive: true, force: true })

/**
 * The Dataproc batch client loads its package's protos.json at construction: every Dataproc
 * service and message, parsed twice (once for gRPC, once for long-running operations). The bundle
 * gets only what BatchController and Operations reach (__tests__/unit/trim-protos.test.ts), so
 * constructing the client parses only what it uses.
 */
const dataprocBatchProtos = {
  name: 'dataproc-batch-protos',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@google-cloud[\\/]dataproc[\\/]build[\\/]protos[\\/]protos\.json$/ },
      async ({ path }) => ({
        contents: JSON.stringify(
          trimProtos(JSON.parse(await readFile(path, 'utf8')), [
            'google.cloud.dataproc.v1.BatchController',
            'google.longrunning.Operations'
          ])
        ),
        loader: 'json'
      })
    )
  }
}

const THREAD = 'src/steps/code/thread.ts'
const WORKER = 'chunks/snapshot-worker'

const { metafile } = await build({
  // cli: the `kedro-dataproc` command (package.json "bin"); its source's `#!/usr/bin/env node`
  // line is kept by esbuild at the top of dist/cli.js, and only there. The snapshot's thread
  // runs chunks/snapshot-worker.js, which thread.ts finds beside its own chunk.
  entryPoints: {
    index: 'src/index.ts',
    post: 'src/post-index.ts',
    cli: 'src/cli/index.ts',
    [WORKER]: 'src/steps/code/snapshot-worker.ts'
  },
  metafile: true,
  outdir,
  bundle: true,
  // Paths in the bundle stay relative to the checkout even where node_modules is a link (a
  // release checkout shares the maintainer's), so the same sources give the same dist/.
  preserveSymlinks: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  // archiver (the artifact's zip, under @actions/artifact) checksums every byte with
  // buffer-crc32's JavaScript CRC-32; the same API over Node's native zlib.crc32 is several times
  // cheaper (docs/dependencies.md). jest.config.js maps the same name for the tests.
  alias: { 'buffer-crc32': './src/lib/native-crc32.cjs' },
  plugins: [dataprocBatchProtos],
  logLevel: 'warning',
  // CommonJS dependencies (google-gax, grpc) expect require, __dirname and __filename. The banner
  // declares the paths under other names and `define` points the free __filename/__dirname at
  // them: ESM dependencies that declare their own top-level __filename (@azure/storage-common,
  // under @actions/artifact) would otherwise collide with the banner's and fail to load. esbuild
  // already renames a dependency's own `require` out of the banner's way.
  define: { __filename: '__bundleFilename', __dirname: '__bundleDirname' },
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      "import { dirname as __pathDirname } from 'node:path';",
      'const require = __createRequire(import.meta.url);',
      'const __bundleFilename = __fileURLToPath(import.meta.url);',
      'const __bundleDirname = __pathDirname(__bundleFilename);'
    ].join('\n')
  }
})

// thread.ts starts the worker from `new URL('./snapshot-worker.js', import.meta.url)`: the two
// must share a directory, which esbuild's placement of shared code decides; a change fails here.
const threadChunk = Object.entries(metafile.outputs).find(
  ([, output]) => THREAD in output.inputs
)?.[0]
if (!threadChunk || dirname(resolve(threadChunk)) !== dirname(resolve(`${outdir}/${WORKER}.js`))) {
  throw new Error(`${THREAD} was bundled into ${threadChunk}, not beside ${outdir}/${WORKER}.js`)
}

// npm links a bin as it is: the command must be executable when run from a checkout (git keeps the mode).
chmodSync(`${outdir}/cli.js`, 0o755)
