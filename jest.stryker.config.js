/**
 * The suites the mutation run (npm run mutation) uses: those that run activities in this process, so every mutant
 * is switched on where it runs and each test's coverage is known (the census suite starts a dev server of its own).
 * STRYKER_TESTS (comma-separated paths from the repository root) narrows or widens them: to the suites that test a
 * file nearly every suite calls in its setup, or to the API suites that drive the engine-bound activities. Stryker's
 * sandbox leaves out the git-ignored engines, so suites that start one use the checkout's.
 */
const path = require('node:path');

const checkout = __dirname.split(`${path.sep}.stryker-tmp${path.sep}`)[0];
process.env.TEMPORAL_CLI_PATH ||= path.join(checkout, '.temporal', 'bin', 'temporal');
process.env.TEMPORAL_TEST_SERVER_PATH ||= path.join(checkout, 'bin', 'temporal-test-server');

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
