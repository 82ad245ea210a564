import { readFileSync } from 'node:fs'
import { ACTION_VERSION } from '../src/version.js'
import { ROOT } from './helpers/action.js'

test('the version recorded in release manifests is the package version', () => {
  expect(ACTION_VERSION).toBe(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version)
})
