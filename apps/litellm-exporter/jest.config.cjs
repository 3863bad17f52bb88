module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'litellm-exporter',
  testTimeout: 60_000,
};
