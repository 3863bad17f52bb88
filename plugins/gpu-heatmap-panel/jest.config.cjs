module.exports = require('../jest.plugin.cjs')('gpu-heatmap-panel');
