module.exports = { ...require('../../jest.preset.cjs'), displayName: 'native-stack' };
