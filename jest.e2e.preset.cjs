// End-to-end suites (the `e2e` target, never cached): the tests in e2e/ folders (at a project's
// root, or beside what they test in tools/), which start real servers (Prometheus, the
// simulator, built apps, Chromium).
const unit = require('./jest.preset.cjs');
module.exports = {
  ...unit,
  testMatch: ['<rootDir>/**/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 120_000,
};
