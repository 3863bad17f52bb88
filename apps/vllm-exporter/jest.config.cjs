module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'vllm-exporter',
  testTimeout: 60_000,
};
