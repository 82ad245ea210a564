import { rmSync } from 'node:fs'
import { dirname } from 'node:path'

export default function removeBundle() {
  const bundle = process.env.KEDRO_DATAPROC_TEST_BUNDLE
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true })
}
