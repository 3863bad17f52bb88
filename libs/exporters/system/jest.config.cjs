module.exports = { ...require('../../../jest.preset.cjs'), displayName: 'exporter-system' };
