/**
 * The suites the mutation run (npm run mutation) uses: those that run activities without a Temporal engine, so
 * every mutant is switched on in this process and each test's coverage is known.
 */
/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config'),
  testMatch: [
    '<rootDir>/test/activities/**/*.test.ts',
    '<rootDir>/test/callbacks/deliver-activity.test.ts',
    '<rootDir>/test/workflows/parking-webhook.test.ts',
  ],
};
