/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The bundle and browser checks need a real synth and Chromium; they run
  // with `npm run test:contract` (jest.contract.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/(browser|bundle)/',
  ],
  transform: { '\\.[cm]?[jt]s$': '<rootDir>/test/support/transform.cjs' },
  // These packages ship only ES modules; everything else is CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@seriousme)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
