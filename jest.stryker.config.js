/**
 * The suites the mutation run (npm run mutation) uses: those that run activities without a Temporal engine, so
 * every mutant is switched on in this process and each test's coverage is known. STRYKER_TESTS (comma-separated
 * paths from the repository root) narrows them, for files that nearly every suite calls in its setup.
 */
const narrowed = (process.env.STRYKER_TESTS ?? '')
  .split(',')
  .map((path) => path.trim())
  .filter(Boolean)
  .map((path) => `<rootDir>/${path}`);

/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config'),
  testMatch:
    narrowed.length > 0
      ? narrowed
      : [
          '<rootDir>/test/activities/**/*.test.ts',
          '<rootDir>/test/callbacks/deliver-activity.test.ts',
          '<rootDir>/test/callbacks/deliver-answers.test.ts',
          '<rootDir>/test/callbacks/host-slots.test.ts',
          '<rootDir>/test/workflows/parking-webhook.test.ts',
        ],
};
