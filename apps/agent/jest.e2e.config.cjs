module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'agent e2e' };
