// ESM TypeScript under jest: ts-jest transpiles each file on its own (isolatedModules), and
// the `.js` suffixes that NodeNext imports require are mapped back to the `.ts` sources.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  moduleNameMapper: {
    // As in the bundle (scripts/build.mjs): buffer-crc32's API over the native zlib.crc32.
    '^buffer-crc32$': '<rootDir>/src/lib/native-crc32.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 60000
}
