// globalSetup of the integration tests: they run a bundle built from the sources as they are now,
// never a dist/ that is stale or being rebuilt. It sits one level below a directory that also
// holds entrypoint/, as dist/ does in the action, so it finds the entrypoint it ships the same way.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export default function buildBundle() {
  const home = mkdtempSync(join(tmpdir(), 'kedro-dataproc-bundle-'))
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), join(home, 'dist')], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  symlinkSync(join(ROOT, 'entrypoint'), join(home, 'entrypoint'))
  process.env.KEDRO_DATAPROC_TEST_BUNDLE = join(home, 'dist')
}
