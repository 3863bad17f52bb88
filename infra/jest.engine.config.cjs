// The engine suites (the `e2e-engine` target): images built and run on podman, the compose
// stack up for real. Minutes each; one at a time, as they share the engine.
module.exports = {
  ...require('../jest.e2e.preset.cjs'),
  displayName: 'engine e2e',
  testMatch: ['<rootDir>/e2e-engine/**/*.test.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
