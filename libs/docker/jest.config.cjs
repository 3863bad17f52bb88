module.exports = { ...require('../../jest.preset.cjs'), displayName: 'docker', testTimeout: 60_000 };
