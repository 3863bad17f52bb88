module.exports = { ...require('../../jest.preset.cjs'), displayName: 'gpu-exporter', testTimeout: 60_000 };
