module.exports = { ...require('../jest.e2e.preset.cjs'), displayName: 'tools e2e', testTimeout: 300_000 };
