module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'system-exporter',
  // Integration tests start real node_exporter and Prometheus processes.
  testTimeout: 120_000,
};
