module.exports = require('../jest.plugin.cjs')('token-rate-panel');
