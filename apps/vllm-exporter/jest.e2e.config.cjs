module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'vllm-exporter e2e' };
