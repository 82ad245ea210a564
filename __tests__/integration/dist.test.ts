import { staleDistFiles } from '../../scripts/release/dist-diff.js'
import { ROOT } from '../helpers/action.js'

test('the committed dist/ is what the sources build to', () => {
  // Run npm run build and commit dist/ when this fails.
  expect(staleDistFiles(ROOT)).toEqual([])
})
