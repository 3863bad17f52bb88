module.exports = { ...require('../jest.preset.cjs'), displayName: 'tools', testTimeout: 120_000 };
