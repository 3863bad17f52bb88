module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'container-exporter',
  testTimeout: 60_000,
};
