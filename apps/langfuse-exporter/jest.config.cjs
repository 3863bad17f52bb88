module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'langfuse-exporter',
  testTimeout: 60_000,
};
