module.exports = { ...require('../../jest.e2e.preset.cjs'), displayName: 'docker e2e', testTimeout: 60_000 };
