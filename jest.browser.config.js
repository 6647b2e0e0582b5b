/** Browser tests of the dashboard (npm run test:browser): headless Chromium from the OS, driven by playwright-core. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/browser/*.browser.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 120000,
};
