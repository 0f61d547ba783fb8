const base = require('./jest.config');

/**
 * Checks that need more than Node.js: the built bundles (a real `cdk synth`
 * with bundling) and the docs page in Chromium. Run with
 * `npm run test:contract`; the default run leaves them out.
 *
 * @type {import('jest').Config}
 */
module.exports = {
  ...base,
  roots: [
    '<rootDir>/test/browser',
    '<rootDir>/test/bundle',
    '<rootDir>/test/contract',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
};
