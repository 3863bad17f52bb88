module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'litellm-exporter e2e' };
