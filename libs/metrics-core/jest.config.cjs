module.exports = { ...require('../../jest.preset.cjs'), displayName: 'metrics-core' };
