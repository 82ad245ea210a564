// ESM TypeScript under jest: ts-jest transpiles each file on its own (isolatedModules), and
// the `.js` suffixes that NodeNext imports require are mapped back to the `.ts` sources.
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  moduleNameMapper: {
    // As in the bundle (scripts/build.mjs): buffer-crc32's API over the native zlib.crc32.
    '^buffer-crc32$': '<rootDir>/src/lib/native-crc32.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  }
}

// `npm test -- --selectProjects unit` runs the fast in-process tests alone.
export default {
  // Real Spark batches, image builds and containers: on a loaded machine any of them can take many
  // times its usual length, so integration tests set no shorter limit of their own. (Jest reads
  // testTimeout for the whole run only, not per project.)
  testTimeout: 1_200_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      // The local stack, the action and the command as processes, run from a fresh bundle.
      globalSetup: '<rootDir>/__tests__/helpers/bundle-setup.mjs',
      globalTeardown: '<rootDir>/__tests__/helpers/bundle-teardown.mjs'
    }
  ]
}
