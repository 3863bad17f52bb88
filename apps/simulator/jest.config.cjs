module.exports = { ...require('../../jest.preset.cjs'), displayName: 'simulator', testTimeout: 60_000 };
