module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'container-exporter e2e' };
