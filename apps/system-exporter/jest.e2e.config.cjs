module.exports = {
  ...require('../../jest.e2e.preset.cjs'),
  displayName: 'system-exporter e2e',
  // They start real node_exporter and Prometheus processes, and the built exporter.
  testTimeout: 120_000,
};
