module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'simulator e2e' };
