// What jsdom lacks and Grafana's UI kit expects (a browser has these).
window.matchMedia ??= () => ({
  matches: false,
  addListener() {},
  removeListener() {},
  addEventListener() {},
  removeEventListener() {},
});
global.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
// react-dom/server (which @grafana/ui imports) needs the encoders a browser has.
const { TextEncoder, TextDecoder } = require('node:util');
global.TextEncoder ??= TextEncoder;
global.TextDecoder ??= TextDecoder;
