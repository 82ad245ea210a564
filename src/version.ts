import packageJson from '../package.json' with { type: 'json' }

/**
 * The action's version, recorded in release manifests and the summary: package.json's, which
 * `npm run release` sets, so there is one place to change it.
 */
export const ACTION_VERSION: string = packageJson.version
