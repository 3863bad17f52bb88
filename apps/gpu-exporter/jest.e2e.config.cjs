module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'gpu-exporter e2e' };
