// ESM TypeScript under jest: ts-jest transpiles each file on its own (isolatedModules), and
// the `.js` suffixes that NodeNext imports require are mapped back to the `.ts` sources.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 60000
}
