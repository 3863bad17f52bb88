module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'langfuse-exporter e2e' };
